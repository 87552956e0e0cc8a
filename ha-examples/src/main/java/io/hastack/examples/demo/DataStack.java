package io.hastack.examples.demo;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.resources.Commands;
import io.hastack.resources.db.PostgresAgent;
import io.hastack.resources.fs.FilesystemAgent;
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
 * Every node of a demo must be given the same stack (it is part of the configuration). Where
 * PostgreSQL's account cannot reach the checkout, {@link #place} moves the shared directory or
 * falls back to H2, and says so.
 *
 * @param fileSystem whether the group mounts an ext4 loop image
 * @param postgres PostgreSQL (true) or H2 (false)
 * @param nginx whether nginx fronts the embedded web server
 * @param dbPort the database's TCP port
 * @param consolePort H2's web console port (its health URL); unused with PostgreSQL
 * @param appPort the embedded web server's port behind nginx; unused without nginx
 * @param h2Jar the H2 jar; unused with PostgreSQL
 */
public record DataStack(
        boolean fileSystem, boolean postgres, boolean nginx, int dbPort, int consolePort, int appPort, Path h2Jar) {
    /** The stack this machine supports, on the given ports. */
    public static DataStack detect(int dbPort, int consolePort, int appPort) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean fs = root
                && Commands.locate("mkfs.ext4").isPresent()
                && Commands.locate("mount").isPresent();
        boolean pg = root && Files.isExecutable(PostgresAgent.newestBin().resolve("postgres"));
        boolean nginx = Commands.locate("nginx").isPresent();
        return new DataStack(fs, pg, nginx, dbPort, consolePort, appPort, locateH2());
    }

    /**
     * Where the demo's shared directory goes and with which stack.
     *
     * @param stack the stack to run
     * @param shared the shared directory
     * @param temporary whether {@code shared} is a temporary directory to remove at the end
     * @param why what was changed from the first choice and why; empty if nothing was
     */
    public record Place(DataStack stack, Path shared, boolean temporary, Optional<String> why) {}

    /**
     * Chooses a place for the shared directory: {@code preferred} (below the checkout) when the
     * stack's servers can use it; with PostgreSQL, whose server runs as another user, the agent's
     * own validate decides. If that user cannot reach {@code preferred} (a checkout below a private
     * directory), a new directory under the system's temporary directory, which only root can list
     * but any user can enter; if not even that works, H2 instead of PostgreSQL. {@link Place#why()}
     * says which and why.
     */
    public static Place place(DataStack stack, Path preferred, int webPort) {
        if (!stack.postgres()) {
            return new Place(stack, preferred, false, Optional.empty());
        }
        try {
            // The agent's validate checks the server's log file too, which goes in this directory.
            Files.createDirectories(preferred);
        } catch (java.io.IOException e) {
            // left to the check below, which names what is wrong
        }
        Optional<String> here = stack.postgresProblem(preferred, webPort);
        if (here.isEmpty()) {
            // Only a permission problem has a remedy here; anything else the nodes will report.
            return new Place(stack, preferred, false, Optional.empty());
        }
        Path temp;
        try {
            temp = Files.createTempDirectory("hastack-demo-");
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        } catch (java.io.IOException e) {
            return new Place(
                    stack.withoutPostgres(),
                    preferred,
                    false,
                    Optional.of(here.get() + "; no temporary directory could be made (" + e.getMessage()
                            + "), so the demo uses H2"));
        }
        Optional<String> there = stack.postgresProblem(temp, webPort);
        if (there.isEmpty()) {
            return new Place(
                    stack,
                    temp,
                    true,
                    Optional.of(here.get() + ". The demo keeps its shared directory (the"
                            + " quorum device and the data) in " + temp + " instead, and removes it at the end."));
        }
        delete(temp);
        return new Place(
                stack.withoutPostgres(),
                preferred,
                false,
                Optional.of(here.get() + "; nor in " + temp + ": " + there.get()
                        + ". The demo uses an H2 database instead."));
    }

    /**
     * Why user postgres cannot use {@code shared}, if the agent's validate says so
     * ({@link AgentResult#ERR_PERM}); any other answer is left to the nodes, which report it.
     */
    private Optional<String> postgresProblem(Path shared, int webPort) {
        ResourceSpec db = DemoCluster.config(webPort, Optional.of(this), shared).groups().get(0).resources().stream()
                .filter(r -> r.agentType().equals(PostgresAgent.TYPE))
                .findFirst()
                .orElseThrow();
        PostgresAgent agent = new PostgresAgent();
        AgentOutcome outcome = agent.validate(new AgentContext(
                NodeId.of("node1"),
                db.id(),
                Operation.VALIDATE,
                db.parameters(),
                db.timeout(Operation.VALIDATE, agent.metadata().timeouts()),
                System.nanoTime(),
                0));
        return outcome.result() == AgentResult.ERR_PERM ? Optional.of(outcome.message()) : Optional.empty();
    }

    private DataStack withoutPostgres() {
        return new DataStack(fileSystem, false, nginx, dbPort, consolePort, appPort, h2Jar);
    }

    /**
     * Leaves nothing behind: unmounts the image if a node left it mounted (a killed node cannot
     * unmount; the last node normally does), and removes {@code shared} if it is {@code temporary}.
     */
    public void cleanUp(Path shared, boolean temporary) {
        if (fileSystem && mounted(data(shared))) {
            Commands.Result r =
                    Commands.run(List.of("umount", data(shared).toString()), java.time.Duration.ofSeconds(30));
            if (!r.ok()) {
                Commands.run(List.of("umount", "-l", data(shared).toString()), java.time.Duration.ofSeconds(30));
            }
        }
        if (temporary) {
            delete(shared);
        }
    }

    private static boolean mounted(Path dir) {
        try {
            return FilesystemAgent.mounted(dir.toAbsolutePath().normalize());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort: a temporary directory
        }
    }

    /** The nginx configuration in the demo's shared directory. */
    static Path nginxConfig(Path shared) {
        return shared.resolve("nginx").resolve("nginx.conf");
    }

    static Path locateH2() {
        try {
            return Path.of(org.h2.tools.Server.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
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
                Commands.Result t = Commands.run(
                        List.of("truncate", "-s", "64M", image(shared).toString()), java.time.Duration.ofSeconds(10));
                Commands.Result m = Commands.run(
                        List.of("mkfs.ext4", "-q", "-F", image(shared).toString()), java.time.Duration.ofSeconds(60));
                if (!t.ok() || !m.ok()) {
                    throw new IllegalStateException(
                            "cannot make the demo's file system image: " + t.describe() + "; " + m.describe());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line for the demo's header. */
    public String describe() {
        return (fileSystem ? "ext4 loop image (file system agent)" : "a plain directory (mounting needs root)")
                + " + "
                + (postgres
                        ? "PostgreSQL (postgresql agent)"
                        : "H2 server (java-app agent; PostgreSQL needs" + " root and the postgresql package)")
                + " + "
                + (nginx
                        ? "nginx (nginx agent) in front of the embedded" + " web server"
                        : "embedded web server (nginx is not installed)");
    }

    /** The node arguments that carry this stack. */
    public List<String> args() {
        return List.of(
                "--data-stack",
                "fs=" + fileSystem + ",db=" + (postgres ? "postgresql" : "h2") + ",nginx="
                        + nginx + ",db-port=" + dbPort + ",console-port=" + consolePort + ",app-port=" + appPort
                        + ",h2-jar="
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
        return Optional.of(new DataStack(
                Boolean.parseBoolean(kv.get("fs")),
                "postgresql".equals(kv.get("db")),
                Boolean.parseBoolean(kv.get("nginx")),
                Integer.parseInt(kv.get("db-port")),
                Integer.parseInt(kv.get("console-port")),
                Integer.parseInt(kv.get("app-port")),
                Path.of(kv.get("h2-jar"))));
    }
}
