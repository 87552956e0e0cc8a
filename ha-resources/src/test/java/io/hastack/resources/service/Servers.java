package io.hastack.resources.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations of real servers for the tests, on free loopback ports. */
public final class Servers {
    private Servers() {}

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a jar of {@link TinyApp} in {@code dir}, from the compiled test classes. */
    static Path tinyAppJar(Path dir) throws IOException {
        Path jar = dir.resolve("tiny-app.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, TinyApp.class.getName());
        try (java.util.jar.JarOutputStream out =
                new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Class<?> c : java.util.List.of(TinyApp.class, TinyAppMBean.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new java.util.jar.JarEntry(entry));
                try (java.io.InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A java-app resource running {@link TinyApp} with JMX on {@code jmxPort}, checked by both. */
    static io.hastack.core.model.ResourceSpec.Builder tinyApp(Path jar, int port, int jmxPort) {
        return io.hastack.core.model.ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .param("jar", jar.toString())
                .param("java-option.0", "-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .param("java-option.1", "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
                .param("java-option.2", "-Dcom.sun.management.jmxremote.authenticate=false")
                .param("java-option.3", "-Dcom.sun.management.jmxremote.ssl=false")
                .param("java-option.4", "-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .param("java-option.5", "-Djava.rmi.server.hostname=127.0.0.1")
                .param("arg.0", Integer.toString(port))
                .param("status-url", "http://127.0.0.1:" + port + "/health")
                .param("expect-body", "tiny app up")
                .param("jmx-url", "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi")
                .param("jmx-object", "io.hastack.test:type=TinyApp")
                .param("jmx-attribute", "Ready")
                .param("jmx-expect", "true")
                .timeout(io.hastack.core.model.Operation.START, java.time.Duration.ofSeconds(60));
    }

    /** An nginx configuration in {@code dir} serving "hello from nginx" and a stub status on {@code port}. */
    public static Path nginxConfig(Path dir, int port) throws IOException {
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
