package io.hastack.core.runtime;

import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.Call;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.HaEvent.Type;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.ResourceAgent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An executor for tests of the node's runtime: records every call and answers at once, with what
 * the test scripted for that operation of that resource (in order), else success. Forced stops
 * are recorded as {@code force-stop r}. Also makes {@link LocalResources} around itself.
 */
class ScriptedExecutor implements AgentExecutor {
    /** Every call, in order. */
    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** What the node watchdog reports as its kills so far ({@code LocalResources.Listener#watchdogKills}). */
    final java.util.concurrent.atomic.AtomicLong watchdogKills = new java.util.concurrent.atomic.AtomicLong();
    /** What {@code LocalResources.Listener#watchdogCaughtUp} returns (done: no report in flight). */
    volatile CompletableFuture<Void> watchdogCaughtUp = CompletableFuture.completedFuture(null);
    /** Every call as "operation resource" ({@code force-stop r} for forced stops). */
    final List<String> log = new CopyOnWriteArrayList<>();

    private final Map<String, Deque<AgentOutcome>> script = new HashMap<>();

    /** The next answers to {@code operation} of {@code resource}, in order. */
    ScriptedExecutor answer(String operation, String resource, AgentOutcome... outcomes) {
        script.computeIfAbsent(operation + " " + resource, k -> new ArrayDeque<>())
                .addAll(List.of(outcomes));
        return this;
    }

    private final Map<String, CompletableFuture<AgentOutcome>> held = new HashMap<>();

    /** The next call of {@code operation} on {@code resource} answers when the test completes this. */
    synchronized CompletableFuture<AgentOutcome> hold(String operation, String resource) {
        CompletableFuture<AgentOutcome> answer = new CompletableFuture<>();
        held.put(operation + " " + resource, answer);
        return answer;
    }

    private synchronized CompletableFuture<AgentOutcome> takeHeld(String key) {
        return held.remove(key);
    }

    private synchronized AgentOutcome next(String key) {
        Deque<AgentOutcome> q = script.get(key);
        return q == null || q.isEmpty() ? AgentOutcome.success() : q.poll();
    }

    @Override
    public CompletableFuture<OperationResult> call(ResourceAgent agent, Call call) {
        calls.add(call);
        String key = call.operation().externalName() + " " + call.spec().id();
        log.add(key);
        CompletableFuture<AgentOutcome> later = takeHeld(key);
        if (later != null) {
            return later.thenApply(o -> new OperationResult(
                    call.spec().id(), call.operation(), OperationResult.Completion.ANSWERED, o, Duration.ZERO));
        }
        return CompletableFuture.completedFuture(new OperationResult(
                call.spec().id(), call.operation(), OperationResult.Completion.ANSWERED, next(key), Duration.ZERO));
    }

    @Override
    public CompletableFuture<OperationResult> forceStop(
            ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        String key = "force-stop " + spec.id();
        log.add(key);
        return CompletableFuture.completedFuture(new OperationResult(
                spec.id(), Operation.STOP, OperationResult.Completion.ANSWERED, next(key), Duration.ZERO));
    }

    /** The specs reloads were called with, in order. */
    final List<ResourceSpec> reloads = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<OperationResult> reload(ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
        String key = "reload " + spec.id();
        log.add(key);
        reloads.add(spec);
        return CompletableFuture.completedFuture(new OperationResult(
                spec.id(), Operation.START, OperationResult.Completion.ANSWERED, next(key), Duration.ZERO));
    }

    @Override
    public void close() {}

    /**
     * An agent that is never called: the executor answers for it. It reloads parameter {@code
     * level} (Pacemaker's reloadable parameter).
     */
    static final class Unused implements ResourceAgent, io.hastack.core.spi.agent.Reloadable {
        @Override
        public java.util.Set<String> reloadableParameters() {
            return java.util.Set.of("level");
        }

        @Override
        public AgentOutcome reload(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("test", "", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext c) {
            return AgentOutcome.success();
        }
    }

    /** The events a {@link LocalResources} made by {@link #local} reported. */
    final List<Type> events = new CopyOnWriteArrayList<>();

    final List<String> details = new CopyOnWriteArrayList<>();

    /** A {@link LocalResources} of {@code node} on {@code time}, calling this executor, agent type "test". */
    LocalResources local(NodeId node, ClusterConfig config, VirtualTime time, Runnable onStateChange) {
        return new LocalResources(
                node,
                config,
                time.clock(),
                AgentRegistry.builder().register("test", s -> new Unused()).build(),
                this,
                time,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {
                        onStateChange.run();
                    }

                    @Override
                    public void event(EventData data, String subject, String detail) {
                        Type type = data.type();
                        events.add(type);
                        details.add(detail);
                    }

                    @Override
                    public long watchdogKills() {
                        return watchdogKills.get();
                    }

                    @Override
                    public CompletableFuture<Void> watchdogCaughtUp() {
                        return watchdogCaughtUp;
                    }
                },
                false);
    }
}
