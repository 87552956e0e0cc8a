package io.hastack.core.runtime;

import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.OperationResult.Completion;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.runtime.HaEvent.Type;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Move;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A deterministic in-process cluster for tests: the real {@link Coordinator}, {@link LocalResources}
 * and {@link DefaultPlanner} of every node, on one {@link VirtualTime} (virtual clock, one thread),
 * with an in-memory membership (views installed by the harness after a detection delay), messages
 * through the real {@link MessageCodec}, and scripted agents acting on a model of the world
 * (which resource really runs where). Faults: crash and restart a node, kill a resource instance
 * (its next monitor fails), fail the next start, hang stops. A seed drives every random choice, so a
 * run is reproduced from its seed; {@link #trace()} is the history.
 *
 * <p>Each node runs the real node-side protocol ({@link Participant}, as {@link HaNode} does):
 * deferred plans, refusals, the {@code no-quorum-policy} and the flags it reports all come from
 * that one class, and quorum from {@link QuorumKeeper} itself (without a device). What the harness
 * supplies instead of {@link HaNode}'s threads: virtual time for the event loop and the keeper's
 * callbacks, a pause fault in place of the pause detector (which the in-process JGroups and
 * multi-process tests cover), and messages on virtual time.
 */
final class SimulatedCluster {
    /** Virtual time from a crash until the survivors install a view without the node. */
    static final Duration DETECTION = Duration.ofMillis(1500);
    /** Virtual time {@link #settle} waits before it looks: detection plus a few monitor intervals. */
    static final Duration QUIET = Duration.ofSeconds(5);
    /** Virtual one-way message delay. */
    static final Duration HOP = Duration.ofMillis(1);

    final VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
    final ClusterConfig config;
    private final Random random;
    /** Node starts so far: each start is a new incarnation, as a real node's random one. */
    private int boots;

    private final boolean fenceDevice;
    private final MessageCodec codec = new MessageCodec(io.hastack.core.security.ClusterKey.generate());
    private final List<String> trace = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    /** The world: which resources really run on which node. */
    private final Map<NodeId, Set<ResourceId>> running = new HashMap<>();

    private final Map<String, Integer> failingStarts = new HashMap<>();
    private final Set<String> hangingStops = new HashSet<>();
    private final Map<NodeId, SimNode> live = new LinkedHashMap<>();
    private final Map<NodeId, Integer> deferralCounts = new HashMap<>();
    private Duration viewSkew = Duration.ZERO;
    private long viewSequence;
    private long epochs;

    SimulatedCluster(ClusterConfig config, long seed, boolean fenceDevice) {
        this.config = config;
        this.random = new Random(seed);
        this.fenceDevice = fenceDevice;
        config.nodes().forEach(n -> running.put(n, new HashSet<>()));
    }

    // ---- driving -------------------------------------------------------------------------------

    /** Boots every configured node, in order. */
    SimulatedCluster start() {
        config.nodes().forEach(this::boot);
        return this;
    }

    /** Crashes {@code node}: its resources die with it; the others notice after {@link #DETECTION}. */
    void crash(NodeId node) {
        SimNode n = live.remove(node);
        if (n == null) {
            return;
        }
        n.alive = false;
        deferralCounts.merge(node, n.deferrals, Integer::sum);
        running.get(node).clear();
        record("crash " + node);
        time.at(DETECTION.toNanos(), this::installView);
    }

    /** Boots {@code node} again (or for the first time): it probes, then joins. */
    void boot(NodeId node) {
        if (live.containsKey(node)) {
            return;
        }
        SimNode n = new SimNode(node);
        live.put(node, n);
        record("boot " + node);
        CompletableFuture<Void> unused = n.resources
                .probeAll()
                .thenRunAsync(
                        () -> {
                            if (n.alive) {
                                installView();
                            }
                        },
                        time);
    }

    /** Kills the instance of {@code resource} on {@code node} behind the cluster's back. */
    void kill(NodeId node, ResourceId resource) {
        if (running.get(node).remove(resource)) {
            record("kill " + resource + " on " + node);
        }
    }

    /** Makes the next {@code count} starts of {@code resource} on {@code node} fail. */
    void failStarts(NodeId node, ResourceId resource, int count) {
        failingStarts.merge(node + "/" + resource, count, Integer::sum);
        record("next " + count + " start(s) of " + resource + " on " + node + " fail");
    }

    /** Makes stops of {@code resource} on {@code node} hang ({@code true}) or work again. */
    void hangStops(NodeId node, ResourceId resource, boolean hang) {
        if (hang ? hangingStops.add(node + "/" + resource) : hangingStops.remove(node + "/" + resource)) {
            record((hang ? "stops hang: " : "stops work: ") + resource + " on " + node);
        }
    }

    /**
     * From now on, each live node installs a new view {@code skew} later than the one before it in
     * the view (as a real membership's nodes install a view at slightly different times): a plan can
     * then reach a node before its view, which the node defers.
     */
    SimulatedCluster viewSkew(Duration skew) {
        this.viewSkew = skew;
        return this;
    }

    /** The safe bound of every node's (emulated) pause detector. */
    static final Duration PAUSE_BOUND = Duration.ofSeconds(1);

    /** Every node's membership lease time: its pause bound, as on a real node. */
    static final Duration LEASE_TIME = PAUSE_BOUND;

    /**
     * {@code node}'s process stalls for {@code stall} (longer than {@link #PAUSE_BOUND}) and then
     * runs on, as after a GC pause or a SIGSTOP that the others did not notice: its pause detector
     * reports it, and it refuses plans until it has stopped its resources.
     */
    void pause(NodeId node, Duration stall) {
        SimNode n = live.get(node);
        if (n == null) {
            return;
        }
        record("pause " + node + " for " + stall.toMillis() + " ms");
        n.stalledUntil = time.now().plusMillis(50);
        n.participant.paused(stall, PAUSE_BOUND);
    }

    /** How many plans reached {@code node} before their view (and were deferred), in all its lives. */
    int deferrals(NodeId node) {
        return deferralCounts.getOrDefault(node, 0) + (live.containsKey(node) ? live.get(node).deferrals : 0);
    }

    /** Sends an operator's move order from the first live node, as {@link Admin#move(io.hastack.core.model.GroupId, io.hastack.core.model.NodeId)} does. */
    void move(GroupId group, NodeId to, Duration lifetime) {
        MoveOrder order = new MoveOrder(
                group,
                Optional.of(new Move(
                        group,
                        to,
                        false,
                        Optional.ofNullable(lifetime).map(l -> time.now().plus(l)))),
                time.now());
        record("move " + group + " to " + to + (lifetime == null ? "" : " for " + lifetime));
        fromFirstToAll(order);
    }

    /** An operator's order given on the first live node: its participant handles and spreads it, as HaNode's does. */
    private void fromFirstToAll(Message order) {
        live.values().iterator().next().participant.broadcast(order);
    }

    /** Switches cluster maintenance mode from the first live node, as {@link Admin#clusterMaintenance} does. */
    void clusterMaintenance(boolean on) {
        Messages.MaintenanceOrder order = new Messages.MaintenanceOrder(on, time.now());
        record("cluster maintenance " + (on ? "on" : "off"));
        fromFirstToAll(order);
    }

    /** Runs the cluster for {@code span} of virtual time. */
    void run(Duration span) {
        time.runFor(span);
    }

    /**
     * Runs for {@link #QUIET}, then until the coordinator reports convergence (an empty plan) and every live node has joined,
     * or {@code limit} of virtual time passes; true if converged.
     */
    boolean settle(Duration limit) {
        Instant end = time.now().plus(limit);
        time.runFor(QUIET); // long enough for a crash or a dead instance to be noticed
        while (time.now().isBefore(end)) {
            time.runFor(Duration.ofMillis(10));
            if (!live.isEmpty()
                    && live.values().iterator().next().coordinator.converged()
                    && live.values().stream()
                            .allMatch(n -> n.participant.view() != null
                                    && n.participant.view().id().sequence() == viewSequence
                                    && n.resources.activeStates().values().stream()
                                            .noneMatch(ResourceState::isTransient))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Injects {@code faults} random faults, {@code gap} apart: crashes (never below quorum), boots,
     * killed instances, failing starts, hanging stops that heal after a while.
     */
    void randomFaults(int faults, Duration gap) {
        List<ResourceId> resources = new ArrayList<>();
        config.groups().forEach(g -> g.resources().forEach(r -> resources.add(r.id())));
        for (int i = 0; i < faults; i++) {
            NodeId node = config.nodes().get(random.nextInt(config.nodes().size()));
            ResourceId resource = resources.get(random.nextInt(resources.size()));
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (live.containsKey(node)
                            && live.size() - 1 > config.nodes().size() / 2) {
                        crash(node);
                    } else {
                        boot(node);
                    }
                }
                case 1 -> boot(node);
                case 2 -> kill(node, resource);
                case 3 -> failStarts(node, resource, 1);
                default -> {
                    hangStops(node, resource, true);
                    time.at(Duration.ofSeconds(5).toNanos(), () -> hangStops(node, resource, false));
                }
            }
            time.runFor(gap.plusMillis(random.nextInt(1000)));
        }
    }

    // ---- observing -----------------------------------------------------------------------------

    /** The history: one line per fault, view, plan, action result and monitor failure, with virtual times. */
    List<String> trace() {
        return List.copyOf(trace);
    }

    /** Every time an exclusive resource ran on two nodes at once. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Where {@code resource} really runs now. */
    List<NodeId> whereRuns(ResourceId resource) {
        List<NodeId> where = new ArrayList<>();
        running.forEach((n, set) -> {
            if (set.contains(resource)) {
                where.add(n);
            }
        });
        where.sort(null);
        return where;
    }

    /** What {@code node}'s executor believes about {@code resource} (STOPPED if the node is down). */
    ResourceState stateOn(NodeId node, ResourceId resource) {
        SimNode n = live.get(node);
        return n == null
                ? ResourceState.STOPPED
                : n.resources.activeStates().getOrDefault(resource, ResourceState.STOPPED);
    }

    /** The live nodes, oldest first. */
    List<NodeId> liveNodes() {
        return List.copyOf(live.keySet());
    }

    /** True if every exclusive group fully runs on exactly one live node and every clone on its nodes. */
    boolean everythingRuns() {
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec r : g.resources()) {
                int copies = whereRuns(r.id()).size();
                if (g.isClone() ? copies == 0 : copies != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    private void record(String line) {
        trace.add(String.format(
                "%8.3fs %s",
                Duration.between(Instant.parse("2026-11-22T00:00:00Z"), time.now())
                                .toNanos()
                        / 1e9,
                line));
    }

    private void installView() {
        if (live.isEmpty()) {
            return;
        }
        View view = new View(
                new ViewId(live.keySet().iterator().next(), ++viewSequence), List.copyOf(live.keySet()), false);
        record("view " + view.id() + " " + view.members());
        long skew = 0;
        for (SimNode n : live.values()) {
            if (skew == 0 || viewSkew.isZero()) {
                n.viewChanged(view);
            } else {
                time.at(skew, () -> {
                    if (n.alive && live.get(n.id) == n) {
                        n.viewChanged(view);
                    }
                });
            }
            skew += viewSkew.toNanos();
        }
    }

    private void checkExclusive(ResourceId resource) {
        boolean clone = config.groupOf(resource)
                .flatMap(config::group)
                .map(ResourceGroup::isClone)
                .orElse(false);
        List<NodeId> where = whereRuns(resource);
        if (!clone && where.size() > 1) {
            String v = "at " + time.now() + " exclusive resource " + resource + " runs on " + where;
            violations.add(v);
            record("VIOLATION " + v);
        }
    }

    // ---- one node --------------------------------------------------------------------------------

    /** One incarnation of a node. */
    private final class SimNode {
        final NodeId id;
        boolean alive = true;
        /** Plans that reached this node before their view. */
        int deferrals;
        /** Until then, this node's pause detector says it is not fresh. */
        Instant stalledUntil = Instant.EPOCH;

        final QuorumKeeper quorum;
        final LocalResources resources;
        final Coordinator coordinator;
        final Participant participant;
        /** The node's frame filter, as a real node's: stamps what it sends, checks what it receives. */
        final FrameFilter frames;
        /** The configuration version this node holds, shared by its parts as in a real node. */
        final LiveConfig held;

        SimNode(NodeId id) {
            this.id = id;
            this.held = LiveConfig.of(config);
            this.frames = new FrameFilter(id, ((long) id.hashCode() << 32) | ++boots);
            // HaNode's quorum keeper itself, without a device, on virtual time.
            this.quorum = new QuorumKeeper(id, held, Optional.empty(), time, new QuorumKeeper.Host() {
                @Override
                public void post(Runnable task) {
                    time.execute(() -> {
                        if (alive) {
                            task.run();
                        }
                    });
                }

                @Override
                public void decided(View view, QuorumKeeper.Quorum previous, QuorumKeeper.Quorum now, String text) {
                    if (now != QuorumKeeper.Quorum.QUORATE) {
                        record(id + " " + text);
                    }
                    participant.quorumDecided(view, previous, now, text);
                }

                @Override
                public void recorded(View view, String detail) {
                    // no device
                }

                @Override
                public void schedule(Runnable task, Duration delay) {
                    SimNode.this.schedule(task, delay);
                }
            });
            AgentRegistry agents = AgentRegistry.builder()
                    .register("test", spec -> new ScriptedAgent())
                    .build();
            this.resources = new LocalResources(
                    id,
                    config,
                    time.clock(),
                    agents,
                    new VirtualExecutor(this),
                    time,
                    new LocalResources.Listener() {
                        @Override
                        public void stateChanged() {
                            if (alive) {
                                participant.sendReport();
                            }
                        }

                        @Override
                        public void event(EventData data, String subject, String detail) {
                            Type type = data.type();
                            if (alive
                                    && (type == Type.ACTION_FAILED
                                            || type == Type.MONITOR_FAILED
                                            || type == Type.ACTION_SUCCEEDED)) {
                                record(id + " " + detail);
                            }
                        }
                    },
                    false);
            this.coordinator =
                    new Coordinator(id, held, new DefaultPlanner(), time.clock(), LEASE_TIME, new Coordinator.Port() {
                        @Override
                        public void send(NodeId node, Message message) {
                            SimNode.this.send(node, message);
                        }

                        @Override
                        public void event(EventData data, String subject, String detail) {
                            Type type = data.type();
                            if (!alive) {
                                return;
                            }
                            if (type == Type.CONVERGED) {
                                record(id + " converged");
                            } else if (type == Type.PLAN_COMPUTED || type == Type.NODE_FENCED) {
                                record(id + " " + type.name().toLowerCase(java.util.Locale.ROOT) + " " + subject + ":\n"
                                        + detail.indent(12).stripTrailing());
                            }
                        }

                        @Override
                        public void schedule(Runnable task, Duration delay) {
                            SimNode.this.schedule(task, delay);
                        }

                        @Override
                        public Optional<CompletableFuture<FenceResult>> fence(NodeId node) {
                            if (!fenceDevice) {
                                return Optional.empty();
                            }
                            CompletableFuture<FenceResult> done = new CompletableFuture<>();
                            time.at(Duration.ofMillis(50).toNanos(), () -> {
                                record("fence device powers off " + node);
                                crash(node);
                                done.complete(FenceResult.confirmed("simulated power-off of " + node));
                            });
                            return Optional.of(done);
                        }

                        @Override
                        public boolean canFence() {
                            return fenceDevice;
                        }

                        @Override
                        public void dropClaimedEpochs() {
                            record(id + " drops the epochs taken ahead");
                        }

                        @Override
                        public CompletableFuture<List<Action>> stampEpochs(List<Action> actions) {
                            List<Action> stamped = new ArrayList<>();
                            actions.forEach(a -> stamped.add(a.type() == ActionType.START ? a.withEpoch(++epochs) : a));
                            CompletableFuture<List<Action>> done = new CompletableFuture<>();
                            time.execute(() -> done.complete(stamped));
                            return done;
                        }

                        @Override
                        public long nanoTime() {
                            return time.nanoTime();
                        }

                        @Override
                        public boolean leaseHeld() {
                            return participant.leaseHeld();
                        }
                    });
            this.participant = new Participant(id, held, resources, coordinator, LEASE_TIME, new Participant.Port() {
                @Override
                public void send(NodeId to, Message message) {
                    SimNode.this.send(to, message);
                }

                @Override
                public void event(EventData data, String subject, String detail) {
                    Type type = data.type();
                    if (alive && (type == Type.ACTION_REFUSED || type == Type.QUORUM_LOST)) {
                        record(id + " " + detail);
                    }
                }

                @Override
                public QuorumKeeper.Quorum quorum() {
                    return quorum.state();
                }

                @Override
                public String quorumText() {
                    return quorum.text();
                }

                @Override
                public boolean fresh() {
                    return !time.now().isBefore(stalledUntil);
                }

                @Override
                public Duration stalledFor() {
                    return fresh() ? Duration.ZERO : PAUSE_BOUND.plus(Duration.between(time.now(), stalledUntil));
                }

                @Override
                public void leaveGranted() {
                    // the harness's nodes never leave cleanly
                }

                @Override
                public long nanoTime() {
                    return time.nanoTime();
                }

                @Override
                public void schedule(Runnable task, Duration delay) {
                    SimNode.this.schedule(task, delay);
                }

                @Override
                public boolean sustains(Set<NodeId> members) {
                    return quorum.sustains(members);
                }
            });
        }

        void send(NodeId to, Message message) {
            View sending = participant.view();
            byte[] frame = codec.encode(frames.stamp(to, sending == null ? new ViewId(id, 0) : sending.id(), message));
            time.at(HOP.toNanos(), () -> {
                SimNode target = live.get(to);
                if (alive && target != null) {
                    try {
                        MessageCodec.Frame received = codec.decode(frame);
                        // As a real node, which hands its own messages over without the network.
                        Optional<FrameFilter.Refusal> refused =
                                to.equals(id) ? Optional.empty() : target.frames.check(id, received);
                        if (refused.isPresent()) {
                            record(to + " refuses a frame from " + id + ": " + refused.get());
                            return;
                        }
                        Message decoded = received.message();
                        if (decoded instanceof Messages.Execute x
                                && (target.participant.view() == null
                                        || x.plan().view().sequence()
                                                > target.participant.view().id().sequence())) {
                            target.deferrals++;
                            record(to + " defers " + x.plan() + ": its view is not installed yet");
                        }
                        target.participant.handle(id, decoded);
                    } catch (MalformedMessageException e) {
                        throw new IllegalStateException("the codec rejected its own frame", e);
                    }
                }
            });
        }

        /** Runs {@code task} after {@code delay} of virtual time, unless this incarnation is dead by then. */
        void schedule(Runnable task, Duration delay) {
            time.at(delay.toNanos(), () -> {
                if (alive) {
                    task.run();
                }
            });
        }

        /** A view is installed, and the quorum keeper decides its quorum, as on a real node. */
        void viewChanged(View newView) {
            View current = participant.view();
            if (current != null && newView.id().sequence() <= current.id().sequence()) {
                return; // a membership never installs an older view after a newer one
            }
            frames.viewInstalled(newView);
            participant.viewInstalled(newView);
            quorum.evaluate(newView);
            participant.retryDeferred();
        }
    }

    // ---- scripted agents and a virtual-time executor -------------------------------------------

    /** An agent that acts on the world model; the executor gives it its node in the context. */
    private final class ScriptedAgent implements ResourceAgent, ForceStoppable {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("test", "scripted agent of the simulated cluster", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext c) {
            String key = c.node() + "/" + c.resource();
            Integer failing = failingStarts.get(key);
            if (failing != null && failing > 0) {
                failingStarts.put(key, failing - 1);
                return AgentOutcome.failed("scripted start failure");
            }
            running.get(c.node()).add(c.resource());
            checkExclusive(c.resource());
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext c) {
            running.get(c.node()).remove(c.resource());
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext c) {
            return running.get(c.node()).contains(c.resource())
                    ? AgentOutcome.success()
                    : AgentOutcome.notRunning("not running");
        }

        @Override
        public AgentOutcome forceStop(AgentContext c) {
            return stop(c);
        }
    }

    /**
     * Calls agents in virtual time: an operation takes 2-6 ms, a hanging stop longer than its timeout;
     * the agent acts when the operation ends. Calls of a dead incarnation never complete.
     */
    private final class VirtualExecutor implements AgentExecutor {
        private final SimNode owner;

        VirtualExecutor(SimNode owner) {
            this.owner = owner;
        }

        @Override
        public CompletableFuture<OperationResult> call(ResourceAgent agent, io.hastack.core.exec.Call call) {
            return run(agent, call, false);
        }

        @Override
        public CompletableFuture<OperationResult> forceStop(
                ResourceAgent agent, ResourceSpec spec, NodeId node, long epoch) {
            return run(agent, io.hastack.core.exec.Call.of(spec, node, Operation.STOP, epoch), true);
        }

        private CompletableFuture<OperationResult> run(
                ResourceAgent agent, io.hastack.core.exec.Call call, boolean force) {
            ResourceSpec spec = call.spec();
            NodeId node = call.node();
            Operation op = call.operation();
            long epoch = call.epoch();
            CompletableFuture<OperationResult> result = new CompletableFuture<>();
            Duration timeout = spec.timeout(op, agent.metadata().timeouts());
            boolean hangs = !force && op == Operation.STOP && hangingStops.contains(node + "/" + spec.id());
            Duration takes = hangs ? timeout.plusSeconds(1) : Duration.ofMillis(2 + random.nextInt(5));
            AgentContext ctx = new AgentContext(
                    node, spec.id(), op, spec.parameters(), timeout, 0, epoch, call.interval(), call.cloneInstance());
            if (takes.compareTo(timeout) > 0) {
                time.at(timeout.toNanos(), () -> {
                    if (owner.alive) {
                        result.complete(new OperationResult(
                                spec.id(),
                                op,
                                Completion.TIMED_OUT,
                                AgentOutcome.failed("timed out after " + timeout.toMillis() + " ms"),
                                timeout));
                    }
                });
                return result;
            }
            time.at(takes.toNanos(), () -> {
                if (!owner.alive) {
                    return;
                }
                AgentOutcome outcome = switch (op) {
                    case START -> agent.start(ctx);
                    case STOP -> force ? ((ForceStoppable) agent).forceStop(ctx) : agent.stop(ctx);
                    case MONITOR -> agent.monitor(ctx);
                    case VALIDATE -> agent.validate(ctx);
                };
                result.complete(new OperationResult(spec.id(), op, Completion.ANSWERED, outcome, takes));
            });
            return result;
        }

        @Override
        public void close() {}
    }
}
