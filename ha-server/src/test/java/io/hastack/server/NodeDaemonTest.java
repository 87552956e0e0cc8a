package io.hastack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.security.ClusterKey;
import io.hastack.testsupport.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node daemons in their own JVMs, started from one configuration file: they run the file's group
 * once, a SIGTERM hands it over to the other daemon and ends the first with exit code 0; a bad file
 * or an unknown node ends the daemon with exit code 2 and a message naming the place, a resource its
 * agent refuses with exit code 3.
 */
@Tag("integration")
class NodeDaemonTest {
    private static final Duration WAIT = Timing.seconds(60);

    /** A coordinator's line for a view of both daemons. */
    private static final Pattern ONE_VIEW = Pattern.compile("coordinates (?:merged )?view \\S+ \\[(n1, n2|n2, n1)\\]");

    /** Kept after a failure, with each daemon's log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<Process> daemons = new ArrayList<>();
    private final String marker = "6" + (System.nanoTime() % 100_000);

    @AfterEach
    void tearDown() {
        daemons.forEach(Process::destroyForcibly);
        workers().forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() {
        return io.hastack.testsupport.Ports.freeWithNeighbour(100);
    }

    private Path writeConfig(String text) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private Process daemon(Path config, String node) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-XX:+UseSerialGC",
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                System.getProperty("java.class.path"),
                NodeDaemon.class.getName(),
                "--config",
                config.toString(),
                "--node",
                node);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(node + ".log").toFile())
                .start();
        daemons.add(p);
        return p;
    }

    private List<ProcessHandle> workers() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep " + marker))
                .toList();
    }

    /** The daemon whose child runs the worker, if exactly one worker runs. */
    private Optional<Process> owner() {
        List<ProcessHandle> w = workers();
        if (w.size() != 1) {
            return Optional.empty();
        }
        long parent = w.get(0).parent().map(ProcessHandle::pid).orElse(-1L);
        return daemons.stream().filter(d -> d.pid() == parent).findFirst();
    }

    /** The last 80 lines of {@code log}: what a failure shows of a daemon's log. */
    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private String log(String node) throws Exception {
        Path f = dir.resolve(node + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void twoDaemonsFromOneFileRunTheGroupOnceAndHandItOverOnSigterm() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        ClusterKey.generate().writeTo(dir.resolve("cluster.key"));
        Files.createDirectories(dir.resolve("quorum"));
        Path config = writeConfig("cluster: daemon-" + UUID.randomUUID() + "\n"
                + "key-file: cluster.key\n"
                + "nodes:\n  n1: 127.0.0.1:" + p1 + "\n  n2: 127.0.0.1:" + p2 + "\n"
                + "quorum:\n  device:\n    file: quorum\n"
                + "groups:\n  g:\n    resources:\n      - id: worker\n        agent: process\n"
                + "        params: {argv.0: sleep, argv.1: '" + marker + "'}\n");
        Process a = daemon(config, "n1");
        Process b = daemon(config, "n2");
        // Daemons started together may each form a cluster of their own (JGroups gives up joining
        // after ten discovery rounds that find only other starting nodes) and merge a few seconds
        // later. A hand-over needs the other daemon in the view, so wait for one view of both.
        await().atMost(WAIT)
                .alias("one view of n1 and n2; logs in " + dir)
                .until(() -> ONE_VIEW.matcher(log("n1")).find()
                        || ONE_VIEW.matcher(log("n2")).find());
        await().atMost(WAIT)
                .alias("the worker running once under a daemon; logs in " + dir)
                .until(() -> owner().isPresent());
        Process first = owner().orElseThrow();
        Process other = first == a ? b : a;

        first.destroy(); // SIGTERM: hand over, then exit
        assertTrue(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the daemon ends after its hand-over");
        assertEquals(0, first.exitValue(), log(first == a ? "n1" : "n2"));
        try {
            await().atMost(WAIT)
                    .alias("the worker under the other daemon; logs in " + dir)
                    .until(() -> owner().equals(Optional.of(other)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    e.getMessage() + "; workers " + workers().size() + "\n--- n1:\n" + tail(log("n1")) + "\n--- n2:\n"
                            + tail(log("n2")),
                    e);
        }
        assertTrue(other.isAlive());
    }

    @Test
    void aBadFileOrAnUnknownNodeEndsTheDaemonWithExitCode2NamingThePlace() throws Exception {
        Path config = writeConfig("""
                cluster: c
                key-file: cluster.key
                nodes:
                  n1: 127.0.0.1:7800
                groups:
                  g:
                    resources:
                      - id: w
                        agent: process
                        monitor-interval: 1ms
                """);
        Process bad = daemon(config, "n1");
        assertTrue(bad.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(NodeDaemon.EXIT_CONFIG, bad.exitValue());
        String out = log("n1");
        assertTrue(out.contains("cluster.yaml:10:27: groups.g.resources[0].monitor-interval:"), out);

        Files.delete(config);
        ClusterKey.generate().writeTo(dir.resolve("cluster.key"));
        config = writeConfig("cluster: c\nkey-file: cluster.key\nnodes:\n  n1: 127.0.0.1:7800\n");
        Process unknown = daemon(config, "n7");
        assertTrue(unknown.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(NodeDaemon.EXIT_CONFIG, unknown.exitValue());
        assertTrue(log("n7").contains("node n7 is not in 'nodes'"), log("n7"));

        // A resource its agent refuses: the node does not start, exit code 3, the agent's reason.
        Files.delete(config);
        config = writeConfig("cluster: c\nkey-file: cluster.key\nnodes:\n  n1: 127.0.0.1:" + freePort() + "\n"
                + "groups:\n  g:\n    resources:\n      - {id: w, agent: process, params: {argv.0: /nonexistent/x}}\n");
        Process refused = daemon(config, "n1");
        assertTrue(refused.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(NodeDaemon.EXIT_START, refused.exitValue(), log("n1"));
        assertTrue(log("n1").contains("/nonexistent/x"), log("n1"));
    }
}
