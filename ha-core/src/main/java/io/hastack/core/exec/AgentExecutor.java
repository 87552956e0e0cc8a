package io.hastack.core.exec;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import java.util.concurrent.CompletableFuture;

/**
 * Calls agents. The returned future always completes, within the operation's timeout plus
 * scheduling slack, and never exceptionally: a timeout or an exception becomes an
 * {@link OperationResult} that says so. Thread-safe.
 */
public interface AgentExecutor extends AutoCloseable {
    /**
     * Makes {@code call} of {@code agent}: the agent's context carries the call's epoch, interval
     * (zero for a probe) and clone copy.
     */
    CompletableFuture<OperationResult> call(ResourceAgent agent, Call call);

    /**
     * Calls {@code operation} of {@code agent}, which manages {@code spec} on {@code node}, passing
     * fencing epoch {@code epoch} (0 for none) in the agent's context: a one-shot call (for a
     * monitor, a probe) of a resource outside any clone.
     */
    default CompletableFuture<OperationResult> call(
            ResourceAgent agent, ResourceSpec spec, NodeId node, Operation operation, long epoch) {
        return call(agent, Call.of(spec, node, operation, epoch));
    }

    /**
     * Calls {@code agent}'s {@link io.hastack.core.spi.agent.ForceStoppable#forceStop} with the stop
     * timeout; the result says {@code ERR_UNIMPLEMENTED} if the agent cannot force a stop.
     */
    CompletableFuture<OperationResult> forceStop(ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch);

    /**
     * Calls {@code agent}'s {@link io.hastack.core.spi.agent.Reloadable#reload} with the new {@code
     * spec} and its start timeout; the result says {@code ERR_UNIMPLEMENTED} if the agent cannot
     * reload (also the default, for an executor that does not run reloads).
     */
    default CompletableFuture<OperationResult> reload(ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        return CompletableFuture.completedFuture(new OperationResult(
                spec.id(),
                Operation.START,
                OperationResult.Completion.ANSWERED,
                io.hastack.core.spi.agent.AgentOutcome.of(
                        io.hastack.core.spi.agent.AgentResult.ERR_UNIMPLEMENTED, "this executor does not reload"),
                java.time.Duration.ZERO));
    }

    /** Stops accepting calls and interrupts the ones still running. */
    @Override
    void close();
}
