package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Plan;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The benchmark measures a correct plan: the failed node's groups, and only they, start elsewhere. */
@Tag("unit")
class PlanningBenchmarkTest {
    @Test
    void theFailedNodesGroupsMoveTogetherWithTheirColocatedPartners() {
        Plan plan = new DefaultPlanner().plan(PlanningBenchmark.snapshot(true, true), Instant.EPOCH);
        // n000 was home to groups 0, 100, ..., 900 and their colocated followers 1, 101, ..., 901.
        assertEquals(20 * PlanningBenchmark.PER_GROUP, PlanningBenchmark.starts(plan), plan.summary());
        Map<String, NodeId> target = new HashMap<>();
        for (Action a : plan.actions()) {
            assertEquals(ActionType.START, a.type(), a.describe());
            assertTrue(!a.node().value().equals("n000"), a.describe());
            target.merge(a.group().value(), a.node(), (x, y) -> {
                assertEquals(x, y, "a group starts on one node");
                return x;
            });
        }
        for (int g = 1; g < PlanningBenchmark.GROUPS; g += 100) {
            if (g % 10 == 1) { // mandatory colocation with the group before
                assertEquals(target.get(String.format("g%04d", g - 1)), target.get(String.format("g%04d", g)));
            }
        }
        assertEquals(PlanningBenchmark.GROUPS * 99, plan.scores().size());
    }

    @Test
    void theSteadyStateNeedsNothing() {
        assertTrue(new DefaultPlanner()
                .plan(PlanningBenchmark.snapshot(true, false), Instant.EPOCH)
                .isEmpty());
    }
}
