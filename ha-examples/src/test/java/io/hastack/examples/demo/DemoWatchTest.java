package io.hastack.examples.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Timing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo never waits blind: a node that dies, or a group the cluster cannot run, ends the wait with the reason. */
class DemoWatchTest {
    @TempDir
    Path dir;

    @Tag("unit")
    @Test
    void aConvergedPlanWhoseNoteSaysTheGroupCannotRunIsAProblemQuotingItAndTheFailedActions() throws IOException {
        Path log = Files.writeString(dir.resolve("node1.log"), "line\n");
        List<NodeProcess.Event> events = List.of(
                new NodeProcess.Event("node1", 1, "ACTION_FAILED", "db", "start db on node1 failed: ERR_GENERIC (x)"),
                new NodeProcess.Event(
                        "node1",
                        2,
                        "CONVERGED",
                        "node1#2",
                        "note: group web-group cannot run: db failed on node1, node2"));
        Optional<String> p = DemoWatch.problem("node1", true, events, log);
        assertEquals(
                Optional.of("the cluster says group web-group cannot run: db failed on node1, node2\n"
                        + "  failed on node1: start db on node1 failed: ERR_GENERIC (x)\nNode logs: " + dir),
                p);
        assertEquals(
                Optional.empty(),
                DemoWatch.problem("node1", true, events.subList(0, 1), log),
                "a failed start alone may still move elsewhere");
        List<NodeProcess.Event> recovered = new java.util.ArrayList<>(events);
        recovered.add(new NodeProcess.Event("node1", 3, "CONVERGED", "node1#3", "start db on node1 (epoch 2): ..."));
        assertEquals(
                Optional.empty(),
                DemoWatch.problem("node1", true, recovered, log),
                "only the latest converged plan counts");
    }

    @Tag("unit")
    @Test
    void aNodeThatExitedIsAProblemQuotingTheEndOfItsLog() throws IOException {
        Path log = Files.writeString(dir.resolve("node2.log"), "a\nb\nException: node node2 cannot start: why\n");
        Optional<String> p = DemoWatch.problem("node2", false, List.of(), log);
        assertTrue(
                p.orElse("").startsWith("node2 exited during start-up. The end of its log (" + log + "):\n"),
                p.toString());
        assertTrue(p.get().contains("    Exception: node node2 cannot start: why"), p.get());
    }

    /** Regression: the demo waited 30 s for a page that could not come, then said only 'timed out'. */
    @Tag("integration")
    @Test
    void twoRealNodesWhoseDatabaseCannotStartAnywhereAreReportedAtOnce() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Integer> ports = NodeProcess.freePorts(5);
            DataStack stack = new DataStack(
                    false, false, false, taken.getLocalPort(), ports.get(3), ports.get(4), DataStack.locateH2());
            Path shared = Files.createDirectories(dir.resolve("shared"));
            stack.prepare(shared, ports.get(2));
            String cluster = "watch-" + UUID.randomUUID();
            List<Integer> peers = ports.subList(0, 2);
            try (NodeProcess a = NodeProcess.launch(
                            "node1", cluster, peers.get(0), peers, ports.get(2), dir, shared, stack.args());
                    NodeProcess b = NodeProcess.launch(
                            "node2", cluster, peers.get(1), peers, ports.get(2), dir, shared, stack.args())) {
                List<NodeProcess> nodes = List.of(a, b);
                // Within the demo's own phase timeout (30 s): the demo no longer waits it out.
                String problem = await().atMost(Timing.seconds(30))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> DemoWatch.problem(nodes).orElse(""), s -> !s.isEmpty());
                assertTrue(problem.startsWith("the cluster says group web-group cannot run"), problem);
                assertTrue(
                        problem.contains("failed on node1: start db on node1 failed")
                                || problem.contains("failed on node2: start db on node2 failed"),
                        problem);
            }
        }
    }

    @Tag("integration")
    @Test
    void aNodeWhoseResourcesDoNotValidateIsReportedAsExitedDuringStartUp() {
        List<Integer> ports = NodeProcess.freePorts(5);
        DataStack stack = new DataStack(
                false, false, false, ports.get(2), ports.get(3), ports.get(4), dir.resolve("no-such-h2.jar"));
        NodeProcess a = NodeProcess.launch(
                "node1",
                "watch-" + UUID.randomUUID(),
                ports.get(0),
                ports.subList(0, 1),
                ports.get(1),
                dir,
                dir.resolve("shared"),
                stack.args());
        try (a) {
            String problem = await().atMost(Timing.seconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> DemoWatch.problem(List.of(a)).orElse(""), s -> !s.isEmpty());
            assertTrue(problem.startsWith("node1 exited during start-up"), problem);
            assertTrue(problem.contains("no-such-h2.jar does not exist"), problem);
        }
    }
}
