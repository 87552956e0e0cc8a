package io.hastack.testkit;

import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.Call;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An {@link AgentExecutor} that can be frozen: while paused, calls wait and no agent runs; on
 * resume they go to the wrapped executor. Part of the test kit's emulation of a frozen process.
 */
public final class PausableAgentExecutor implements AgentExecutor {
    private final AgentExecutor delegate;
    private CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    /** Wraps {@code delegate}, which this executor closes. */
    public PausableAgentExecutor(AgentExecutor delegate) {
        this.delegate = delegate;
    }

    /** Holds every call made from now on until {@link #resume()}. */
    public synchronized void pause() {
        if (gate.isDone()) {
            gate = new CompletableFuture<>();
        }
    }

    /** Lets held and later calls run. */
    public synchronized void resume() {
        gate.complete(null);
    }

    private synchronized CompletableFuture<Void> gate() {
        return gate;
    }

    @Override
    public CompletableFuture<OperationResult> call(ResourceAgent agent, Call call) {
        return after(() -> delegate.call(agent, call));
    }

    @Override
    public CompletableFuture<OperationResult> forceStop(
            ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        return after(() -> delegate.forceStop(agent, spec, node, epoch));
    }

    @Override
    public CompletableFuture<OperationResult> reload(ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        return after(() -> delegate.reload(agent, spec, node, epoch));
    }

    private CompletableFuture<OperationResult> after(Supplier<CompletableFuture<OperationResult>> call) {
        return gate().thenCompose(v -> call.get());
    }

    @Override
    public void close() {
        resume();
        delegate.close();
    }
}
