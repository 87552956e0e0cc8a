package io.hastack.examples.demo;

import io.hastack.resources.Commands;
import io.hastack.resources.db.PostgresAgent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's data tier: a file system, a database and the web server, using the real servers when
 * this machine has them and embedded ones otherwise. As root with {@code mkfs.ext4}: an ext4 loop
 * image mounted on the shared directory (on one host both nodes see the same image, as two hosts
 * would see a shared disk); without root: no file system, the data in a plain directory. As root
 * with PostgreSQL installed: PostgreSQL; otherwise an H2 database server (from the demo's class
 * path). With nginx installed, nginx serves the demo's port as a reverse proxy in front of the
 * embedded web server, whose page names the node; without, the embedded server serves it directly.
 * Every node of a demo must be given the same stack (it is part of the configuration).
 *
 * @param fileSystem whether the group mounts an ext4 loop image
 * @param postgres PostgreSQL (true) or H2 (false)
 * @param nginx whether nginx fronts the embedded web server
 * @param dbPort the database's TCP port
 * @param consolePort H2's web console port (its health URL); unused with PostgreSQL
 * @param appPort the embedded web server's port behind nginx; unused without nginx
 * @param h2Jar the H2 jar; unused with PostgreSQL
 */
public record DataStack(boolean fileSystem, boolean postgres, boolean nginx, int dbPort, int consolePort, int appPort,
        Path h2Jar) {
    /** The stack this machine supports, on the given ports. */
    public static DataStack detect(int dbPort, int consolePort, int appPort) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean fs = root && Commands.locate("mkfs.ext4").isPresent() && Commands.locate("mount").isPresent();
        boolean pg = root && Files.isExecutable(PostgresAgent.newestBin().resolve("postgres"));
        boolean nginx = Commands.locate("nginx").isPresent();
        return new DataStack(fs, pg, nginx, dbPort, consolePort, appPort, locateH2());
    }

    /** The nginx configuration in the demo's shared directory. */
    static Path nginxConfig(Path shared) {
        return shared.resolve("nginx").resolve("nginx.conf");
    }

    private static Path locateH2() {
        try {
            return Path.of(org.h2.tools.Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the H2 jar", e);
        }
    }

    /** The image file in the demo's shared directory. */
    static Path image(Path shared) {
        return shared.resolve("data.img");
    }

    /** The directory the data lives in (the mount point, with a file system). */
    static Path data(Path shared) {
        return shared.resolve("data");
    }

    /**
     * Creates what the stack needs before the nodes start: the formatted image, the data directory,
     * the nginx configuration ({@code webPort} proxied to the embedded server).
     */
    public void prepare(Path shared, int webPort) {
        try {
            Files.createDirectories(data(shared));
            if (nginx) {
                Path dir = Files.createDirectories(nginxConfig(shared).getParent());
                // One process (no workers), so that it dies with its node like every managed child.
                Files.writeString(nginxConfig(shared), """
                        master_process off;
                        pid %1$s/nginx.pid;
                        error_log %1$s/error.log;
                        events { worker_connections 64; }
                        http {
                            access_log off;
                            client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy;
                            fastcgi_temp_path %1$s/fastcgi; uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                            server {
                                listen 127.0.0.1:%2$d;
                                location = /nginx_status { stub_status; }
                                location / { proxy_pass http://127.0.0.1:%3$d; }
                            }
                        }
                        """.formatted(dir, webPort, appPort));
            }
            if (fileSystem && !Files.exists(image(shared))) {
                Commands.Result t = Commands.run(List.of("truncate", "-s", "64M", image(shared).toString()),
                        java.time.Duration.ofSeconds(10));
                Commands.Result m = Commands.run(List.of("mkfs.ext4", "-q", "-F", image(shared).toString()),
                        java.time.Duration.ofSeconds(60));
                if (!t.ok() || !m.ok()) {
                    throw new IllegalStateException("cannot make the demo's file system image: " + t.describe() + "; "
                            + m.describe());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line for the demo's header. */
    public String describe() {
        return (fileSystem ? "ext4 loop image (file system agent)" : "a plain directory (mounting needs root)")
                + " + " + (postgres ? "PostgreSQL (postgresql agent)" : "H2 server (java-app agent; PostgreSQL needs"
                + " root and the postgresql package)") + " + " + (nginx ? "nginx (nginx agent) in front of the embedded"
                + " web server" : "embedded web server (nginx is not installed)");
    }

    /** The node arguments that carry this stack. */
    public List<String> args() {
        return List.of("--data-stack", "fs=" + fileSystem + ",db=" + (postgres ? "postgresql" : "h2") + ",nginx="
                + nginx + ",db-port=" + dbPort + ",console-port=" + consolePort + ",app-port=" + appPort + ",h2-jar="
                + h2Jar);
    }

    /** The stack named by {@code --data-stack}, if given. */
    static Optional<DataStack> fromArgs(Map<String, String> opts) {
        String raw = opts.get("data-stack");
        if (raw == null) {
            return Optional.empty();
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : raw.split(",")) {
            String[] p = part.split("=", 2);
            kv.put(p[0], p.length > 1 ? p[1] : "");
        }
        return Optional.of(new DataStack(Boolean.parseBoolean(kv.get("fs")), "postgresql".equals(kv.get("db")),
                Boolean.parseBoolean(kv.get("nginx")), Integer.parseInt(kv.get("db-port")),
                Integer.parseInt(kv.get("console-port")), Integer.parseInt(kv.get("app-port")),
                Path.of(kv.get("h2-jar"))));
    }
}
