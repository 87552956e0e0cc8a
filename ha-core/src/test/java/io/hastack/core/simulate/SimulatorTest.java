package io.hastack.core.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.plan.SnapshotText;
import io.hastack.core.spi.plan.ClusterSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SimulatorTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final ClusterSnapshot RUNNING_ON_N1 = SnapshotText.parse("""
            nodes n1 n2 n3
            group web-group ip web
            node n1 ip=RUNNING web=RUNNING
            """);
    private final Simulator simulator = new Simulator(new DefaultPlanner());

    private Simulator.Simulation run(String... events) {
        return simulator.run(RUNNING_ON_N1, Simulator.parseEvents(List.of(events)), NOW);
    }

    @Test
    void aFailedNodesGroupStartsOnTheNextNode() {
        Simulator.Simulation s = run("node-fails n1");
        assertEquals("""
                before any event:
                  (nothing to do)
                after node n1 fails:
                  start ip on n2: group web-group moves n1 -> n2: n1 left the cluster
                  start web on n2: group web-group starts in order after ip
                step 2 after node n1 fails:
                  (nothing to do)
                """, s.render());
        assertEquals(List.of(NodeId.of("n2"), NodeId.of("n3")), s.end().members());
    }

    @Test
    void aCleanShutdownStopsFirstThenStartsElsewhereThenLeaves() {
        String text = run("node-leaves n1").render();
        assertTrue(text.contains("""
                after node n1 shuts down:
                  stop web on n1: group web-group moves n1 -> n2: n1 is shutting down
                  stop ip on n1: group web-group moves n1 -> n2: n1 is shutting down
                step 2 after node n1 shuts down:
                  start ip on n2: group web-group is placed on n2
                """), text);
        assertTrue(text.endsWith("after n1 has left:\n  (nothing to do)\n"), text);
    }

    @Test
    void repeatedMonitorFailuresRestartInPlaceThenMove() {
        Simulator.Simulation s = run("monitor-fails web on n1", "monitor-fails web on n1", "monitor-fails web on n1");
        String text = s.render();
        assertTrue(text.contains("start web on n1: restart web in place after its failure (failure 2 of 3"), text);
        assertTrue(text.contains("stop web on n1: group web-group moves n1 -> n2: n1 saw web fail 3 times"), text);
        assertEquals(ResourceState.RUNNING, s.end().nodes().get(1).state(ResourceId.of("web")));
    }

    @Test
    void standbyMovesTheGroupAway() {
        String text = run("standby n1").render();
        assertTrue(text.contains("stop web on n1: group web-group moves n1 -> n2: n1 is in standby"), text);
        assertTrue(text.contains("start ip on n2: group web-group is placed on n2"), text);
    }

    @Test
    void impossibleEventsAreRejectedWithTheReason() {
        assertEquals(
                "node n9 is not a member at this point of the simulation",
                assertThrows(IllegalArgumentException.class, () -> run("node-fails n9"))
                        .getMessage());
        assertEquals(
                "web does not run on n2 at this point of the simulation",
                assertThrows(IllegalArgumentException.class, () -> run("monitor-fails web on n2"))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("node-explodes n1"))
                .getMessage()
                .contains("is not one of: node-fails NODE"));
    }
}
