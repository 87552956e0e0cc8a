package io.hastack.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OCF rules every agent must follow, as a reusable suite (in the spirit of Pacemaker's
 * {@code ocf-tester}): a subclass says how to make its agent and a valid resource, and which
 * required parameters a minimal invalid resource lacks. All calls go through the real
 * {@link ThreadedAgentExecutor}, so each must answer within its operation's timeout.
 */
public abstract class AgentConformance {
    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("conformance");
    private final NodeId node = NodeId.of("n1");
    private ResourceAgent started;
    private ResourceSpec startedSpec;

    /** A new agent for {@code spec}. */
    protected abstract ResourceAgent agent(ResourceSpec spec);

    /** A valid resource whose start works on this machine. */
    protected abstract ResourceSpec validSpec();

    /** A resource that lacks the parameters {@link #missingRequired()} names. */
    protected abstract ResourceSpec specMissingRequired();

    /** The required parameters {@link #specMissingRequired()} lacks; each must be named by validate. */
    protected abstract List<String> missingRequired();

    private OperationResult call(ResourceAgent agent, ResourceSpec spec, Operation op) {
        OperationResult r = executor.call(agent, spec, node, op, 1).join();
        assertEquals(OperationResult.Completion.ANSWERED, r.completion(), op + " must answer within its timeout: " + r);
        return r;
    }

    private AgentResult result(ResourceAgent agent, ResourceSpec spec, Operation op) {
        return call(agent, spec, op).outcome().result();
    }

    @AfterEach
    void stopWhatWasStarted() {
        if (started != null) {
            call(started, startedSpec, Operation.STOP);
        }
        executor.close();
    }

    @Test
    void monitorOfAStoppedResourceSaysNotRunning() {
        ResourceSpec spec = validSpec();
        assertEquals(AgentResult.NOT_RUNNING, result(agent(spec), spec, Operation.MONITOR));
    }

    @Test
    void stopOfAStoppedResourceSucceeds() {
        ResourceSpec spec = validSpec();
        assertEquals(AgentResult.SUCCESS, result(agent(spec), spec, Operation.STOP));
    }

    @Test
    void startAndStopAreIdempotentAndMonitorFollows() {
        ResourceSpec spec = validSpec();
        ResourceAgent agent = agent(spec);
        assertEquals(AgentResult.SUCCESS, result(agent, spec, Operation.VALIDATE));
        started = agent;
        startedSpec = spec;
        assertEquals(
                AgentResult.SUCCESS,
                result(agent, spec, Operation.START),
                () -> call(agent, spec, Operation.MONITOR).toString());
        assertEquals(AgentResult.SUCCESS, result(agent, spec, Operation.START), "a second start must succeed");
        assertEquals(AgentResult.SUCCESS, result(agent, spec, Operation.MONITOR));
        assertEquals(AgentResult.SUCCESS, result(agent, spec, Operation.STOP));
        assertEquals(AgentResult.SUCCESS, result(agent, spec, Operation.STOP), "a second stop must succeed");
        assertEquals(AgentResult.NOT_RUNNING, result(agent, spec, Operation.MONITOR));
        started = null;
    }

    /**
     * Validate refuses a resource that lacks required parameters, naming each; an agent without
     * required parameters must accept the minimal resource instead.
     */
    @Test
    void validateOfAMinimalResourceNamesEachMissingRequiredParameterOrAcceptsIt() {
        ResourceSpec spec = specMissingRequired();
        OperationResult r = call(agent(spec), spec, Operation.VALIDATE);
        assertEquals(
                missingRequired().isEmpty() ? AgentResult.SUCCESS : AgentResult.ERR_CONFIGURED,
                r.outcome().result(),
                r.toString());
        for (String name : missingRequired()) {
            assertTrue(r.outcome().message().contains(name), "validate must name " + name + ": " + r);
        }
    }

    @Test
    void metadataNamesTheRequiredParameters() {
        ResourceSpec spec = validSpec();
        List<String> required = agent(spec).metadata().requiredParameters();
        assertTrue(required.containsAll(missingRequired()), "metadata says required: " + required);
    }
}
