package io.hastack.resources.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations of real servers for the tests, on free loopback ports. */
final class Servers {
    private Servers() {}

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An nginx configuration in {@code dir} serving "hello from nginx" and a stub status on {@code port}. */
    static Path nginxConfig(Path dir, int port) throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        String p = dir.toString();
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / { return 200 "hello from nginx\\n"; }
                        location = /nginx_status { stub_status; }
                    }
                }
                """.formatted(p, port));
        return config;
    }
}
