package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rehearsal runs the coordinator through a whole failover to this node, to the plan's dispatch
 * and the empty plan after it, whatever the lease time.
 */
class CoordinatorRehearsalTest {
    private static final NodeId N2 = NodeId.of("n2");

    private static final LiveConfig LIVE = LiveConfig.of(ClusterConfig.builder()
            .nodes("n1", "n2")
            .group(ResourceGroup.of(
                    "g",
                    ResourceSpec.builder("worker", "test").build(),
                    ResourceSpec.builder("web", "test").build()))
            .build());

    @Test
    void eachRoundMovesTheDeadNodesGroupHereDispatchesThePlanToNobodyAndConverges() {
        List<Messages.Execute> dispatched =
                CoordinatorRehearsal.run(N2, LIVE, new DefaultPlanner(), Clock.systemUTC(), Duration.ofMillis(1200), 3);

        assertEquals(3, dispatched.size(), "one plan per round, then an empty one: " + dispatched);
        for (Messages.Execute e : dispatched) {
            assertEquals(
                    List.of(ResourceId.of("worker"), ResourceId.of("web")),
                    e.actions().stream().map(Action::resource).toList(),
                    "the group's starts, in order: " + e);
            assertTrue(
                    e.actions().stream()
                            .allMatch(a ->
                                    a.type() == ActionType.START && a.node().equals(N2)),
                    e.toString());
            assertTrue(
                    e.actions().get(0).reason().contains("moves n1 -> n2: n1 left the cluster"),
                    "a move from the node that died, as in a failover: " + e);
        }
    }

    @Test
    void aPlanThatStartsInWavesIsCarriedOutUntilItIsEmpty() {
        // A clone that another group is ordered after: the planner starts the second group in a
        // later plan, once the clone runs.
        LiveConfig waves = LiveConfig.of(ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(ResourceGroup.clone(
                        "agents",
                        ResourceGroup.EVERY_NODE,
                        ResourceSpec.builder("agent", "test").build()))
                .group(ResourceGroup.of("g", ResourceSpec.builder("web", "test").build()))
                .order(OrderConstraint.mandatory("agents-then-g", "agents", "g"))
                .build());

        List<Messages.Execute> dispatched = CoordinatorRehearsal.run(
                N2, waves, new DefaultPlanner(), Clock.systemUTC(), Duration.ofMillis(1200), 1);

        assertEquals(
                List.of(List.of(ResourceId.of("agent")), List.of(ResourceId.of("web"))),
                dispatched.stream()
                        .map(e -> e.actions().stream().map(Action::resource).toList())
                        .toList(),
                "two waves, each carried out: " + dispatched);
    }

    @Test
    void aLeaseShorterThanItsMarginHoldsNoStart() {
        // The margin is at least 100 ms: a report from a node up for twice the lease alone would
        // still count as a restart within a 50 ms lease, and hold every start.
        assertEquals(
                1,
                CoordinatorRehearsal.run(N2, LIVE, new DefaultPlanner(), Clock.systemUTC(), Duration.ofMillis(50), 1)
                        .size());
    }
}
