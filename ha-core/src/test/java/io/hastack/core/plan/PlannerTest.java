package io.hastack.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Failure;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.core.spi.plan.Plan;
import io.hastack.core.spi.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final ClusterConfig CONFIG = ClusterConfig.builder()
            .group(ResourceGroup.of("web-group", spec("ip"), spec("app"), spec("web")))
            .build();
    private static final ClusterConfig TWO_GROUPS = ClusterConfig.builder()
            .group(ResourceGroup.of("g1", spec("a")))
            .group(ResourceGroup.of("g2", spec("b")))
            .build();

    private final Planner planner = new DefaultPlanner();

    private static ResourceSpec spec(String id) {
        return ResourceSpec.builder(id, "test").build();
    }

    /** A readable snapshot: node("n1").running("ip", "app").failed("web", 2). */
    private static final class Node {
        final NodeId id;
        NodeStatus status = NodeStatus.ONLINE;
        final Map<ResourceId, ResourceState> states = new HashMap<>();
        final Map<ResourceId, Integer> fails = new HashMap<>();

        Node(String id) {
            this.id = NodeId.of(id);
        }

        Node in(ResourceState state, String... resources) {
            for (String r : resources) {
                states.put(ResourceId.of(r), state);
            }
            return this;
        }

        Node running(String... resources) {
            return in(ResourceState.RUNNING, resources);
        }

        Node failed(String resource, int count) {
            fails.put(ResourceId.of(resource), count);
            return in(ResourceState.FAILED, resource);
        }

        Node failures(String resource, int count) {
            fails.put(ResourceId.of(resource), count);
            return this;
        }

        Node status(NodeStatus s) {
            status = s;
            return this;
        }

        NodeInfo info() {
            Map<ResourceId, Failure> failures = new HashMap<>();
            fails.forEach((r, c) -> failures.put(r, new Failure(c, NOW, Operation.MONITOR)));
            return new NodeInfo(id, status, states, failures);
        }
    }

    private static Node node(String id) {
        return new Node(id);
    }

    private Plan plan(ClusterConfig config, Node... nodes) {
        List<NodeInfo> infos = new ArrayList<>();
        for (Node n : nodes) {
            infos.add(n.info());
        }
        return planner.plan(new ClusterSnapshot(config, new ViewId(NodeId.of("n1"), 7), infos), NOW);
    }

    private static List<String> steps(Plan plan) {
        return plan.actions().stream()
                .map(a -> a.type().name().toLowerCase(Locale.ROOT) + " " + a.resource() + "@" + a.node())
                .toList();
    }

    @Test
    void placesANewGroupOnOneNodeAndStartsItInOrder() {
        Plan plan = plan(CONFIG, node("n1"), node("n2"), node("n3"));
        assertEquals(List.of("start ip@n1", "start app@n1", "start web@n1"), steps(plan));
        assertEquals("group web-group is placed on n1", plan.actions().get(0).reason());
        assertEquals(new ViewId(NodeId.of("n1"), 7), plan.viewId());
    }

    @Test
    void spreadsGroupsOverTheLeastLoadedNodes() {
        Plan plan = plan(TWO_GROUPS, node("n1"), node("n2"));
        assertEquals(List.of("start a@n1", "start b@n2"), steps(plan));
    }

    @Test
    void aStickyGroupCountsTowardsLoadBeforeNewPlacements() {
        // g2 already runs on n1, so g1 (placed first in configuration order) goes to n2.
        Plan plan = plan(TWO_GROUPS, node("n1").running("b"), node("n2"));
        assertEquals(List.of("start a@n2"), steps(plan));
    }

    @Test
    void keepsARunningGroupWhereItRuns() {
        Plan plan = plan(CONFIG, node("n1"), node("n2").running("ip", "app", "web"), node("n3"));
        assertTrue(plan.isEmpty(), plan.summary());
    }

    @Test
    void startsTheGroupOnASurvivorWhenItsNodeLeftTheView() {
        // n1 ran the group and is gone: the snapshot lists only the survivors.
        Plan plan = plan(CONFIG, node("n2"), node("n3"));
        assertEquals(List.of("start ip@n2", "start app@n2", "start web@n2"), steps(plan));
    }

    @Test
    void aLeavingNodeStopsInReverseOrderBeforeTheGroupStartsElsewhere() {
        Plan first = plan(CONFIG, node("n1").running("ip", "app", "web").status(NodeStatus.LEAVING), node("n2"));
        assertEquals(List.of("stop web@n1", "stop app@n1", "stop ip@n1"), steps(first));
        assertEquals(
                "group web-group moves n1 -> n2: n1 is shutting down",
                first.actions().get(0).reason());

        Plan second = plan(CONFIG, node("n1").status(NodeStatus.LEAVING), node("n2"));
        assertEquals(List.of("start ip@n2", "start app@n2", "start web@n2"), steps(second));
    }

    @Test
    void restartsAFailedResourceInPlaceWithTheResourcesAfterIt() {
        Plan plan = plan(CONFIG, node("n1").running("ip", "web").failed("app", 1), node("n2"));
        assertEquals(List.of("stop web@n1", "stop app@n1", "start app@n1", "start web@n1"), steps(plan));
        assertEquals(
                "restart app in place after its failure (failure 1 of 3 before the group moves)",
                plan.actions().get(2).reason());
    }

    @Test
    void movesTheGroupAfterTheMigrationThresholdOfFailures() {
        Plan stop = plan(CONFIG, node("n1").running("ip", "app").failed("web", 3), node("n2"));
        assertEquals(List.of("stop web@n1", "stop app@n1", "stop ip@n1"), steps(stop));
        assertEquals(
                "group web-group moves n1 -> n2: n1 saw web fail 3 times (migration-threshold 3)",
                stop.actions().get(0).reason());

        Plan start = plan(CONFIG, node("n1").failures("web", 3), node("n2"));
        assertEquals(List.of("start ip@n2", "start app@n2", "start web@n2"), steps(start));
    }

    @Test
    void theMigrationThresholdIsConfigurable() {
        ClusterConfig once = ClusterConfig.builder()
                .group(ResourceGroup.of("g", spec("a")))
                .migrationThreshold(1)
                .build();
        assertEquals(List.of("stop a@n1"), steps(plan(once, node("n1").failed("a", 1), node("n2"))));
    }

    @Test
    void stopsTheGroupWhenNoNodeMayRunIt() {
        Plan plan = plan(
                CONFIG, node("n1").running("ip").failed("app", 3), node("n2").failures("web", 3));
        assertEquals(List.of("stop app@n1", "stop ip@n1"), steps(plan));
        assertTrue(
                plan.notes().get(0).startsWith("group web-group cannot run: n1 saw app fail 3 times"),
                plan.notes().toString());
    }

    @Test
    void aBlockedResourceHoldsItsGroupEverywhere() {
        Plan plan = plan(CONFIG, node("n1").in(ResourceState.BLOCKED, "web").failures("web", 3), node("n2"));
        assertTrue(plan.isEmpty(), plan.summary());
        assertTrue(
                plan.notes().get(0).contains("stop of web failed on n1"),
                plan.notes().toString());
    }

    @Test
    void waitsWhileAResourceIsStartingOrStopping() {
        assertTrue(plan(CONFIG, node("n1").in(ResourceState.STARTING, "ip"), node("n2"))
                .isEmpty());
        assertTrue(plan(CONFIG, node("n1").in(ResourceState.STOPPING, "ip"), node("n2"))
                .isEmpty());
    }

    private static ClusterConfig disabled(String resource) {
        ResourceSpec[] specs = java.util.stream.Stream.of("ip", "app", "web")
                .map(id -> ResourceSpec.builder(id, "test")
                        .enabled(!id.equals(resource))
                        .build())
                .toArray(ResourceSpec[]::new);
        return ClusterConfig.builder()
                .group(io.hastack.core.model.ResourceGroup.of("g", specs))
                .build();
    }

    @Test
    void aDisabledResourceAndWhatFollowsItInItsGroupStopAndNothingAfterItStarts() {
        Plan running = plan(disabled("app"), node("n1").running("ip", "app", "web"), node("n2"));
        assertEquals(List.of("stop web@n1", "stop app@n1"), steps(running));
        assertTrue(
                running.notes().stream().anyMatch(n -> n.contains("app is disabled")),
                running.notes().toString());
        Plan fresh = plan(disabled("app"), node("n1"), node("n2"));
        assertEquals(List.of("start ip@n1"), steps(fresh));
        Plan first = plan(disabled("ip"), node("n1").running("ip", "app", "web"), node("n2"));
        assertEquals(List.of("stop web@n1", "stop app@n1", "stop ip@n1"), steps(first));
        assertTrue(plan(disabled("ip"), node("n1"), node("n2")).actions().isEmpty());
        Plan enabled = plan(disabled("none"), node("n1").running("ip"), node("n2"));
        assertEquals(List.of("start app@n1", "start web@n1"), steps(enabled));
    }

    private static final ClusterConfig UNORDERED = ClusterConfig.builder()
            .group(ResourceGroup.of("workers", spec("w1"), spec("w2"), spec("w3"))
                    .unordered())
            .build();

    @Test
    void anUnorderedGroupStartsTogetherOnOneNodeAndRestartsOnlyTheMemberThatFailed() {
        Plan fresh = plan(UNORDERED, node("n1"), node("n2"));
        assertEquals(List.of("start w1@n1", "start w2@n1", "start w3@n1"), steps(fresh));
        assertTrue(fresh.actions().stream().allMatch(a -> a.reason().contains("start in parallel")), fresh.summary());

        Plan failed = plan(UNORDERED, node("n1").running("w1", "w3").failed("w2", 1), node("n2"));
        assertEquals(List.of("stop w2@n1", "start w2@n1"), steps(failed), "w3 keeps running");
        assertEquals(
                "restart w2 in place after its failure (failure 1 of 3 before the group moves)",
                failed.actions().get(1).reason());

        Plan partly = plan(UNORDERED, node("n1").running("w2"), node("n2"));
        assertEquals(List.of("start w1@n1", "start w3@n1"), steps(partly), "it stays where w2 runs");

        Plan moved = plan(UNORDERED, node("n1").running("w1", "w2").failed("w3", 3), node("n2"));
        assertEquals(List.of("stop w3@n1", "stop w2@n1", "stop w1@n1"), steps(moved), "it moves as a unit");
    }

    @Test
    void aDisabledMemberOfAnUnorderedGroupStopsAlone() {
        ClusterConfig config = ClusterConfig.builder()
                .group(ResourceGroup.of(
                                "workers",
                                spec("w1"),
                                ResourceSpec.builder("w2", "test")
                                        .enabled(false)
                                        .build(),
                                spec("w3"))
                        .unordered())
                .build();
        assertEquals(List.of("stop w2@n1"), steps(plan(config, node("n1").running("w1", "w2", "w3"), node("n2"))));
        Plan fresh = plan(config, node("n1"), node("n2"));
        assertEquals(List.of("start w1@n1", "start w3@n1"), steps(fresh));
        assertTrue(
                fresh.notes().stream().anyMatch(n -> n.contains("w2 is disabled")),
                fresh.notes().toString());
    }

    @Test
    void leavesAGroupAloneThatRunsOnANodeWithAnotherConfiguration() {
        Plan plan =
                plan(CONFIG, node("n1"), node("n2").running("ip", "app", "web").status(NodeStatus.CONFIG_MISMATCH));
        assertTrue(plan.isEmpty(), plan.summary());
        assertTrue(
                plan.notes().get(0).contains("whose configuration differs"),
                plan.notes().toString());
    }

    @Test
    void neverPlacesAGroupOnANodeWithAnotherConfiguration() {
        Plan plan = plan(CONFIG, node("n1").status(NodeStatus.CONFIG_MISMATCH), node("n2"));
        assertEquals(List.of("start ip@n2", "start app@n2", "start web@n2"), steps(plan));
    }

    @Test
    void stopsTheSecondCopyAfterAMergeAndStartsNothingUntilItIsGone() {
        Plan plan =
                plan(CONFIG, node("n1").running("ip", "app", "web"), node("n2").running("ip", "app"));
        assertEquals(List.of("stop app@n2", "stop ip@n2"), steps(plan));
        assertEquals(
                "group web-group moves n2 -> n1: n2 holds a second copy",
                plan.actions().get(0).reason());
    }

    @Test
    void completesAPartlyStartedGroupFromTheFirstStoppedResource() {
        Plan plan = plan(CONFIG, node("n1").running("ip"), node("n2"));
        assertEquals(List.of("start app@n1", "start web@n1"), steps(plan));
    }

    @Test
    void theSameSnapshotAlwaysGivesTheSamePlan() {
        Node[] nodes = {
            node("n1").running("ip").failed("app", 1), node("n2"), node("n3").running("b")
        };
        ClusterConfig config = ClusterConfig.builder()
                .group(ResourceGroup.of("web-group", spec("ip"), spec("app"), spec("web")))
                .group(ResourceGroup.of("g2", spec("b")))
                .group(ResourceGroup.of("g3", spec("c")))
                .build();
        Plan first = plan(config, nodes);
        for (int i = 0; i < 20; i++) {
            assertEquals(first, plan(config, nodes));
        }
    }
}
