package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.HaEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Network partitions on the in-process JGroups stack: only a quorate side runs the group. */
@Tag("functional")
class InProcessPartitionTest {
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.closeAfterCheckingTheWitness();
    }

    private static ClusterConfig config(String... nodes) {
        return ClusterConfig.builder()
                .nodes(nodes)
                .group(ResourceGroup.of(
                        "g",
                        ResourceSpec.builder("db", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
    }

    private NodeId awaitRunningOnOne() {
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").size() == 1);
        return cluster.witness.runningOn("db").iterator().next();
    }

    private long lastStartEpoch() {
        List<Witness.Event> starts = cluster.witness.history().stream()
                .filter(e -> e.what().equals("start"))
                .toList();
        return starts.get(starts.size() - 1).epoch();
    }

    @Test
    void theIsolatedActiveNodeStopsAndTheMajorityTakesOverWithANewerEpoch() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config("n1", "n2", "n3"));
        }
        cluster.awaitView(3);
        NodeId active = awaitRunningOnOne();
        long firstEpoch = lastStartEpoch();
        assertTrue(firstEpoch > 0, "starts carry epochs from the quorum device");

        cluster.partition(Set.of(active.value()));

        // The minority stops its copy (no-quorum-policy=stop); the majority starts exactly one.
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> running = cluster.witness.runningOn("db");
            return running.size() == 1 && !running.contains(active);
        });
        NodeId successor = cluster.witness.runningOn("db").iterator().next();
        assertTrue(lastStartEpoch() > firstEpoch);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.eventsOf(HaEvent.Type.QUORUM_LOST).stream()
                        .anyMatch(e -> e.node().equals(active)));
        assertTrue(cluster.node(active.value()).status().quorum().startsWith("no quorum: 1 of 3 votes"));

        cluster.heal();
        cluster.awaitView(3);
        // After the merge the group stays where the majority put it, once.
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            assertEquals(Set.of(successor), cluster.witness.runningOn("db"));
            assertEquals(
                    List.of(successor),
                    cluster.coordinatorStatus().runningOn(io.hastack.core.model.ResourceId.of("db")));
        });
    }

    @Test
    void inATwoNodeSplitExactlyOneSideWinsTheTieAndRunsTheGroup() {
        cluster.start("n1", config("n1", "n2"));
        cluster.start("n2", config("n1", "n2"));
        cluster.awaitView(2);
        awaitRunningOnOne();

        cluster.partition(Set.of("n1"));
        cluster.awaitViewOf("n1", 1);
        cluster.awaitViewOf("n2", 1);

        await().atMost(InProcessCluster.WAIT).until(() -> {
            String q1 = cluster.node("n1").status().quorum();
            String q2 = cluster.node("n2").status().quorum();
            return !q1.startsWith("undecided") && !q2.startsWith("undecided");
        });
        boolean n1Won = cluster.node("n1").status().quorum().startsWith("quorate");
        boolean n2Won = cluster.node("n2").status().quorum().startsWith("quorate");
        assertTrue(n1Won ^ n2Won, "exactly one side holds the tie: n1 " + n1Won + ", n2 " + n2Won);
        NodeId winner = NodeId.of(n1Won ? "n1" : "n2");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").equals(Set.of(winner)));
    }

    @Test
    void theSurvivorOfACrashInATwoNodeClusterTakesOverWithoutWaitingForTheDeadNode() {
        cluster.start("n1", config("n1", "n2"));
        cluster.start("n2", config("n1", "n2"));
        cluster.awaitView(2);
        NodeId active = awaitRunningOnOne();
        NodeId survivor = NodeId.of(active.value().equals("n1") ? "n2" : "n1");
        // The survivor's picture shows db on the active node.
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.node(survivor.value()).status().nodes().stream()
                        .anyMatch(n -> n.node().equals(active)
                                && n.state(io.hastack.core.model.ResourceId.of("db"))
                                        == io.hastack.core.model.ResourceState.RUNNING));

        cluster.crash(active.value());

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").equals(Set.of(survivor)));
        String quorum = cluster.node(survivor.value()).status().quorum();
        assertTrue(quorum.contains("tie won"), quorum);
        // The in-process crash is not a confirmed death (no process exit to see): the claim took no
        // epoch ahead, since the dead node might still have acted in its old view meanwhile.
        assertFalse(quorum.contains("with the epochs of"), quorum);
    }

    private int indexOf(NodeId node, String what, int from) {
        List<Witness.Event> h = cluster.witness.history();
        for (int i = from; i < h.size(); i++) {
            if (h.get(i).node().equals(node) && h.get(i).what().equals(what)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theMajorityStartsTheGroupOnlyAfterTheCutOffNodeHasStoppedIt() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config("n1", "n2", "n3"));
        }
        cluster.awaitView(3);
        NodeId active = awaitRunningOnOne();
        int before = cluster.witness.history().size();

        cluster.partition(Set.of(active.value()));

        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> running = cluster.witness.runningOn("db");
            return running.size() == 1 && !running.contains(active);
        });
        NodeId successor = cluster.witness.runningOn("db").iterator().next();
        int stopped = Math.max(indexOf(active, "stop", before), indexOf(active, "killed", before));
        int started = indexOf(successor, "start", before);
        assertTrue(
                stopped >= 0 && stopped < started,
                "the cut-off node stops (its lease lapsed) before the majority starts: " + cluster.witness.history());
        assertTrue(
                cluster.eventsOf(HaEvent.Type.LEASE_LOST).stream()
                        .anyMatch(e -> e.node().equals(active)),
                "the cut-off node lost its lease");
        assertTrue(cluster.node(active.value()).status().lease().startsWith("not held"));
        assertTrue(
                cluster.node(successor.value()).status().render().contains("  lease: held: heard from"),
                cluster.node(successor.value()).status().render());
    }

    @Test
    void withAFenceDeviceANodeRemovedOnSuspicionIsFencedBeforeItsGroupStartsElsewhere() {
        cluster.pauseBound(Duration.ofSeconds(4)); // a lease that outlasts detection: there is a wait
        cluster.fenceByCrashing();
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config("n1", "n2", "n3"));
        }
        cluster.awaitView(3);
        NodeId active = awaitRunningOnOne();

        cluster.partition(Set.of(active.value()));

        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> running = cluster.witness.runningOn("db");
            return running.size() == 1 && !running.contains(active);
        });
        assertEquals(List.of(active), cluster.fencedNodes, "fenced before the takeover");
        assertTrue(
                cluster.eventsOf(HaEvent.Type.TAKEOVER_WAIT).stream()
                        .anyMatch(e -> e.detail().contains("or it is fenced")),
                cluster.eventsOf(HaEvent.Type.TAKEOVER_WAIT).toString());
        assertTrue(
                cluster.eventsOf(HaEvent.Type.NODE_FENCED).stream()
                        .anyMatch(e -> e.subject().equals(active.value())),
                cluster.eventsOf(HaEvent.Type.NODE_FENCED).toString());
    }

    @Test
    void aNodeRemovedOnSuspicionIsWaitedForUnlessItsDeathIsDeclared() {
        cluster.pauseBound(Duration.ofSeconds(4));
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config("n1", "n2", "n3"));
        }
        cluster.awaitView(3);
        NodeId first = awaitRunningOnOne();

        // A crash in one JVM closes no socket: the others see silence, as for a frozen node, and
        // wait for its lease before they start its group.
        cluster.crash(first.value());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").size() == 1);
        assertTrue(
                cluster.eventsOf(HaEvent.Type.TAKEOVER_WAIT).stream()
                        .anyMatch(e -> e.detail().contains("[" + first + "]")),
                "waited for the lease of " + first);
        NodeId second = awaitRunningOnOne();
        int waitsBefore = cluster.eventsOf(HaEvent.Type.TAKEOVER_WAIT).size();

        // Now a host monitor declares the next active node dead as it crashes: no wait.
        NodeId declarer = cluster.liveNodes().stream()
                .map(NodeId::of)
                .filter(n -> !n.equals(second))
                .findFirst()
                .orElseThrow();
        cluster.start(first.value(), config("n1", "n2", "n3"));
        cluster.awaitView(3);
        cluster.crash(second.value());
        cluster.node(declarer.value())
                .admin()
                .declareDead(second, "host monitor: powered off")
                .join();

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").size() == 1
                        && !cluster.witness.runningOn("db").contains(second));
        assertTrue(cluster.eventsOf(HaEvent.Type.DEATH_CONFIRMED).stream()
                .anyMatch(e -> e.subject().equals(second.value()) && e.detail().contains("host monitor")));
        List<HaEvent> waits = cluster.eventsOf(HaEvent.Type.TAKEOVER_WAIT);
        assertTrue(
                waits.subList(waitsBefore, waits.size()).stream()
                        .noneMatch(e -> e.detail().contains("membership lease of [" + second + "]")),
                "no wait for the lease of a node declared dead: " + waits);
    }

    @Test
    void declaringANodeDeadIsRefusedForItselfAndUnknownNodes() {
        cluster.start("n1", config("n1", "n2"));
        io.hastack.core.runtime.Admin admin = cluster.node("n1").admin();
        assertThrows(IllegalArgumentException.class, () -> admin.declareDead(NodeId.of("n1"), "x"));
        assertThrows(IllegalArgumentException.class, () -> admin.declareDead(NodeId.of("n9"), "x"));
        assertThrows(IllegalArgumentException.class, () -> admin.declareDead(NodeId.of("n2"), " "));
    }
}
