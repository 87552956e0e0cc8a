package io.hastack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution ({@code hastack-<version>.tar.gz}, path in the system property {@code
 * hastack.distribution}), unpacked: its launchers find Java and the jars, its example configuration
 * is read, and a node started with {@code bin/hastack-node} serves the admin API that {@code
 * bin/hastack} reads, and ends with exit code 0 on SIGTERM. Runs in {@code mvn verify} after {@code
 * package} (ha-server's pom), not in the test phase.
 */
@Tag("integration")
class DistributionIT {
    private static final Duration WAIT = Timing.seconds(60);

    @TempDir
    Path dir;

    private Path home;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("hastack.distribution", "target/hastack-missing.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "no distribution at " + archive + ": run mvn package first");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (var entries = Files.list(dir)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("hastack-"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process start(Path log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("HASTACK_URL");
        pb.environment().remove("HASTACK_TOKEN_FILE");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs {@code command} to its end; its exit code and output. */
    private Result run(String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = start(log, command);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return new Result(p.exitValue(), Files.readString(log));
    }

    record Result(int code, String output) {}

    private String bin(String name) {
        return home.resolve("bin").resolve(name).toString();
    }

    @Test
    void theLaunchersRunAndTheExampleConfigurationIsRead() throws Exception {
        assertTrue(Files.isExecutable(home.resolve("bin/hastack")));
        assertTrue(Files.isRegularFile(home.resolve("conf/hastack-node@.service")));
        Result help = run(bin("hastack"), "--help");
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("Exit codes:"), help.output());

        Result node = run(
                bin("hastack-node"),
                "--config",
                home.resolve("conf/cluster.yaml").toString(),
                "--node",
                "nosuch");
        assertEquals(NodeDaemon.EXIT_CONFIG, node.code(), node.output());
        assertTrue(node.output().contains("node nosuch is not in 'nodes'"), node.output());
    }

    @Test
    void aNodeFromTheDistributionServesTheApiThatTheCliReads() throws Exception {
        int port = io.hastack.testsupport.Ports.freeWithNeighbour(100);
        int adminPort = io.hastack.testsupport.Ports.freeWithNeighbour(1);
        Path token = dir.resolve("admin.token");
        Files.writeString(token, "distribution-token-" + UUID.randomUUID() + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Path config = dir.resolve("cluster.yaml");
        Files.writeString(
                config,
                "cluster: dist-" + UUID.randomUUID() + "\ninsecure: true\nnodes:\n  n1: 127.0.0.1:" + port + "\n"
                        + "admin:\n  port: " + adminPort + "\n  token-file: admin.token\n");
        Path log = dir.resolve("n1.log");
        Process node = start(log, bin("hastack-node"), "--config", config.toString(), "--node", "n1");

        String url = "http://127.0.0.1:" + adminPort;
        await().atMost(WAIT)
                .alias("hastack status from the node; its log: " + log)
                .until(() -> {
                    Result status = run(bin("hastack"), "--url", url, "--token-file", token.toString(), "status");
                    return status.code() == 0 && status.output().startsWith("Cluster status from n1 (coordinator)");
                });
        Path wrongToken = dir.resolve("wrong.token");
        Files.writeString(wrongToken, "not-the-token-0123456789\n");
        Result wrong = run(bin("hastack"), "--url", url, "--token-file", wrongToken.toString(), "status");
        assertEquals(1, wrong.code(), wrong.output());

        node.destroy(); // SIGTERM
        assertTrue(node.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, node.exitValue(), Files.readString(log));
    }
}
