package io.hastack.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test kit's own tear-down check. */
class InProcessClusterTest {
    private static AgentContext start(String node, long epoch) {
        return new AgentContext(
                NodeId.of(node),
                ResourceId.of("db"),
                Operation.START,
                Map.of(),
                Duration.ofSeconds(5),
                System.nanoTime(),
                epoch);
    }

    @Test
    void theTearDownFailsNamingWhatTheWitnessSaw() {
        InProcessCluster cluster = new InProcessCluster();
        ResourceAgent agent = cluster.witness.agent();
        assertEquals(AgentResult.SUCCESS, agent.start(start("n1", 3)).result());
        // the same epoch handed out twice: the witness records it
        assertEquals(AgentResult.SUCCESS, agent.start(start("n2", 3)).result());
        assertEquals(
                1,
                cluster.witness.violations().size(),
                cluster.witness.violations().toString());

        AssertionError failed = assertThrows(AssertionError.class, cluster::closeAfterCheckingTheWitness);
        assertTrue(failed.getMessage().contains("reused epoch 3"), failed.getMessage());
        assertTrue(failed.getMessage().contains("1 safety violation"), failed.getMessage());
    }

    @Test
    void aCleanClusterClosesWithoutComplaint() {
        InProcessCluster cluster = new InProcessCluster();
        assertEquals(
                AgentResult.SUCCESS,
                cluster.witness.agent().start(start("n1", 1)).result());
        assertEquals(
                AgentResult.SUCCESS,
                cluster.witness.agent().start(start("n2", 2)).result());
        cluster.closeAfterCheckingTheWitness();
        assertEquals(0, cluster.witness.violations().size());
    }
}
