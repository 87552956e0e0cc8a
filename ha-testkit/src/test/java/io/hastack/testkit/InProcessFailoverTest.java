package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.membership.jgroups.JGroupsFaults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Three (or two) nodes on the in-process JGroups stack, with a witness recording where things run. */
@Tag("functional")
class InProcessFailoverTest {
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static ClusterConfig config(Duration startTimeout, String flavour) {
        ResourceSpec.Builder app = ResourceSpec.builder("app", "witness")
                .monitorInterval(Duration.ofMillis(200))
                .timeout(Operation.START, startTimeout)
                .param("flavour", flavour);
        ResourceSpec.Builder web = ResourceSpec.builder("web", "witness").monitorInterval(Duration.ofMillis(200));
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of("web-group", app.build(), web.build()))
                .build();
    }

    private static ClusterConfig config() {
        return config(Duration.ofSeconds(10), "plain");
    }

    /** Waits until the group runs on exactly one live node and returns it. */
    private NodeId awaitGroupOnOneNode() {
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").size() == 1
                        && cluster.witness.runningOn("app").equals(cluster.witness.runningOn("web")));
        return cluster.witness.runningOn("web").iterator().next();
    }

    @Test
    void aCrashOfTheActiveNodeMovesTheGroupToExactlyOneSurvivor() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
        NodeId active = awaitGroupOnOneNode();

        cluster.crash(active.value());

        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> web = cluster.witness.runningOn("web");
            return web.size() == 1
                    && !web.contains(active)
                    && cluster.witness.runningOn("app").equals(web);
        });
        NodeId survivor = cluster.witness.runningOn("web").iterator().next();
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            ClusterStatus status = cluster.coordinatorStatus();
            assertEquals(List.of(survivor), status.runningOn(ResourceId.of("web")));
            assertEquals(2, status.nodes().size());
        });
        // Exactly once: no other live node ever started the group after the crash.
        long startsElsewhere = cluster.witness.history().stream()
                .filter(e -> e.what().equals("start")
                        && !e.node().equals(active)
                        && !e.node().equals(survivor))
                .count();
        assertEquals(0, startsElsewhere, cluster.witness.history().toString());
    }

    @Test
    void theLiveClusterAnswersWhatIfWithoutChangingAnything() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
        NodeId active = awaitGroupOnOneNode();
        List<Witness.Event> before = cluster.witness.history();
        io.hastack.core.runtime.HaNode coordinator = cluster.node("n1");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> coordinator.status().nodes().size() == 3);

        String answer = coordinator
                .whatIf(io.hastack.core.simulate.Simulator.parseEvents(List.of("node-fails " + active.value())))
                .render();

        assertTrue(answer.contains("after node " + active + " fails:\n  start app on "), answer);
        assertEquals(before, cluster.witness.history(), "a simulation executes nothing");

        // The live state, saved as text and simulated later, gives the same answer.
        String saved = coordinator.snapshotText();
        assertTrue(saved.contains("node " + active + " app=RUNNING web=RUNNING"), saved);
        String later = new io.hastack.core.simulate.Simulator(new io.hastack.core.plan.DefaultPlanner())
                .run(
                        io.hastack.core.plan.SnapshotText.parse(saved),
                        io.hastack.core.simulate.Simulator.parseEvents(List.of("node-fails " + active.value())),
                        java.time.Instant.now())
                .render();
        assertTrue(later.contains("after node " + active + " fails:\n  start app on "), later + "\n" + saved);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalStateException.class, () -> cluster.node("n2").whatIf(List.of()))
                .getMessage()
                .contains("only the coordinator (n1)"));
    }

    @Test
    void standbyMovesTheGroupAwayAndUnstandbyMakesTheNodeEligibleAgain() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
        NodeId active = awaitGroupOnOneNode();

        cluster.node(active.value()).admin().standby(true).join();
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> on = cluster.witness.runningOn("web");
            return on.size() == 1
                    && !on.contains(active)
                    && cluster.witness.runningOn("app").equals(on);
        });
        NodeId next = cluster.witness.runningOn("web").iterator().next();
        await().atMost(InProcessCluster.WAIT)
                .untilAsserted(() -> assertTrue(
                        cluster.coordinatorStatus().render().contains(String.format("%-14s %-16s", active, "standby")),
                        cluster.coordinatorStatus().render()));

        // Out of standby the node may run groups again; this one stays where it runs now.
        cluster.node(active.value()).admin().standby(false).join();
        await().atMost(InProcessCluster.WAIT)
                .untilAsserted(() -> assertEquals(
                        NodeStatus.ONLINE,
                        cluster.coordinatorStatus().nodes().stream()
                                .filter(n -> n.node().equals(active))
                                .findFirst()
                                .orElseThrow()
                                .status()));
        assertEquals(Set.of(next), cluster.witness.runningOn("web"));
    }

    @Test
    void aFailingMonitorRestartsInPlaceThenMovesAfterTheThreshold() {
        cluster.start("n1", config());
        cluster.start("n2", config());
        cluster.awaitView(2);
        NodeId active = awaitGroupOnOneNode();
        NodeId other = NodeId.of(active.value().equals("n1") ? "n2" : "n1");

        cluster.witness.failMonitor(active, "web", true);

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").equals(Set.of(other))
                        && cluster.witness.runningOn("app").equals(Set.of(other)));
        // Threshold 3: the first start and two restarts in place, then the move; app before web was
        // never restarted, only stopped when the group moved.
        assertEquals(
                3,
                cluster.witness.starts(active.value(), "web"),
                cluster.witness.history().toString());
        assertEquals(
                1,
                cluster.witness.starts(active.value(), "app"),
                cluster.witness.history().toString());
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            NodeInfo failed = cluster.coordinatorStatus().nodes().stream()
                    .filter(n -> n.node().equals(active))
                    .findFirst()
                    .orElseThrow();
            assertEquals(3, failed.failCount(ResourceId.of("web")));
        });
        assertEquals(3, cluster.eventsOf(HaEvent.Type.MONITOR_FAILED).size());
    }

    @Test
    void aCleanShutdownHandsTheGroupOverBeforeTheNodeLeaves() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
        NodeId first = awaitGroupOnOneNode();

        cluster.node(first.value()).close();

        // No waiting: close() returns only once the group runs elsewhere.
        Set<NodeId> now = cluster.witness.runningOn("web");
        assertEquals(1, now.size(), cluster.witness.history().toString());
        NodeId second = now.iterator().next();
        assertNotEquals(first, second);
        assertEquals(now, cluster.witness.runningOn("app"));
        List<Witness.Event> history = cluster.witness.history();
        int stopped = indexOf(history, first, "app", "stop");
        int started = indexOf(history, second, "app", "start");
        assertTrue(stopped >= 0 && stopped < started, "stop on the old node precedes start on the new: " + history);

        // With one of three nodes left the cluster has no quorum: no-quorum-policy=stop stops the group.
        cluster.node(second.value()).close();
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").isEmpty()
                        && cluster.witness.runningOn("app").isEmpty());
        NodeId last = List.of("n1", "n2", "n3").stream()
                .map(NodeId::of)
                .filter(n -> !n.equals(first) && !n.equals(second))
                .findFirst()
                .orElseThrow();
        assertTrue(
                cluster.node(last.value()).status().quorum().startsWith("no quorum: 1 of 3 votes"),
                cluster.node(last.value()).status().quorum());
    }

    private static int indexOf(List<Witness.Event> history, NodeId node, String resource, String what) {
        for (int i = 0; i < history.size(); i++) {
            Witness.Event e = history.get(i);
            if (e.node().equals(node)
                    && e.resource().equals(ResourceId.of(resource))
                    && e.what().equals(what)) {
                return i;
            }
        }
        return -1;
    }

    @AfterEach
    void everyStartHadAFreshEpoch() {
        assertEquals(List.of(), cluster.witness.violations());
    }

    @Test
    void aHungStartTimesOutAndTheGroupMovesWhileTheNodeStaysResponsive() {
        ClusterConfig config = config(Duration.ofMillis(500), "plain");
        cluster.witness.hangStart(NodeId.of("n1"), "app");
        cluster.start("n1", config);
        cluster.start("n2", config);
        cluster.awaitView(2);

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").equals(Set.of(NodeId.of("n2")))
                        && cluster.witness.runningOn("app").equals(Set.of(NodeId.of("n2"))));
        assertTrue(
                cluster.eventsOf(HaEvent.Type.ACTION_FAILED).stream()
                        .anyMatch(e -> e.detail().contains("start app on n1 failed")
                                && e.detail().contains("timed out")
                                && e.data() instanceof io.hastack.core.runtime.EventData.ActionFailed f
                                && f.timedOut()),
                cluster.eventsOf(HaEvent.Type.ACTION_FAILED).toString());
        // The agent thread is still stuck in start, yet n1 answers and coordinates.
        ClusterStatus status = cluster.node("n1").status();
        assertTrue(status.coordinator());
        assertEquals(List.of(NodeId.of("n2")), status.runningOn(ResourceId.of("app")));
    }

    /**
     * A node started from a file with another configuration of the same version takes the
     * cluster's (the coordinator's wins at equal versions), keeps its own aside, and is then managed
     * like any other; until it has taken it, nothing is placed on it.
     */
    @Test
    void aNodeWithAnotherConfigurationTakesTheClustersAndKeepsItsOwnAside() {
        cluster.start("n1", config());
        cluster.start("n3", config());
        cluster.awaitView(2);
        NodeId active = awaitGroupOnOneNode();
        String clusters = cluster.node("n1").configuration().hash();
        cluster.start("n2", config(Duration.ofSeconds(10), "different"));
        cluster.awaitView(3);

        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.node("n2").configuration().hash().equals(clusters));
        assertEquals(
                "plain",
                cluster.node("n2")
                        .config()
                        .resource(io.hastack.core.model.ResourceId.of("app"))
                        .orElseThrow()
                        .parameters()
                        .get("flavour"));
        assertEquals(1, cluster.discarded("n2").size(), "n2 kept its own configuration aside");
        assertEquals(
                "different",
                cluster.discarded("n2")
                        .get(0)
                        .config()
                        .resource(io.hastack.core.model.ResourceId.of("app"))
                        .orElseThrow()
                        .parameters()
                        .get("flavour"));
        assertTrue(cluster.eventsOf(HaEvent.Type.CONFIG_DISCARDED).stream()
                .anyMatch(e -> e.node().equals(NodeId.of("n2"))));
        await().atMost(InProcessCluster.WAIT)
                .untilAsserted(() -> assertEquals(
                        NodeStatus.ONLINE,
                        cluster.node("n1").status().nodes().stream()
                                .filter(n -> n.node().equals(NodeId.of("n2")))
                                .findFirst()
                                .orElseThrow()
                                .status()));
        assertEquals(Set.of(active), cluster.witness.runningOn("web"), "the group stayed where it ran");
        cluster.witness.failMonitor(active, "web", true);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(active));
        assertEquals(List.of(), cluster.witness.violations());
    }

    @Test
    void malformedMessagesAreDroppedAndTheClusterCarriesOn() throws Exception {
        cluster.start("n1", config());
        cluster.start("n2", config());
        cluster.start("n3", config());
        cluster.awaitView(3);
        NodeId active = awaitGroupOnOneNode();

        JGroupsFaults rogue = JGroupsFaults.of(cluster.membership("n2"));
        byte[][] garbage = {
            new byte[0], {0x48, 0x41}, "not a message".getBytes(StandardCharsets.UTF_8), {0x48, 0x41, 1, 0, 3, -1, -1}
        };
        for (byte[] g : garbage) {
            rogue.sendRaw(g);
        }

        // The nodes still work: the group fails over on a clean shutdown as usual.
        cluster.node(active.value()).close();
        Set<NodeId> now = cluster.witness.runningOn("web");
        assertEquals(1, now.size());
        assertFalse(now.contains(active));
    }
}
