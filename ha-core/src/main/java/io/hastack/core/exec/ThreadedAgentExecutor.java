package io.hastack.core.exec;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.LeaseCheck;
import io.hastack.core.spi.agent.ResourceAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every agent call on a thread of its own (from a cached pool) and enforces the operation's
 * timeout from a separate timer thread: when the timeout fires, the call is interrupted and its
 * future completes with {@link OperationResult.Completion#TIMED_OUT}. An agent that ignores the
 * interrupt keeps its thread until it returns, but nothing waits for it; a warning names it. The
 * timeout is the spec's own, else the one the agent advises in its metadata, else 20 s
 * ({@link ResourceSpec#timeout(Operation, java.util.Map)}); the metadata is read on the call's
 * thread, before the timeout starts.
 */
public final class ThreadedAgentExecutor implements AgentExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedAgentExecutor.class);

    private final ExecutorService calls;
    private final ScheduledExecutorService timer;
    private final AtomicInteger running = new AtomicInteger();
    private final LeaseCheck lease;

    /** An executor whose threads are named after {@code name}, for calls outside a cluster node. */
    public ThreadedAgentExecutor(String name) {
        this(name, LeaseCheck.UNGUARDED);
    }

    /**
     * An executor whose threads are named after {@code name} (usually the node), whose agents are
     * told the node's membership lease through {@code lease} ({@link AgentContext#lease()}).
     */
    public ThreadedAgentExecutor(String name, LeaseCheck lease) {
        this.lease = java.util.Objects.requireNonNull(lease, "lease");
        AtomicInteger n = new AtomicInteger();
        this.calls = Executors.newCachedThreadPool(r -> daemon(r, "ha-agent-" + name + "-" + n.incrementAndGet()));
        java.util.concurrent.ScheduledThreadPoolExecutor timeouts =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> daemon(r, "ha-agent-timer-" + name));
        // A call that answers in time cancels its timeout, which then leaves the queue: the timer
        // no longer runs every call's timeout task for nothing when it falls due, nor holds its
        // state that long (a spec's timeout may be hours). Its wake-ups stay about the same: with
        // an empty queue, each call's timeout wakes it on arrival instead.
        timeouts.setRemoveOnCancelPolicy(true);
        this.timer = timeouts;
    }

    /** How many timeouts wait on the timer (tests): one per call still running and not timed out. */
    int pendingTimeouts() {
        return ((java.util.concurrent.ScheduledThreadPoolExecutor) timer)
                .getQueue()
                .size();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Calls still running, including ones that timed out but have not returned. */
    public int runningCalls() {
        return running.get();
    }

    @Override
    public CompletableFuture<OperationResult> call(ResourceAgent agent, Call call) {
        return run(agent, call, ctx -> invoke(agent, ctx));
    }

    @Override
    public CompletableFuture<OperationResult> forceStop(
            ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        return run(
                agent,
                Call.of(spec, node, Operation.STOP, epoch),
                ctx -> agent instanceof ForceStoppable f
                        ? f.forceStop(ctx)
                        : AgentOutcome.of(AgentResult.ERR_UNIMPLEMENTED, "agent cannot force a stop"));
    }

    @Override
    public CompletableFuture<OperationResult> reload(ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        return run(
                agent,
                Call.of(spec, node, Operation.START, epoch),
                ctx -> agent instanceof io.hastack.core.spi.agent.Reloadable r
                        ? r.reload(ctx)
                        : AgentOutcome.of(AgentResult.ERR_UNIMPLEMENTED, "agent cannot reload"));
    }

    private CompletableFuture<OperationResult> run(
            ResourceAgent agent, Call call, Function<AgentContext, AgentOutcome> body) {
        ResourceSpec spec = call.spec();
        Operation operation = call.operation();
        CompletableFuture<OperationResult> result = new CompletableFuture<>();
        CompletableFuture<Future<?>> task = new CompletableFuture<>();
        try {
            task.complete(calls.submit(() -> {
                running.incrementAndGet();
                long start = System.nanoTime();
                try {
                    // On the call's thread: an agent's first metadata() may run a script (OCF meta-data).
                    Duration timeout = timeout(agent, spec, operation);
                    start = System.nanoTime();
                    AgentContext ctx = new AgentContext(
                            call.node(),
                            spec.id(),
                            operation,
                            spec.parameters(),
                            timeout,
                            start,
                            call.epoch(),
                            call.interval(),
                            call.cloneInstance(),
                            lease);
                    try {
                        scheduleTimeout(ctx, result, task);
                    } catch (RejectedExecutionException closed) {
                        result.complete(new OperationResult(
                                spec.id(),
                                operation,
                                OperationResult.Completion.THREW,
                                AgentOutcome.failed("executor is closed"),
                                elapsed(start)));
                        return;
                    }
                    AgentOutcome outcome = body.apply(ctx);
                    result.complete(answered(
                            ctx, outcome == null ? AgentOutcome.failed("agent returned no outcome") : outcome));
                } catch (RuntimeException | Error e) {
                    LOG.warn("{} {}@{} threw", operation.externalName(), spec.id(), call.node(), e);
                    result.complete(new OperationResult(
                            spec.id(),
                            operation,
                            OperationResult.Completion.THREW,
                            AgentOutcome.failed(operation.externalName() + " threw " + e),
                            elapsed(start)));
                } finally {
                    running.decrementAndGet();
                }
            }));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new OperationResult(
                    spec.id(),
                    operation,
                    OperationResult.Completion.THREW,
                    AgentOutcome.failed("executor is closed"),
                    Duration.ZERO));
        }
        return result;
    }

    /**
     * Completes {@code result} as timed out and interrupts {@code task} when {@code ctx}'s timeout
     * expires, unless the call answered first.
     *
     * @throws RejectedExecutionException if the executor was closed meanwhile
     */
    private void scheduleTimeout(
            AgentContext ctx, CompletableFuture<OperationResult> result, CompletableFuture<Future<?>> task) {
        Operation operation = ctx.operation();
        Duration timeout = ctx.timeout();
        Future<?> timing = timer.schedule(
                () -> {
                    OperationResult timedOut = new OperationResult(
                            ctx.resource(),
                            operation,
                            OperationResult.Completion.TIMED_OUT,
                            AgentOutcome.failed(
                                    operation.externalName() + " timed out after " + timeout.toMillis() + " ms"),
                            elapsed(ctx.startNanos()));
                    if (result.complete(timedOut)) {
                        LOG.warn(
                                "{} of {} timed out after {} ms; interrupting it",
                                operation.externalName(),
                                ctx.label(),
                                timeout.toMillis());
                        CompletableFuture<Void> unusedCancel = task.thenAccept(t -> t.cancel(true));
                    }
                },
                // The spec's timeouts are bounded (at most 24 h); saturate anyway, for any other source.
                io.hastack.core.internal.Durations.toNanosSaturated(timeout),
                TimeUnit.NANOSECONDS);
        CompletableFuture<OperationResult> unused = result.whenComplete((r, e) -> timing.cancel(false));
    }

    /** The spec's own timeout, else the agent's advised one, else the default; never throws. */
    private static Duration timeout(ResourceAgent agent, ResourceSpec spec, Operation operation) {
        java.util.Map<Operation, Duration> advised;
        try {
            advised = agent.metadata().timeouts();
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: the agent's metadata cannot be read ({}); using the default timeouts",
                    spec.id(),
                    e.toString());
            advised = java.util.Map.of();
        }
        return spec.timeout(operation, advised);
    }

    private static AgentOutcome invoke(ResourceAgent agent, AgentContext ctx) {
        return switch (ctx.operation()) {
            case START -> agent.start(ctx);
            case STOP -> agent.stop(ctx);
            case MONITOR -> agent.monitor(ctx);
            case VALIDATE -> agent.validate(ctx);
        };
    }

    private static OperationResult answered(AgentContext ctx, AgentOutcome outcome) {
        return new OperationResult(
                ctx.resource(),
                ctx.operation(),
                OperationResult.Completion.ANSWERED,
                outcome,
                elapsed(ctx.startNanos()));
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        calls.shutdownNow();
    }
}
