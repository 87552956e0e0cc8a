package io.hastack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
    private static final Duration WAIT = Distribution.WAIT;

    @TempDir
    Path dir;

    private Distribution dist;
    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        dist = new Distribution(dir);
        home = dist.home();
    }

    @AfterEach
    void tearDown() {
        dist.close();
    }

    private Process start(Path log, String... command) throws IOException {
        return dist.start(log, command);
    }

    private Distribution.Result run(String... command) throws Exception {
        return dist.run(command);
    }

    private String bin(String name) {
        return dist.bin(name);
    }

    @Test
    void theLaunchersRunAndTheExampleConfigurationIsRead() throws Exception {
        assertTrue(Files.isExecutable(home.resolve("bin/hastack")));
        assertTrue(Files.isRegularFile(home.resolve("conf/hastack-node@.service")));
        Distribution.Result help = run(bin("hastack"), "--help");
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("Exit codes:"), help.output());

        Distribution.Result node = run(
                bin("hastack-node"),
                "--config",
                home.resolve("conf/cluster.yaml").toString(),
                "--node",
                "nosuch");
        assertEquals(NodeDaemon.EXIT_CONFIG, node.code(), node.output());
        assertTrue(node.output().contains("node nosuch is not in 'nodes'"), node.output());
    }

    /**
     * The shipped systemd unit passes {@code systemd-analyze verify} once its {@code /opt/hastack}
     * points at this installation (systemd checks that the command exists): keys, values and the
     * instance name all parse. Running it under systemd needs a booted systemd, which the tests do not have.
     */
    @Test
    void theSystemdUnitVerifies() throws Exception {
        io.hastack.testsupport.Prerequisites.requireCommand("systemd-analyze", "systemd");
        String unit = Files.readString(home.resolve("conf/hastack-node@.service"));
        assertTrue(
                unit.contains("ExecStart=/opt/hastack/bin/hastack-node --config /etc/hastack/cluster.yaml --node %i"));
        Path instance = dir.resolve("hastack-node@node1.service");
        Files.writeString(instance, unit.replace("/opt/hastack", home.toString()));
        Distribution.Result verify = run("systemd-analyze", "verify", instance.toString());
        assertEquals(0, verify.code(), verify.output());
        assertEquals("", verify.output().strip(), "no warning about the unit");
    }

    @Test
    void aNodeFromTheDistributionServesTheApiThatTheCliReads() throws Exception {
        int port = io.hastack.testsupport.Ports.freeWithNeighbour(100);
        int adminPort = io.hastack.testsupport.Ports.freeWithNeighbour(1);
        Path token = dir.resolve("admin.token");
        Files.writeString(token, "distribution-token-" + UUID.randomUUID() + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        // The group's service check asks this server (the worker itself serves nothing).
        com.sun.net.httpserver.HttpServer service = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        service.start();
        Path config = dir.resolve("cluster.yaml");
        Files.writeString(
                config,
                "cluster: dist-" + UUID.randomUUID() + "\ninsecure: true\nnodes:\n  n1: 127.0.0.1:" + port + "\n"
                        + "admin:\n  port: " + adminPort + "\n  token-file: admin.token\n"
                        + "groups:\n  g:\n    resources:\n      - {id: worker, agent: process,"
                        + " params: {argv.0: sleep, argv.1: '3600'}}\n"
                        + "checks: {g: 'http://127.0.0.1:"
                        + service.getAddress().getPort() + "/health'}\n");
        Path log = dir.resolve("n1.log");
        Process node = start(log, bin("hastack-node"), "--config", config.toString(), "--node", "n1");

        String url = "http://127.0.0.1:" + adminPort;
        java.util.concurrent.atomic.AtomicReference<String> lastStatus =
                new java.util.concurrent.atomic.AtomicReference<>("(none)");
        showingLog(
                log,
                node,
                lastStatus,
                () -> await().atMost(WAIT).alias("hastack status from the node").until(() -> {
                    Distribution.Result status =
                            run(bin("hastack"), "--url", url, "--token-file", token.toString(), "status");
                    lastStatus.set("exit " + status.code() + ": " + status.output());
                    return status.code() == 0 && status.output().startsWith("Cluster status from n1 (coordinator)");
                }));
        Path wrongToken = dir.resolve("wrong.token");
        Files.writeString(wrongToken, "not-the-token-0123456789\n");
        Distribution.Result wrong = run(bin("hastack"), "--url", url, "--token-file", wrongToken.toString(), "status");
        assertEquals(1, wrong.code(), wrong.output());

        // The daemon's meters, in Prometheus' text format, behind the same token.
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest.Builder scrape =
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/metrics"));
        java.net.http.HttpResponse<String> denied =
                http.send(scrape.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, denied.statusCode(), denied.body());
        String bearer = "Bearer " + Files.readString(token).strip();
        java.net.http.HttpResponse<String> metrics = http.send(
                scrape.header("Authorization", bearer).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(metrics.body().contains("hastack_quorate{node=\"n1\"} 1.0"), metrics.body());
        assertTrue(metrics.body().contains("hastack_lease_held{node=\"n1\"}"), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "the JVM's meters too");

        // The group started; its service check answered, and the history says so.
        java.net.http.HttpRequest answered = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/history?limit=1000"))
                .header("Authorization", bearer)
                .build();
        showingLog(
                log,
                node,
                new java.util.concurrent.atomic.AtomicReference<>("(see the log)"),
                () -> await().atMost(WAIT)
                        .alias("SERVICE_ANSWERING in the history")
                        .ignoreExceptions()
                        .until(
                                () -> http.send(answered, java.net.http.HttpResponse.BodyHandlers.ofString())
                                        .body()
                                        .matches(
                                                "(?s).*\"type\"\\s*:\\s*\"SERVICE_ANSWERING\",\\s*\"subject\"\\s*:\\s*\"g\".*")));
        service.stop(0);

        node.destroy(); // SIGTERM
        assertTrue(node.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, node.exitValue(), Files.readString(log));

        // Started again, the node's history holds its first life's events too (kept beside its file).
        assertTrue(Files.exists(dir.resolve("n1.history.jsonl")));
        Process again =
                start(dir.resolve("n1-again.log"), bin("hastack-node"), "--config", config.toString(), "--node", "n1");
        java.net.http.HttpRequest history = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/history?limit=1000"))
                .header("Authorization", bearer)
                .build();
        java.util.concurrent.atomic.AtomicReference<String> seen =
                new java.util.concurrent.atomic.AtomicReference<>("");
        try {
            awaitTwoLives(http, history, seen);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "history: " + seen.get() + "\nlog: " + Files.readString(dir.resolve("n1-again.log")) + "\nfile: "
                            + Files.readString(dir.resolve("n1.history.jsonl")),
                    e);
        }
        again.destroy();
        assertTrue(again.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    /**
     * Runs {@code wait}; if it times out, fails with what the node wrote to its log (kept in a
     * temporary directory that is gone once the test ends), whether the node still runs, and {@code
     * last}, what the test saw last.
     */
    private static void showingLog(
            Path log, Process node, java.util.concurrent.atomic.AtomicReference<String> last, Runnable wait) {
        try {
            wait.run();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String state = node.isAlive() ? "still running" : "exited with " + node.exitValue();
            throw new AssertionError(
                    e.getMessage() + "\nlast seen: " + last.get() + "\nthe node " + state + "; its log (" + log + "):\n"
                            + tail(log),
                    e);
        }
    }

    /** The last 200 lines of {@code log}, or why they cannot be read. */
    private static String tail(Path log) {
        try {
            java.util.List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    private static void awaitTwoLives(
            java.net.http.HttpClient http,
            java.net.http.HttpRequest history,
            java.util.concurrent.atomic.AtomicReference<String> seen) {
        await().atMost(WAIT).alias("two lives in the history").until(() -> {
            try {
                String body = http.send(history, java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                seen.set(body);
                return body.split("\"type\"\\s*:\\s*\"JOINED\"", -1).length - 1 >= 2;
            } catch (java.io.IOException e) {
                return false; // not listening yet
            }
        });
    }
}
