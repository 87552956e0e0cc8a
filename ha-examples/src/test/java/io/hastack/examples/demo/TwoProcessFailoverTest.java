package io.hastack.examples.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two node JVMs on loopback over the TCP stack: SIGKILL the active one, the survivor takes over. */
@Tag("integration")
class TwoProcessFailoverTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(60);

    /** Under target/ so that the node logs outlive a failed run. */
    private final Path logs =
            Path.of("target", "it-logs", UUID.randomUUID().toString()).toAbsolutePath();

    private static Optional<String> servedBy(int port) {
        return new DemoPage(port).servedBy();
    }

    /** Two node JVMs of one cluster on fresh ports, sharing a quorum device directory. */
    private record Pair(NodeProcess a, NodeProcess b, int web) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    private Pair launchPair() {
        List<Integer> ports = NodeProcess.freePorts(3);
        List<Integer> peers = ports.subList(0, 2);
        String cluster = "it-" + UUID.randomUUID();
        Path shared = logs.resolve("shared");
        return new Pair(
                NodeProcess.launch("node1", cluster, peers.get(0), peers, ports.get(2), logs, shared),
                NodeProcess.launch("node2", cluster, peers.get(1), peers, ports.get(2), logs, shared),
                ports.get(2));
    }

    /** Waits until both nodes recorded their two-node view on the quorum device. */
    private void awaitRecorded(NodeProcess a, NodeProcess b) {
        for (NodeProcess n : List.of(a, b)) {
            await().atMost(WAIT)
                    .alias(n.name() + " to record the two-node view; logs in " + logs)
                    .until(() -> n.firstEvent(e -> e.type().equals("QUORUM_RECORDED")
                                    && e.detail().contains("node1")
                                    && e.detail().contains("node2"))
                            .isPresent());
        }
    }

    private static boolean leftView(NodeProcess observer, NodeProcess other) {
        return observer.events().stream()
                .anyMatch(
                        e -> e.type().equals("VIEW_INSTALLED") && e.detail().contains("left: [" + other.name() + "]"));
    }

    private static int indexOf(List<NodeProcess.Event> events, java.util.function.Predicate<NodeProcess.Event> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theDemosFileSystemDatabaseAndWebGroupFailsOverAfterASigkill() {
        List<Integer> ports = NodeProcess.freePorts(6);
        List<Integer> peers = ports.subList(0, 2);
        int web = ports.get(2);
        String cluster = "it-" + UUID.randomUUID();
        // The real servers where this machine has them (root: ext4 image, PostgreSQL), else H2; the
        // shared directory where user postgres can reach it, as the demo places it (a checkout
        // below a private directory puts it in a temporary directory).
        DataStack detected = DataStack.detect(ports.get(3), ports.get(4), ports.get(5));
        DataStack.Place place = DataStack.place(detected, logs.resolve("shared-data"), web);
        assertEquals(
                detected.postgres(),
                place.stack().postgres(),
                "PostgreSQL, where this machine has it, runs from some directory: " + place.why());
        DataStack stack = place.stack();
        Path shared = place.shared();
        stack.prepare(shared, web);
        try (NodeProcess a =
                        NodeProcess.launch("node1", cluster, peers.get(0), peers, web, logs, shared, stack.args());
                NodeProcess b =
                        NodeProcess.launch("node2", cluster, peers.get(1), peers, web, logs, shared, stack.args())) {
            awaitRecorded(a, b);
            await().atMost(WAIT)
                    .alias("the page; logs in " + logs)
                    .until(() -> servedBy(web).isPresent());
            NodeProcess victim = servedBy(web).orElseThrow().equals("node1") ? a : b;
            NodeProcess survivor = victim == a ? b : a;
            // The survivor's picture shows the group on the victim (what its tie claim takes epochs for).
            await().atMost(WAIT)
                    .until(() -> survivor.status(Duration.ofSeconds(10))
                            .orElse("")
                            .lines()
                            .anyMatch(l -> l.contains(" db ") && l.contains("RUNNING@" + victim.name())));
            victim.kill();
            await().atMost(WAIT)
                    .alias("the page from " + survivor.name() + "; logs in " + logs)
                    .until(() -> servedBy(web).equals(Optional.of(survivor.name())));
            String status = survivor.status(Duration.ofSeconds(10)).orElse("");
            // A SIGKILL is a confirmed death: if the survivor saw it before the view (as nearly
            // always), its tie claim took its plan's epochs, else none.
            List<NodeProcess.Event> seen = survivor.events();
            int confirmed = indexOf(seen, e -> e.type().equals("DEATH_CONFIRMED"));
            int view = indexOf(
                    seen, e -> e.type().equals("VIEW_INSTALLED") && e.detail().contains("left:"));
            assertTrue(view >= 0, seen.toString());
            assertEquals(
                    confirmed >= 0 && confirmed < view,
                    status.lines()
                            .anyMatch(l ->
                                    l.contains("quorum:") && l.contains("tie won") && l.contains("with the epochs of")),
                    "death confirmed at event " + confirmed + ", the view at " + view + "\n" + status);
            assertTrue(
                    status.contains(" db ")
                            && status.lines()
                                    .anyMatch(l -> l.contains(" db ") && l.contains("RUNNING@" + survivor.name())),
                    status);
            assertEquals(stack.fileSystem(), status.contains(" data "), status);
            survivor.quit(WAIT);
        } finally {
            stack.cleanUp(shared, place.temporary());
        }
    }

    @Test
    void aStallShorterThanTheToleranceFailsNothingOverAndALongerOneIsHealedToOneCopy() {
        try (Pair pair = launchPair()) {
            NodeProcess a = pair.a();
            NodeProcess b = pair.b();
            int web = pair.web();
            awaitRecorded(a, b);
            await().atMost(WAIT).until(() -> servedBy(web).isPresent());
            NodeProcess frozen = servedBy(web).orElseThrow().equals("node1") ? a : b;
            NodeProcess other = frozen == a ? b : a;

            // 1 s frozen: well inside the 3 s heartbeat timeout, so nobody may fail it over.
            frozen.freezeFor(Duration.ofSeconds(1));
            await().during(Duration.ofSeconds(4)).atMost(WAIT).until(() -> !leftView(other, frozen));
            assertEquals(Optional.of(frozen.name()), servedBy(web));

            // 6 s frozen: the other node removes it, wins the tie and takes the group over as far as
            // it can (here the frozen JVM still holds the web port, as a frozen host holds its disk).
            frozen.signal("STOP");
            await().atMost(WAIT)
                    .until(() -> leftView(other, frozen)
                            && other.firstEvent(e -> e.type().equals("QUORUM_GAINED")
                                            && e.detail().contains("tie won"))
                                    .isPresent());
            // Resume once the other node has begun to start the group (its plan after the takeover).
            long tieWon = other.firstEvent(
                            e -> e.type().equals("QUORUM_GAINED") && e.detail().contains("tie won"))
                    .orElseThrow()
                    .epochMillis();
            await().atMost(WAIT)
                    .until(() -> other.firstEvent(e -> e.type().equals("ACTION_STARTED") && e.epochMillis() >= tieWon)
                            .isPresent());
            frozen.signal("CONT");

            // On resuming, the frozen node notices its stall and stops its copy before anything else.
            await().atMost(WAIT)
                    .alias("a pause report from " + frozen.name() + "; logs in " + logs)
                    .until(() -> frozen.firstEvent(e -> e.type().equals("PAUSE_DETECTED"))
                            .isPresent());
            // The cluster heals into one view with the group running once.
            await().atMost(WAIT)
                    .alias("one copy after the merge; logs in " + logs)
                    .untilAsserted(() -> {
                        // Every node shows the whole cluster (the coordinator shares its picture):
                        // each must see web running on exactly one node.
                        for (NodeProcess n : List.of(other, frozen)) {
                            String status = n.status(Duration.ofSeconds(10)).orElse("");
                            assertTrue(status.contains("[node1, node2]") || status.contains("[node2, node1]"), status);
                            assertTrue(servedBy(web).isPresent(), status);
                            assertEquals(
                                    1,
                                    status.lines()
                                            .filter(l -> l.contains(" web ") && l.contains("RUNNING@"))
                                            .count(),
                                    status);
                            assertFalse(
                                    status.lines()
                                            .anyMatch(l -> l.contains(" web ")
                                                    && l.contains("RUNNING@node1")
                                                    && l.contains("RUNNING@node2")),
                                    status);
                        }
                    });
        }
    }

    @Test
    void sigkillOfTheActiveJvmMovesTheGroupToTheSurvivor() {
        try (Pair pair = launchPair()) {
            NodeProcess a = pair.a();
            NodeProcess b = pair.b();
            int web = pair.web();
            // Kill only once the two-node view is recorded on the quorum device: before that, a node
            // alone cannot tell a dead peer from a partitioned one, and rightly keeps nothing running.
            awaitRecorded(a, b);
            await().atMost(WAIT).until(() -> servedBy(web).isPresent());
            String active = servedBy(web).orElseThrow();
            NodeProcess victim = active.equals("node1") ? a : b;
            NodeProcess survivor = victim == a ? b : a;
            long workerPid = victim.events().stream()
                    .filter(e ->
                            e.type().equals("ACTION_SUCCEEDED") && e.subject().equals("worker"))
                    .map(e -> Long.parseLong(e.detail().replaceAll(".*started pid (\\d+).*", "$1")))
                    .findFirst()
                    .orElseThrow();
            assertTrue(ProcessHandle.of(workerPid).isPresent(), "the victim's worker runs");

            victim.kill();

            await().atMost(WAIT)
                    .alias("the page served by " + survivor.name() + "; node logs in " + logs)
                    .until(() -> servedBy(web).equals(Optional.of(survivor.name())));
            assertFalse(victim.isAlive());
            // The victim's child process died with it, so the group does not run twice.
            await().atMost(WAIT)
                    .until(() ->
                            ProcessHandle.of(workerPid).map(p -> !p.isAlive()).orElse(true));
            await().atMost(WAIT).untilAsserted(() -> {
                String status = survivor.status(Duration.ofSeconds(10)).orElseThrow();
                assertTrue(status.contains("worker         process          RUNNING@" + survivor.name()), status);
                assertTrue(status.contains("web            embedded-web     RUNNING@" + survivor.name()), status);
                assertTrue(status.contains("[" + survivor.name() + "]"), "the view has the survivor alone: " + status);
            });
            // The survivor saw the failure, installed a view without the victim, and started both resources.
            List<NodeProcess.Event> events = survivor.events();
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.type().equals("VIEW_INSTALLED")
                                    && e.detail().contains("left: [" + victim.name() + "]")),
                    events.toString());
            assertEquals(
                    1,
                    events.stream()
                            .filter(e -> e.type().equals("ACTION_SUCCEEDED")
                                    && e.detail().startsWith("start web on " + survivor.name()))
                            .count(),
                    events.toString());
            // The crash is confirmed (its FD_SOCK2 connection was closed by its kernel): no lease wait.
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.type().equals("DEATH_CONFIRMED")
                                    && e.subject().equals(victim.name())
                                    && e.detail().contains("FD_SOCK2")),
                    events.toString());
            assertTrue(events.stream().noneMatch(e -> e.type().equals("TAKEOVER_WAIT")), events.toString());
            assertTrue(survivor.quit(WAIT));
        }
    }
}
