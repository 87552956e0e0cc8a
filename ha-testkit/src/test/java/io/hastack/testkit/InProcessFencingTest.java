package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Stop escalation: a failed stop is forced (killed); if that fails too, the node is fenced and the
 * group moves; without a fence device the group stays blocked.
 */
@Tag("functional")
class InProcessFencingTest {
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    /** One resource that moves after its first monitor failure, so that a stop follows at once. */
    private static ClusterConfig config() {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .migrationThreshold(1)
                .group(ResourceGroup.of(
                        "g",
                        ResourceSpec.builder("db", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
    }

    private NodeId startThreeAndFindActive() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").size() == 1);
        return cluster.witness.runningOn("db").iterator().next();
    }

    @Test
    void aFailedStopThatCanBeForcedMovesTheGroupWithoutFencing() {
        cluster.fenceByCrashing();
        NodeId active = startThreeAndFindActive();
        cluster.witness.failStop(active, "db", false);
        cluster.witness.failMonitor(active, "db", true);

        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> on = cluster.witness.runningOn("db");
            return on.size() == 1 && !on.contains(active);
        });
        assertTrue(
                cluster.witness.history().stream()
                        .anyMatch(e -> e.node().equals(active) && e.what().equals("killed")),
                cluster.witness.history().toString());
        assertEquals(List.of(), cluster.fencedNodes);
    }

    @Test
    void aStopThatCannotBeForcedGetsTheNodeFencedAndTheGroupMoves() {
        cluster.fenceByCrashing();
        NodeId active = startThreeAndFindActive();
        cluster.witness.failStop(active, "db", true);
        cluster.witness.failMonitor(active, "db", true);

        await().atMost(InProcessCluster.WAIT).until(() -> cluster.fencedNodes.contains(active));
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> on = cluster.witness.runningOn("db");
            return on.size() == 1 && !on.contains(active);
        });
        // The first node to run the group is the coordinator, which here fences itself (as SBD does):
        // the survivors re-plan without it.
        assertEquals(List.of(active), cluster.fencedNodes, "fenced once");
        assertEquals(List.of(), cluster.witness.violations());
    }

    @Test
    void withoutAFenceDeviceTheGroupStaysBlockedUntilCleanedUp() {
        NodeId active = startThreeAndFindActive();
        cluster.witness.failStop(active, "db", true);
        cluster.witness.failMonitor(active, "db", true);

        await().atMost(InProcessCluster.WAIT)
                .untilAsserted(() -> assertTrue(
                        cluster.coordinatorStatus().notes().stream()
                                .anyMatch(n -> n.startsWith("group g is blocked: stop of db failed on " + active)),
                        cluster.coordinatorStatus().render()));
        // Nothing was started anywhere else.
        assertTrue(
                cluster.witness.history().stream()
                        .filter(e -> e.what().equals("start"))
                        .allMatch(e -> e.node().equals(active)),
                cluster.witness.history().toString());

        // The operator fixes the cause and cleans up: the probe finds db still running where its
        // stop failed, forgets the failures, and the group is healthy there again.
        cluster.witness.healStops();
        cluster.witness.healMonitors();
        cluster.node("n2")
                .admin()
                .cleanup(io.hastack.core.model.ResourceId.of("db"))
                .join();
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            io.hastack.core.runtime.ClusterStatus status = cluster.coordinatorStatus();
            assertEquals(List.of(active), status.runningOn(io.hastack.core.model.ResourceId.of("db")), status.render());
            assertTrue(status.notes().isEmpty(), status.render());
            assertTrue(status.nodes().stream().allMatch(n -> n.failCounts().isEmpty()), status.render());
        });
        assertEquals(Set.of(active), cluster.witness.runningOn("db"));
    }
}
