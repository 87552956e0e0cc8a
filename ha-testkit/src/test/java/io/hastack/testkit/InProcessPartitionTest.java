package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        try {
            assertEquals(List.of(), cluster.witness.violations(), "every start had a fresh, higher epoch");
        } finally {
            cluster.close();
        }
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

        cluster.crash(active.value());

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").equals(Set.of(survivor)));
        assertTrue(
                cluster.node(survivor.value()).status().quorum().contains("tie won"),
                cluster.node(survivor.value()).status().quorum());
    }
}
