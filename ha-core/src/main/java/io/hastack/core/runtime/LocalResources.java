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
import io.hastack.core.spi.agent.Reloadable;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.agent.UnknownParameter;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

        /** A recurring monitor ended, and its result was taken (not ignored as stale). */
        default void monitored(MonitorResult result) {}

        /**
         * How many times the node watchdog has killed this node's processes so far (it does when
         * the lease it was told runs out, which a stall can cause without the node ever seeing its
         * lease lapse); 0 without a watchdog.
         */
        default long watchdogKills() {
            return 0;
        }

        /**
         * Completes once every kill the node watchdog reported before this call is counted in
         * {@link #watchdogKills()} (a round trip to the watchdog, bounded by a timeout); at once
         * without a watchdog.
         */
        default CompletableFuture<Void> watchdogCaughtUp() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static final class Local {
        /** The spec; replaced in place by a configuration change that needs no restart. */
        ResourceSpec spec;

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
        /** {@link Listener#watchdogKills()} when this resource was last known to run (see {@code scheduleMonitor}). */
        long watchdogKillsBefore;

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
    /** The configuration applied here; replaced by {@link #reconfigure}. */
    private ClusterConfig config;

    private final AgentRegistry agents;
    /** The configuration change being applied, if any: the next one waits for it. */
    private CompletableFuture<?> reconfiguring = CompletableFuture.completedFuture(null);

    private final Clock clock;
    private final AgentExecutor executor;
    private final ScheduledExecutorService loop;
    private final Listener listener;
    private final Map<ResourceId, Local> resources = new LinkedHashMap<>();

    /**
     * Creates an agent for every configured resource. With {@code tolerateUnknownTypes}, a resource
     * whose agent type is not registered here gets an agent that cannot start it (for a configuration
     * version the node took from the cluster, which a newer node may have extended) instead of
     * failing.
     *
     * @throws IllegalArgumentException if a resource names an unknown agent type and {@code
     *     tolerateUnknownTypes} is false
     */
    LocalResources(
            NodeId node,
            ClusterConfig config,
            Clock clock,
            AgentRegistry agents,
            AgentExecutor executor,
            ScheduledExecutorService loop,
            Listener listener,
            boolean tolerateUnknownTypes) {
        this.node = node;
        this.config = config;
        this.agents = agents;
        this.clock = clock;
        this.executor = executor;
        this.loop = loop;
        this.listener = listener;
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec r : g.resources()) {
                resources.put(
                        r.id(),
                        new Local(r, tolerateUnknownTypes ? create(r) : agents.create(r), cloneInstance(config, g)));
            }
        }
    }

    /** This node's copy of {@code g}, if it is a clone: numbered by the node's place in the node list (0, 1, ...). */
    private Optional<CloneInstance> cloneInstance(ClusterConfig in, ResourceGroup g) {
        return g.isClone()
                ? Optional.of(CloneInstance.anonymous(
                        Math.max(0, in.nodes().indexOf(node)),
                        Math.min(g.cloneMax(), in.nodes().size())))
                : Optional.empty();
    }

    /** The configuration applied here. */
    ClusterConfig applied() {
        return config;
    }

    /**
     * What a configuration change did here.
     *
     * @param added resources new in the configuration (probed here)
     * @param removed resources no longer in it (stopped here first, if they ran)
     * @param restarted resources whose agent, parameters or clone copy changed (stopped here first,
     *     if they ran; the coordinator starts them again where it places them)
     * @param blocked resources of the last two kinds that could not be stopped: the change is not
     *     applied while any is left
     */
    record Change(
            List<ResourceId> added,
            List<ResourceId> removed,
            List<ResourceId> restarted,
            List<ResourceId> reloaded,
            List<ResourceId> blocked) {
        Change {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            restarted = List.copyOf(restarted);
            reloaded = List.copyOf(reloaded);
            blocked = List.copyOf(blocked);
        }
    }

    /**
     * Applies {@code next} here, after any change still being applied: stops (in stop order, with
     * the old specs) what it removes and what must restart because its agent type, parameters or
     * clone copy changed, then takes the new specs (a change of timeouts, interval or scores takes
     * effect in place, without a restart), then probes the resources new here. If a stop fails, the
     * change is not applied: the future completes with the resources left {@code blocked}, and the
     * caller tries again later. While {@code leaveRunning} (maintenance), nothing is stopped: a removed
     * resource is forgotten, a changed one probed again; so for an unmanaged one. Completes on the
     * event thread.
     */
    CompletableFuture<Change> reconfigure(ClusterConfig next, BooleanSupplier leaveRunning) {
        CompletableFuture<Change> done = new CompletableFuture<>();
        CompletableFuture<?> previous = reconfiguring;
        reconfiguring = done;
        previous.handleAsync((v, e) -> null, loop)
                .thenRun(() -> apply(next, leaveRunning.getAsBoolean(), done))
                .exceptionally(e -> {
                    if (!closing(e, "applying a configuration")) {
                        LOG.error("{}: applying a configuration failed", node, e);
                        done.completeExceptionally(e);
                    }
                    return null;
                });
        return done;
    }

    private void apply(ClusterConfig next, boolean leaveRunning, CompletableFuture<Change> done) {
        List<ResourceId> removed = new ArrayList<>();
        List<ResourceId> restarted = new ArrayList<>();
        List<ResourceId> reloading = new ArrayList<>();
        for (Local l : resources.values()) {
            Optional<ResourceSpec> spec = next.resource(l.spec.id());
            if (spec.isEmpty()) {
                removed.add(l.spec.id());
            } else if (!spec.get().agentType().equals(l.spec.agentType())
                    || !next.groupOf(l.spec.id()).equals(config.groupOf(l.spec.id()))
                    || !cloneInstance(
                                    next,
                                    next.group(next.groupOf(l.spec.id()).orElseThrow())
                                            .orElseThrow())
                            .equals(l.clone)) {
                restarted.add(l.spec.id());
            } else if (!spec.get().parameters().equals(l.spec.parameters())) {
                if (!leaveRunning && reloadable(l, spec.get())) {
                    reloading.add(l.spec.id());
                } else {
                    restarted.add(l.spec.id());
                }
            }
        }
        List<ResourceId> retiring = new ArrayList<>(removed);
        retiring.addAll(restarted);
        // In maintenance (the node's or the cluster's) and for an unmanaged resource the cluster stops
        // nothing: what is removed is forgotten, what is changed is probed again with its new spec.
        java.util.Set<ResourceId> stopping = new java.util.LinkedHashSet<>(dependents(retiring));
        stopping.removeIf(id -> leaveRunning || !resources.get(id).spec.managed());
        List<Action> stops = StopOrder.stopEverything(
                config,
                node,
                id -> stopping.contains(id) && resources.get(id).state.isActive(),
                "a configuration change removes or restarts it, or a resource it depends on");
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        stopEach(stops, 0, stopped, false);
        stopped.thenRun(() -> {
                    List<ResourceId> blocked = stopping.stream()
                            .filter(id -> resources.get(id).state.isActive())
                            .toList();
                    if (!blocked.isEmpty()) {
                        done.complete(new Change(List.of(), removed, restarted, List.of(), blocked));
                        return;
                    }
                    List<Local> fresh = swap(next, retiring);
                    List<ResourceId> added = fresh.stream()
                            .map(l -> l.spec.id())
                            .filter(id -> !restarted.contains(id))
                            .toList();
                    listener.stateChanged();
                    var unused = reloadEach(reloading, 0)
                            .thenCompose(v -> probe(fresh))
                            .whenComplete((v, e) ->
                                    done.complete(new Change(added, removed, restarted, reloading, List.of())));
                })
                .exceptionally(e -> {
                    done.completeExceptionally(e);
                    return null;
                });
    }

    /**
     * True if {@code l} runs here, is managed, and its agent can take the parameters of {@code next}
     * by a reload: every parameter set, changed or removed is one it reloads.
     */
    private static boolean reloadable(Local l, ResourceSpec next) {
        if (!(l.agent instanceof Reloadable r) || l.state != ResourceState.RUNNING || !l.spec.managed()) {
            return false;
        }
        java.util.Set<String> changed = new java.util.HashSet<>();
        next.parameters().forEach((k, v) -> {
            if (!v.equals(l.spec.parameters().get(k))) {
                changed.add(k);
            }
        });
        l.spec.parameters().keySet().stream()
                .filter(k -> !next.parameters().containsKey(k))
                .forEach(changed::add);
        return r.reloadableParameters().containsAll(changed);
    }

    /**
     * Reloads {@code ids}, one after the other, with their new specs; a failed reload counts as a
     * failed monitor does (Pacemaker's default on-fail for a reload is restart): the resource is
     * failed here, and its monitor's on-fail decides what follows.
     */
    private CompletableFuture<Void> reloadEach(List<ResourceId> ids, int i) {
        if (i >= ids.size()) {
            return CompletableFuture.completedFuture(null);
        }
        Local l = resources.get(ids.get(i));
        if (l == null || l.state != ResourceState.RUNNING) {
            return reloadEach(ids, i + 1);
        }
        long generation = ++l.generation;
        long killsBefore = listener.watchdogKills();
        // Never two calls into one agent at once: wait for a monitor that may be running.
        CompletableFuture<OperationResult> call = l.inFlight
                .handleAsync((ignored, error) -> null, loop)
                .thenCompose(v -> executor.reload(l.agent, l.spec, node, l.epoch));
        l.inFlight = call;
        return call.thenComposeAsync(
                result -> {
                    if (l.generation == generation && result.succeeded()) {
                        // The configuration's CONFIG_APPLIED event lists what was reloaded.
                        LOG.info("{}: reloaded {} with its new parameters", node, l.spec.id());
                        scheduleMonitor(l, killsBefore);
                    } else if (l.generation == generation) {
                        int count = recordFailure(l, Operation.MONITOR);
                        l.state = ResourceState.FAILED;
                        LOG.warn(
                                "{}: reload of {} failed (failure {}): {}", node, l.spec.id(), count, result.outcome());
                        listener.event(
                                new EventData.ActionFailed(
                                        io.hastack.core.spi.plan.ActionType.START,
                                        l.spec.id(),
                                        Optional.of(result.outcome()),
                                        false,
                                        timedOut(result)),
                                l.spec.id().value(),
                                "reload of " + l.spec.id() + " on " + node + " failed: " + result.outcome()
                                        + "; it is recovered as after a failed monitor");
                        listener.stateChanged();
                    }
                    return reloadEach(ids, i + 1);
                },
                loop);
    }

    /**
     * {@code retiring} and what depends on it in the applied configuration: the resources after one
     * of them in its group (none in an unordered group), and the groups that a mandatory order makes follow its group (and so
     * on): they stop first, as Pacemaker restarts what depends on a restarted resource.
     */
    private java.util.Set<ResourceId> dependents(List<ResourceId> retiring) {
        java.util.Set<ResourceId> out = new java.util.LinkedHashSet<>(retiring);
        java.util.Set<io.hastack.core.model.GroupId> touched = new java.util.HashSet<>();
        for (ResourceGroup g : config.groups()) {
            boolean after = false;
            for (ResourceSpec r : g.resources()) {
                // In an unordered group no member depends on another: only the retiring one stops.
                after = g.ordered() ? after || retiring.contains(r.id()) : retiring.contains(r.id());
                if (after) {
                    out.add(r.id());
                    touched.add(g.id());
                }
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (io.hastack.core.model.OrderConstraint o : config.orders()) {
                if (o.kind() == io.hastack.core.model.OrderConstraint.Kind.MANDATORY
                        && touched.contains(o.first())
                        && touched.add(o.then())) {
                    config.group(o.then()).ifPresent(g -> g.resources().forEach(r -> out.add(r.id())));
                    grew = true;
                }
            }
        }
        return out;
    }

    /**
     * Takes {@code next}'s specs; returns the resources given a new agent here (to probe). The new
     * table is built first and installed at once; the entries it retires get a new generation, so
     * that a result still in flight for them changes nothing.
     */
    private List<Local> swap(ClusterConfig next, List<ResourceId> retiring) {
        Map<ResourceId, Local> table = new LinkedHashMap<>();
        List<Local> fresh = new ArrayList<>();
        for (ResourceGroup g : next.groups()) {
            for (ResourceSpec r : g.resources()) {
                Local old = resources.get(r.id());
                if (old != null && !retiring.contains(r.id())) {
                    old.spec = r;
                    table.put(r.id(), old);
                } else {
                    Local l = new Local(r, create(r), cloneInstance(next, g));
                    table.put(r.id(), l);
                    fresh.add(l);
                }
            }
        }
        resources.forEach((id, old) -> {
            if (table.get(id) != old) {
                old.generation++;
            }
        });
        resources.clear();
        resources.putAll(table);
        config = next;
        return fresh;
    }

    /** The agent for {@code spec}; one that can only say so if its type is not installed here. */
    private ResourceAgent create(ResourceSpec spec) {
        try {
            return agents.create(spec);
        } catch (RuntimeException e) {
            LOG.error("{}: {}: the resource cannot run here", node, e.getMessage());
            return new MissingAgent(spec.agentType(), String.valueOf(e.getMessage()));
        }
    }

    /**
     * The agent of a resource whose type this node does not have (a newer node added it during a
     * rolling upgrade): it never runs here, so a probe finds it stopped and a start fails as not
     * installed, and the planner places it elsewhere.
     */
    private record MissingAgent(String type, String why) implements ResourceAgent {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata(type, "not installed on this node", List.of());
        }

        @Override
        public io.hastack.core.spi.agent.AgentOutcome validate(io.hastack.core.spi.agent.AgentContext context) {
            return io.hastack.core.spi.agent.AgentOutcome.of(io.hastack.core.spi.agent.AgentResult.ERR_INSTALLED, why);
        }

        @Override
        public io.hastack.core.spi.agent.AgentOutcome start(io.hastack.core.spi.agent.AgentContext context) {
            return io.hastack.core.spi.agent.AgentOutcome.of(io.hastack.core.spi.agent.AgentResult.ERR_INSTALLED, why);
        }

        @Override
        public io.hastack.core.spi.agent.AgentOutcome stop(io.hastack.core.spi.agent.AgentContext context) {
            return io.hastack.core.spi.agent.AgentOutcome.success("not installed here, so not running");
        }

        @Override
        public io.hastack.core.spi.agent.AgentOutcome monitor(io.hastack.core.spi.agent.AgentContext context) {
            return io.hastack.core.spi.agent.AgentOutcome.notRunning("agent type " + type + " is not installed here");
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
        return validateLocals(List.copyOf(resources.values()));
    }

    /**
     * As {@link #validateAll()}, for resources a configuration change would add or change: each
     * gets an agent of its own for the check (an unknown agent type fails it).
     */
    CompletableFuture<Validation> validate(List<ResourceSpec> specs) {
        List<Local> locals = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (ResourceSpec spec : specs) {
            try {
                locals.add(new Local(spec, agents.create(spec), Optional.empty()));
            } catch (IllegalArgumentException e) {
                unknown.add(e.getMessage() + " (on " + node + ")");
            }
        }
        return validateLocals(locals).thenApply(v -> {
            List<String> failures = new ArrayList<>(unknown);
            failures.addAll(v.failures());
            return new Validation(failures, v.warnings());
        });
    }

    private CompletableFuture<Validation> validateLocals(List<Local> locals) {
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
        return probe(List.copyOf(resources.values()));
    }

    private CompletableFuture<Void> probe(List<Local> locals) {
        List<CompletableFuture<Void>> probes = new ArrayList<>();
        for (Local l : locals) {
            long killsBefore = listener.watchdogKills();
            probes.add(executor.call(l.agent, l.call(node, Operation.MONITOR))
                    .thenAcceptAsync(
                            r -> {
                                switch (r.outcome().result()) {
                                    case SUCCESS -> {
                                        l.state = ResourceState.RUNNING;
                                        scheduleMonitor(l, killsBefore);
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
            long killsBefore = listener.watchdogKills();
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
                                    scheduleMonitor(l, killsBefore);
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

    /** The failures counted for {@code l} now (0 once they expired). */
    private int failureCount(Local l) {
        return l.failure == null || l.failure.expired(config.failureTimeout(l.spec), clock.instant())
                ? 0
                : l.failure.count();
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
     * The most calls of one parallel batch under way at once: twice the processors, as Pacemaker's
     * {@code node-action-limit} by default.
     */
    static final int PARALLEL_LIMIT = 2 * Runtime.getRuntime().availableProcessors();

    /**
     * Runs {@code actions} in their order; stops at the first failure, or before an action when
     * {@code stillValid} turns false (the view changed). Consecutive starts (or stops) of members of
     * one unordered group run in parallel, at most {@link #PARALLEL_LIMIT} at once; the next action
     * waits for all of them, and a failure among them ends the list once the others have finished.
     * Calls {@code done} on the event thread when finished or abandoned.
     */
    void execute(List<Action> actions, BooleanSupplier stillValid, Runnable done) {
        step(actions, 0, stillValid, done, false);
    }

    private void step(List<Action> actions, int index, BooleanSupplier stillValid, Runnable done, boolean force) {
        if (index == actions.size()) {
            done.run();
            return;
        }
        int end = batchEnd(actions, index);
        if (end - index > 1) {
            new Batch(actions, index, end, stillValid, () -> step(actions, end, stillValid, done, force), done, force)
                    .launch();
            return;
        }
        one(actions, index, stillValid, () -> step(actions, index + 1, stillValid, done, force), done, force);
    }

    /**
     * The end (exclusive) of the batch that begins at {@code index}: the actions of the same type on
     * distinct members of the same unordered group that follow it; else just the action itself.
     */
    private int batchEnd(List<Action> actions, int index) {
        Action first = actions.get(index);
        if (config.group(first.group()).map(ResourceGroup::ordered).orElse(true)) {
            return index + 1;
        }
        Set<ResourceId> members = new HashSet<>();
        members.add(first.resource());
        int end = index + 1;
        while (end < actions.size()
                && actions.get(end).type() == first.type()
                && actions.get(end).group().equals(first.group())
                && members.add(actions.get(end).resource())) {
            end++;
        }
        return end;
    }

    /**
     * One parallel batch: actions {@code from} to {@code to} (exclusive) of a list, at most
     * {@link #PARALLEL_LIMIT} under way at once. After a failure (or an abandoned action) no more are
     * begun; once every begun action has ended, the batch goes on with {@code next} if all
     * succeeded, else with {@code abandon}. Confined to the event thread.
     */
    private final class Batch {
        private final List<Action> actions;
        private final int to;
        private final BooleanSupplier stillValid;
        private final Runnable next;
        private final Runnable abandon;
        private final boolean force;
        private int following;
        private int underWay;
        private boolean failed;
        private boolean ended;

        Batch(
                List<Action> actions,
                int from,
                int to,
                BooleanSupplier stillValid,
                Runnable next,
                Runnable abandon,
                boolean force) {
            this.actions = actions;
            this.following = from;
            this.to = to;
            this.stillValid = stillValid;
            this.next = next;
            this.abandon = abandon;
            this.force = force;
        }

        void launch() {
            while (!failed && !ended && underWay < PARALLEL_LIMIT && following < to) {
                int index = following++;
                underWay++;
                one(actions, index, stillValid, this::succeeded, this::gaveUp, force);
            }
        }

        private void succeeded() {
            underWay--;
            launch();
            endIfDone();
        }

        private void gaveUp() {
            underWay--;
            failed = true;
            endIfDone();
        }

        private void endIfDone() {
            if (!ended && underWay == 0 && (failed || following == to)) {
                ended = true;
                (failed ? abandon : next).run();
            }
        }
    }

    /**
     * Runs the action at {@code index} of {@code actions} once no call into its agent is under way:
     * {@code next} after it succeeded; {@code abandon} if it failed, or was abandoned (the
     * resource is gone, or {@code stillValid} turned false).
     */
    private void one(
            List<Action> actions,
            int index,
            BooleanSupplier stillValid,
            Runnable next,
            Runnable abandon,
            boolean force) {
        Action action = actions.get(index);
        Local l = resources.get(action.resource());
        if (l == null) {
            listener.event(
                    new EventData.ActionFailed(action.type(), action.resource(), Optional.empty(), false),
                    action.resource().value(),
                    "no such resource on " + node + "; abandoning " + (actions.size() - index) + " action(s)");
            abandon.run();
            return;
        }
        l.generation++;
        if (force && action.type() == ActionType.STOP) {
            // A forced stop does not wait for a monitor (or a hung call) in flight: the others may
            // start the resource as soon as this node's lease has expired.
            run(l, action, next, abandon, force);
            return;
        }
        // Never two calls into one agent at once: wait for a monitor that may be running.
        l.inFlight
                .handleAsync((ignored, error) -> null, loop)
                .thenRun(() -> {
                    if (resources.get(action.resource()) != l) {
                        listener.event(
                                new EventData.ActionRefused(
                                        Optional.empty(), Optional.of(action.resource()), "the configuration changed"),
                                action.resource().value(),
                                "the configuration changed; abandoning " + (actions.size() - index)
                                        + " action(s) of the plan");
                        abandon.run();
                        return;
                    }
                    if (!stillValid.getAsBoolean()) {
                        listener.event(
                                new EventData.ActionRefused(
                                        Optional.empty(), Optional.of(action.resource()), "the view changed"),
                                action.resource().value(),
                                "the view changed; abandoning " + (actions.size() - index) + " action(s) of the plan");
                        abandon.run();
                        return;
                    }
                    run(l, action, next, abandon, force);
                })
                .exceptionally(e -> {
                    if (!closing(e, "starting " + action.describe())) {
                        LOG.error("{}: starting {} failed; ending its batch", node, action.describe(), e);
                        abandon.run();
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
        long killsBefore = listener.watchdogKills();
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
                                    scheduleMonitor(l, killsBefore);
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
                                                action.type(),
                                                l.spec.id(),
                                                Optional.of(result.outcome()),
                                                !start,
                                                timedOut(result)),
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
                                                ActionType.STOP,
                                                l.spec.id(),
                                                Optional.of(forced.outcome()),
                                                true,
                                                timedOut(forced)),
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

    private static boolean timedOut(OperationResult result) {
        return result.completion() == OperationResult.Completion.TIMED_OUT;
    }

    private void scheduleMonitor(Local l) {
        scheduleMonitor(l, listener.watchdogKills());
    }

    /**
     * Schedules {@code l}'s next monitor; {@code watchdogKills} is the watchdog's kill count when
     * {@code l} was last known to run (for a monitor's success: when that monitor was called).
     */
    private void scheduleMonitor(Local l, long watchdogKills) {
        long generation = l.generation;
        l.watchdogKillsBefore = watchdogKills;
        ScheduledFuture<?> unused = loop.schedule(
                () -> monitor(l, generation), l.spec.monitorInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void monitor(Local l, long generation) {
        if (l.generation != generation || l.state != ResourceState.RUNNING) {
            return;
        }
        long killsBefore = listener.watchdogKills();
        CompletableFuture<OperationResult> call =
                executor.call(l.agent, l.call(node, Operation.MONITOR).recurring());
        l.inFlight = call;
        call.thenAcceptAsync(
                        result -> {
                            if (l.generation != generation || l.state != ResourceState.RUNNING) {
                                return;
                            }
                            listener.monitored(MonitorResult.of(clock.instant(), l.spec.id(), result));
                            if (result.succeeded()) {
                                // It ran when this monitor was called; a kill reported since may
                                // have come after that (the answer waited out a stall).
                                scheduleMonitor(l, killsBefore);
                                return;
                            }
                            // Right after a stall the watchdog's report of a kill and this answer
                            // arrive together: decide once every report sent before is counted.
                            CompletableFuture<Void> caughtUp = listener.watchdogCaughtUp();
                            if (caughtUp.isDone()) {
                                monitorFailed(l, result);
                            } else {
                                CompletableFuture<Object> unused = caughtUp.handleAsync(
                                        (ignored, error) -> {
                                            if (l.generation == generation && l.state == ResourceState.RUNNING) {
                                                monitorFailed(l, result);
                                            }
                                            return null;
                                        },
                                        loop);
                            }
                        },
                        loop)
                .exceptionally(e -> {
                    if (!closing(e, "a monitor result of " + l.spec.id())) {
                        LOG.error("{}: handling a monitor result of {} failed", node, l.spec.id(), e);
                    }
                    return null;
                });
    }

    /** A recurring monitor of {@code l} failed: counts it (unless the watchdog caused it) and applies on-fail. */
    private void monitorFailed(Local l, OperationResult result) {
        // The node's own watchdog killed its processes since this monitor was
        // scheduled (a stall it never saw as a lapse): no failure of the resource,
        // as Pacemaker does not count a stop it ordered. It is still recovered.
        boolean killedByWatchdog = listener.watchdogKills() > l.watchdogKillsBefore;
        int count = killedByWatchdog ? failureCount(l) : recordFailure(l, Operation.MONITOR);
        String counted = killedByWatchdog
                ? "not counted: the node watchdog killed this node's processes, " + count + " failure(s) of "
                        + config.migrationThreshold(l.spec)
                : count + " of " + config.migrationThreshold(l.spec);
        OnFail policy = config.onFail(l.spec, Operation.MONITOR);
        LOG.warn(
                "monitor of {} on {} failed ({}, on-fail={}): {}",
                l.spec.id(),
                node,
                counted,
                policy.externalName(),
                result.outcome());
        listener.event(
                new EventData.MonitorFailed(l.spec.id(), count, policy, result.outcome(), timedOut(result)),
                l.spec.id().value(),
                "monitor of " + l.spec.id() + " on " + node + " failed ("
                        + (killedByWatchdog ? counted : "failure " + count) + ", on-fail="
                        + policy.externalName() + "): " + result.outcome());
        if (policy == OnFail.IGNORE) {
            scheduleMonitor(l); // pretend it succeeded: keep running and monitoring
        } else {
            l.state = ResourceState.FAILED;
        }
        listener.stateChanged();
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
        // The node stops them itself: a monitor already under way whose answer comes before the
        // resource's own stop (its process killed by the node's watchdog after a lapsed lease, say)
        // is no failure of the resource, as Pacemaker does not count a stop it ordered.
        stops.stream()
                .map(a -> resources.get(a.resource()))
                .filter(l -> l != null && l.state == ResourceState.RUNNING)
                .forEach(l -> l.generation++);
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
