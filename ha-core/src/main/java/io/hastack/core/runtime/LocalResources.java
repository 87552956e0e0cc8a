package io.hastack.core.runtime;

import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.Call;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Failure;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.StopOrder;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.CloneInstance;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.agent.UnknownParameter;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of one node and their observed states. Owns every state transition: runs actions
 * through the {@link AgentExecutor}, monitors running resources on their interval, and counts
 * failures. Confined to the node's event thread ({@code loop}): every method must be called there,
 * and agent results are posted back to it.
 */
final class LocalResources {
    private static final Logger LOG = LoggerFactory.getLogger(LocalResources.class);

    /** What the owner is told. Called on the event thread. */
    interface Listener {
        /** A resource's state or failure count changed. */
        void stateChanged();

        /** Something worth an {@link HaEvent} happened. */
        void event(EventData data, String subject, String detail);
    }

    private static final class Local {
        final ResourceSpec spec;
        final ResourceAgent agent;
        /** Which copy of a clone this is; empty for a resource of an exclusive group. */
        final Optional<CloneInstance> clone;

        ResourceState state = ResourceState.STOPPED;
        /** The failure history here, or null if none (since the last cleanup). */
        Failure failure;
        /** The fencing epoch of the start that brought the resource up here (0: none). */
        long epoch;
        /** Bumped whenever an action begins, so that an older monitor's result is ignored. */
        long generation;

        CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

        Local(ResourceSpec spec, ResourceAgent agent, Optional<CloneInstance> clone) {
            this.spec = spec;
            this.agent = agent;
            this.clone = clone;
        }

        /** A one-shot call of {@code operation} here (for a monitor: a probe). */
        Call call(NodeId node, Operation operation) {
            return Call.of(spec, node, operation, epoch).inClone(clone);
        }
    }

    private final NodeId node;
    private final ClusterConfig config;
    private final Clock clock;
    private final AgentExecutor executor;
    private final ScheduledExecutorService loop;
    private final Listener listener;
    private final Map<ResourceId, Local> resources = new LinkedHashMap<>();

    /**
     * Creates an agent for every configured resource.
     *
     * @throws IllegalArgumentException if a resource names an unknown agent type
     */
    LocalResources(
            NodeId node,
            ClusterConfig config,
            Clock clock,
            AgentRegistry agents,
            AgentExecutor executor,
            ScheduledExecutorService loop,
            Listener listener) {
        this.node = node;
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.loop = loop;
        this.listener = listener;
        for (ResourceGroup g : config.groups()) {
            // A clone's copy here is numbered by this node's place in the node list (0, 1, ...).
            Optional<CloneInstance> clone = g.isClone()
                    ? Optional.of(CloneInstance.anonymous(
                            Math.max(0, config.nodes().indexOf(node)),
                            Math.min(g.cloneMax(), config.nodes().size())))
                    : Optional.empty();
            for (ResourceSpec r : g.resources()) {
                resources.put(r.id(), new Local(r, agents.create(r), clone));
            }
        }
    }

    /**
     * What {@link #validateAll()} found.
     *
     * @param failures one line per resource that cannot run here: its agent's validate refused it,
     *     or it lacks a parameter its agent's metadata requires; empty if none
     * @param warnings the parameters that agents do not declare (likely misspelled), each also logged
     */
    record Validation(List<String> failures, List<UnknownParameter> warnings) {
        Validation {
            failures = List.copyOf(failures);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Runs validate on every resource at once, and checks each resource's parameters against its
     * agent's metadata: this is where the configuration meets the agents. A parameter the metadata
     * does not declare is a warning (logged, naming the closest declared one); a required one that
     * is missing fails the resource, if its agent's validate did not already.
     */
    CompletableFuture<Validation> validateAll() {
        List<Local> locals = List.copyOf(resources.values());
        List<CompletableFuture<OperationResult>> calls = new ArrayList<>();
        locals.forEach(l -> calls.add(executor.call(l.agent, l.call(node, Operation.VALIDATE))));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> failures = new ArrayList<>();
            List<UnknownParameter> warnings = new ArrayList<>();
            for (int i = 0; i < locals.size(); i++) {
                Local l = locals.get(i);
                OperationResult r = calls.get(i).join();
                // The validate call read the metadata on the executor's thread: an OCF agent keeps it.
                Optional<AgentMetadata> metadata = metadata(l);
                if (!r.succeeded()) {
                    failures.add("resource " + r.resource() + " on " + node + ": validate says " + r.outcome());
                } else {
                    List<String> missing =
                            metadata.map(m -> m.missingParameters(l.spec)).orElse(List.of());
                    if (!missing.isEmpty()) {
                        failures.add("resource " + l.spec.id() + " on " + node + ": agent '" + l.spec.agentType()
                                + "' requires parameter" + (missing.size() > 1 ? "s " : " ")
                                + String.join(", ", missing) + ", which the resource does not set");
                    }
                }
                for (UnknownParameter u :
                        metadata.map(m -> m.unknownParameters(l.spec)).orElse(List.of())) {
                    LOG.warn("{} (on {})", u.message(), node);
                    warnings.add(u);
                }
            }
            return new Validation(failures, warnings);
        });
    }

    private static Optional<AgentMetadata> metadata(Local l) {
        try {
            return Optional.ofNullable(l.agent.metadata());
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: the agent's metadata cannot be read ({}); its parameters are not checked",
                    l.spec.id(),
                    e.toString());
            return Optional.empty();
        }
    }

    /**
     * Asks every agent whether its resource already runs here (a probe, as Pacemaker does when a
     * node joins): running resources are adopted and monitored, failed ones must be stopped.
     * Completes on the event thread.
     */
    CompletableFuture<Void> probeAll() {
        List<CompletableFuture<Void>> probes = new ArrayList<>();
        for (Local l : resources.values()) {
            probes.add(executor.call(l.agent, l.call(node, Operation.MONITOR))
                    .thenAcceptAsync(
                            r -> {
                                switch (r.outcome().result()) {
                                    case SUCCESS -> {
                                        l.state = ResourceState.RUNNING;
                                        scheduleMonitor(l);
                                        LOG.info("probe: {} already runs on {}; adopting it", l.spec.id(), node);
                                    }
                                    case NOT_RUNNING -> l.state = ResourceState.STOPPED;
                                    default -> {
                                        l.state = ResourceState.FAILED;
                                        LOG.warn(
                                                "probe: {} on {} is in a failed state: {}",
                                                l.spec.id(),
                                                node,
                                                r.outcome());
                                    }
                                }
                            },
                            loop));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
    }

    /**
     * Forgets the failures of {@code resource} (every resource if null) and probes every failed or
     * blocked one again with its monitor: running means RUNNING (monitored again), not running means
     * STOPPED, anything else stays FAILED. Resources with an action in progress are left alone.
     * Completes on the event thread.
     */
    CompletableFuture<Void> cleanup(ResourceId resource) {
        List<CompletableFuture<Void>> probes = new ArrayList<>();
        for (Local l : resources.values()) {
            if (resource != null && !l.spec.id().equals(resource)) {
                continue;
            }
            l.failure = null;
            if (l.state != ResourceState.FAILED && l.state != ResourceState.BLOCKED) {
                continue;
            }
            long generation = ++l.generation;
            probes.add(executor.call(l.agent, l.call(node, Operation.MONITOR))
                    .thenAcceptAsync(
                            r -> {
                                if (l.generation != generation) {
                                    return;
                                }
                                ResourceState before = l.state;
                                l.state = switch (r.outcome().result()) {
                                    case SUCCESS -> ResourceState.RUNNING;
                                    case NOT_RUNNING -> ResourceState.STOPPED;
                                    default -> ResourceState.FAILED;
                                };
                                if (l.state == ResourceState.RUNNING) {
                                    scheduleMonitor(l);
                                }
                                LOG.info(
                                        "cleanup of {} on {}: {} -> {} ({})",
                                        l.spec.id(),
                                        node,
                                        before,
                                        l.state,
                                        r.outcome());
                            },
                            loop));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
    }

    /** The state of every resource that is not stopped. */
    Map<ResourceId, ResourceState> activeStates() {
        Map<ResourceId, ResourceState> states = new HashMap<>();
        resources.forEach((id, l) -> {
            if (l.state.isActive()) {
                states.put(id, l.state);
            }
        });
        return Collections.unmodifiableMap(states);
    }

    /** The failure history of every resource that has failed here (since its last cleanup). */
    Map<ResourceId, Failure> failures() {
        Map<ResourceId, Failure> failures = new HashMap<>();
        resources.forEach((id, l) -> {
            if (l.failure != null) {
                failures.put(id, l.failure);
            }
        });
        return Collections.unmodifiableMap(failures);
    }

    /**
     * Counts a failure of {@code operation}; failures that have expired under the resource's
     * failure-timeout are forgotten first, so that they do not count towards the threshold again.
     */
    private int recordFailure(Local l, Operation operation) {
        Instant now = clock.instant();
        int previous =
                l.failure == null || l.failure.expired(config.failureTimeout(l.spec), now) ? 0 : l.failure.count();
        l.failure = new Failure(previous + 1, now, operation);
        return l.failure.count();
    }

    /** True if any resource is not stopped. */
    boolean anyActive() {
        return resources.values().stream().anyMatch(l -> l.state.isActive());
    }

    /**
     * Runs {@code actions} one after the other; stops at the first failure, or before an action
     * when {@code stillValid} turns false (the view changed). Calls {@code done} on the event thread
     * when finished or abandoned.
     */
    void execute(List<Action> actions, BooleanSupplier stillValid, Runnable done) {
        step(actions, 0, stillValid, done, false);
    }

    private void step(List<Action> actions, int index, BooleanSupplier stillValid, Runnable done, boolean force) {
        if (index == actions.size()) {
            done.run();
            return;
        }
        Action action = actions.get(index);
        Local l = resources.get(action.resource());
        if (l == null) {
            listener.event(
                    new EventData.ActionFailed(action.type(), action.resource(), Optional.empty(), false),
                    action.resource().value(),
                    "no such resource on " + node + "; abandoning " + (actions.size() - index) + " action(s)");
            done.run();
            return;
        }
        l.generation++;
        if (force && action.type() == ActionType.STOP) {
            // A forced stop does not wait for a monitor (or a hung call) in flight: the others may
            // start the resource as soon as this node's lease has expired.
            run(l, action, () -> step(actions, index + 1, stillValid, done, force), done, force);
            return;
        }
        // Never two calls into one agent at once: wait for a monitor that may be running.
        l.inFlight
                .handleAsync((ignored, error) -> null, loop)
                .thenRun(() -> {
                    if (!stillValid.getAsBoolean()) {
                        listener.event(
                                new EventData.ActionRefused(
                                        Optional.empty(), Optional.of(action.resource()), "the view changed"),
                                action.resource().value(),
                                "the view changed; abandoning " + (actions.size() - index) + " action(s) of the plan");
                        done.run();
                        return;
                    }
                    run(l, action, () -> step(actions, index + 1, stillValid, done, force), done, force);
                })
                .exceptionally(e -> {
                    if (!closing(e, "starting " + action.describe())) {
                        LOG.error("{}: starting {} failed; ending its batch", node, action.describe(), e);
                        done.run();
                    }
                    return null;
                });
    }

    /** Runs one action; a stop with {@code force} goes straight to the agent's forced stop, if it has one. */
    private void run(Local l, Action action, Runnable nextStep, Runnable failedStep, boolean force) {
        // Each call ends its batch exactly once, even if a callback below throws (a future would
        // swallow the exception, and the batch, its plan and the coordinator would wait forever).
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable next = () -> {
            if (ended.compareAndSet(false, true)) {
                nextStep.run();
            }
        };
        Runnable failed = () -> {
            if (ended.compareAndSet(false, true)) {
                failedStep.run();
            }
        };
        boolean start = action.type() == ActionType.START;
        long generation = ++l.generation;
        l.state = start ? ResourceState.STARTING : ResourceState.STOPPING;
        if (start) {
            l.epoch = action.epoch();
        }
        listener.event(new EventData.ActionStarted(action), l.spec.id().value(), action.describe());
        listener.stateChanged();
        CompletableFuture<OperationResult> call = force && !start && l.agent instanceof ForceStoppable
                ? executor.forceStop(l.agent, l.spec, node, l.epoch)
                : executor.call(l.agent, l.call(node, action.type().operation()));
        l.inFlight = call;
        call.thenAcceptAsync(
                        result -> {
                            if (l.generation != generation) {
                                // Superseded (e.g. everything was stopped after a pause or a quorum loss): the newer
                                // action owns the state, but this batch must still end, or its plan is never
                                // reported finished and the coordinator waits for it forever.
                                failed.run();
                                return;
                            }
                            boolean ok = result.succeeded();
                            if (start) {
                                if (ok) {
                                    l.state = ResourceState.RUNNING;
                                    scheduleMonitor(l);
                                } else {
                                    // The planner applies the start's on-fail policy (migrate by default, as
                                    // Pacemaker's
                                    // start-failure-is-fatal).
                                    l.state = ResourceState.FAILED;
                                    recordFailure(l, Operation.START);
                                }
                            } else if (!ok) {
                                recordFailure(l, Operation.STOP);
                                escalate(l, result, generation, next, failed);
                                return;
                            } else {
                                l.state = ResourceState.STOPPED;
                            }
                            String verb = action.type().name().toLowerCase(Locale.ROOT);
                            if (ok) {
                                String said = result.outcome().message();
                                listener.event(
                                        new EventData.ActionSucceeded(
                                                action.type(), l.spec.id(), result.elapsed(), result.outcome(), false),
                                        l.spec.id().value(),
                                        verb + " " + l.spec.id() + " on " + node + " took "
                                                + result.elapsed().toMillis() + " ms"
                                                + (said.isEmpty() ? "" : ": " + said));
                            } else {
                                LOG.warn("{} of {} on {} failed: {}", verb, l.spec.id(), node, result.outcome());
                                listener.event(
                                        new EventData.ActionFailed(
                                                action.type(), l.spec.id(), Optional.of(result.outcome()), !start),
                                        l.spec.id().value(),
                                        verb + " " + l.spec.id() + " on " + node + " failed: " + result.outcome()
                                                + (start ? "" : "; the resource is blocked"));
                            }
                            listener.stateChanged();
                            (ok ? next : failed).run();
                        },
                        loop)
                .exceptionally(e -> {
                    if (!closing(e, "the result of " + action.describe())) {
                        LOG.error("{}: handling the result of {} failed; ending its batch", node, action.describe(), e);
                        failed.run();
                    }
                    return null;
                });
    }

    /**
     * A stop failed or timed out: force the stop if the agent can (kill); if that fails too, the
     * resource is BLOCKED and only fencing the node (by the coordinator) can release its group.
     */
    private void escalate(Local l, OperationResult failedStop, long generation, Runnable next, Runnable failed) {
        LOG.warn("stop of {} on {} failed: {}; forcing it", l.spec.id(), node, failedStop.outcome());
        executor.forceStop(l.agent, l.spec, node, l.epoch)
                .thenAcceptAsync(
                        forced -> {
                            if (l.generation != generation) {
                                failed.run(); // superseded: end the batch all the same (see run)
                                return;
                            }
                            if (forced.succeeded()) {
                                l.state = ResourceState.STOPPED;
                                listener.event(
                                        new EventData.ActionSucceeded(
                                                ActionType.STOP, l.spec.id(), forced.elapsed(), forced.outcome(), true),
                                        l.spec.id().value(),
                                        "stop " + l.spec.id() + " on " + node + " failed (" + failedStop.outcome()
                                                + ") but a forced stop succeeded: " + forced.outcome());
                                listener.stateChanged();
                                next.run();
                            } else {
                                l.state = ResourceState.BLOCKED;
                                listener.event(
                                        new EventData.ActionFailed(
                                                ActionType.STOP, l.spec.id(), Optional.of(forced.outcome()), true),
                                        l.spec.id().value(),
                                        "stop " + l.spec.id() + " on " + node
                                                + " failed: " + failedStop.outcome() + "; forced stop: "
                                                + forced.outcome()
                                                + "; the resource is blocked until the node is fenced or the resource cleaned up");
                                listener.stateChanged();
                                failed.run();
                            }
                        },
                        loop)
                .exceptionally(e -> {
                    if (!closing(e, "the forced stop of " + l.spec.id())) {
                        LOG.error("{}: handling the forced stop of {} failed; ending its batch", node, l.spec.id(), e);
                        failed.run();
                    }
                    return null;
                });
    }

    private void scheduleMonitor(Local l) {
        long generation = l.generation;
        ScheduledFuture<?> unused = loop.schedule(
                () -> monitor(l, generation), l.spec.monitorInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void monitor(Local l, long generation) {
        if (l.generation != generation || l.state != ResourceState.RUNNING) {
            return;
        }
        CompletableFuture<OperationResult> call =
                executor.call(l.agent, l.call(node, Operation.MONITOR).recurring());
        l.inFlight = call;
        call.thenAcceptAsync(
                        result -> {
                            if (l.generation != generation || l.state != ResourceState.RUNNING) {
                                return;
                            }
                            if (result.succeeded()) {
                                scheduleMonitor(l);
                                return;
                            }
                            int count = recordFailure(l, Operation.MONITOR);
                            OnFail policy = config.onFail(l.spec, Operation.MONITOR);
                            LOG.warn(
                                    "monitor of {} on {} failed ({} of {}, on-fail={}): {}",
                                    l.spec.id(),
                                    node,
                                    count,
                                    config.migrationThreshold(l.spec),
                                    policy.externalName(),
                                    result.outcome());
                            listener.event(
                                    new EventData.MonitorFailed(l.spec.id(), count, policy, result.outcome()),
                                    l.spec.id().value(),
                                    "monitor of " + l.spec.id() + " on " + node + " failed (failure " + count
                                            + ", on-fail=" + policy.externalName() + "): " + result.outcome());
                            if (policy == OnFail.IGNORE) {
                                scheduleMonitor(l); // pretend it succeeded: keep running and monitoring
                            } else {
                                l.state = ResourceState.FAILED;
                            }
                            listener.stateChanged();
                        },
                        loop)
                .exceptionally(e -> {
                    if (!closing(e, "a monitor result of " + l.spec.id())) {
                        LOG.error("{}: handling a monitor result of {} failed", node, l.spec.id(), e);
                    }
                    return null;
                });
    }

    /**
     * True if {@code error} only says that the node's event thread has shut down (the node is
     * closing or halted), so that nothing is left to hand {@code what} to: logged quietly, and the
     * batch is not ended, since ending it would run event-thread code on an agent thread.
     */
    private boolean closing(Throwable error, String what) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RejectedExecutionException && loop.isShutdown()) {
            LOG.debug("{}: {} arrived after the node's event thread stopped; dropped", node, what);
            return true;
        }
        return false;
    }

    /**
     * Stops every active resource here, ignoring views, in the planner's stop order
     * ({@link StopOrder}: order constraints respected): what a node does after a pause, on quorum
     * loss with {@code no-quorum-policy=stop}, and when it leaves without a hand-over. Completes on
     * the event thread.
     */
    CompletableFuture<Void> stopAll(String reason) {
        return stopAll(reason, false);
    }

    /**
     * As {@link #stopAll(String)}; with {@code force}, each resource whose agent can force a stop
     * (kill) is stopped that way at once: what a node does when its membership lease lapses, since
     * the others may start the resources as soon as the lease has expired.
     */
    CompletableFuture<Void> stopAll(String reason, boolean force) {
        List<Action> stops = StopOrder.stopEverything(
                config, node, id -> resources.get(id).state.isActive(), reason);
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Keep going after a failed stop: every resource gets its own chance.
        stopEach(stops, 0, done, force);
        return done;
    }

    private void stopEach(List<Action> stops, int index, CompletableFuture<Void> done, boolean force) {
        if (index == stops.size()) {
            done.complete(null);
            return;
        }
        step(List.of(stops.get(index)), 0, () -> true, () -> stopEach(stops, index + 1, done, force), force);
    }
}
