package io.hastack.core.runtime;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import io.hastack.core.agent.AgentRegistry;
import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.fence.FenceDevice;
import io.hastack.core.fence.FenceResult;
import io.hastack.core.membership.Membership;
import io.hastack.core.membership.MembershipListener;
import io.hastack.core.membership.View;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.plan.Action;
import io.hastack.core.plan.ClusterSnapshot;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.plan.NodeInfo;
import io.hastack.core.plan.Planner;
import io.hastack.core.plan.SnapshotText;
import io.hastack.core.quorum.QuorumDevice;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.simulate.SimEvent;
import io.hastack.core.simulate.Simulator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of an HA Stack cluster: joins the membership, runs the resources the coordinator
 * assigns to it, and coordinates the cluster while it is the first member of the view.
 *
 * <p>Lifecycle: {@link #start()} validates every resource, probes which ones already run here,
 * then joins; {@link #close()} hands this node's resources over to the others and leaves. A node
 * is started and closed once.
 *
 * <p>Threading: all state lives on one event thread per node; public methods are thread-safe and
 * hand their work to it. Agent calls run on the {@link AgentExecutor}'s threads, so a hung agent
 * never blocks the node.
 *
 * <p>Safety: every action carries the view it was planned in and the node refuses it in any other
 * view; only a quorate partition (with the quorum device breaking ties) plans and starts; each
 * start carries a fencing epoch from the quorum device; a failed stop is escalated to a forced
 * stop and then to the fence device; a node that detects a pause stops its resources first, and
 * one that loses quorum follows the {@code no-quorum-policy}. What is and is not guaranteed is in
 * {@code docs/safety.md}.
 */
public final class HaNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaNode.class);

    /**
     * Where a node is in its life, as Guava's {@code Service.State}: {@code NEW} until
     * {@link #start()}; {@code STARTING} while it validates, probes and joins; {@code RUNNING};
     * {@code STOPPING} while {@link #close()} hands over; {@code TERMINATED} once it has left (or was
     * halted); {@code FAILED} if the start failed ({@link #failureCause()} says why). A node goes
     * through these once, in this order; it is never restarted.
     */
    public enum State {
        NEW,
        STARTING,
        RUNNING,
        STOPPING,
        TERMINATED,
        FAILED
    }

    /**
     * An immutable picture of the node after a turn of its event loop.
     *
     * @param status the cluster status as this node sees it
     * @param local this node's own resources
     * @param snapshot what the coordinator plans from, if this node coordinates and every member
     *     has answered its probe
     */
    private record Published(ClusterStatus status, NodeInfo local, Optional<ClusterSnapshot> snapshot) {}

    private final ClusterConfig config;
    private final Membership membership;
    private final AgentExecutor executor;
    private final Clock clock;
    private final Duration shutdownTimeout;
    private final NodeId self;
    private final MessageCodec codec;
    private final EventLoop loop;
    private final EventDispatcher events = new EventDispatcher();
    private final QuorumKeeper quorum;
    private final FenceRunner fencing;
    private final PauseDetector pauseDetector;
    private final LocalResources resources;
    private final Coordinator coordinator;
    private final CompletableFuture<Void> leaveGranted = new CompletableFuture<>();
    private final Planner planner;

    /** The node-side protocol; confined to the event thread. */
    private final Participant participant;

    private final Admin admin;

    private volatile State lifecycle = State.NEW;
    private volatile Throwable failure;
    /** Completes when the node runs; fails if it fails or terminates first. */
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    /** Completes when the node is terminated or failed. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /**
     * What queries read: published by the event thread after every task it runs, so that any
     * thread (a listener on the event thread included) reads it at once, never waiting for that
     * thread.
     */
    private volatile Published published;
    /** Set once the node has handed over (or given up) and is leaving: later views are ignored. */
    private volatile boolean departing;

    private HaNode(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.membership = Objects.requireNonNull(b.membership, "membership");
        this.self = membership.localNode();
        this.executor = b.executor != null ? b.executor : new ThreadedAgentExecutor(self.value());
        this.clock = b.clock;
        this.shutdownTimeout = b.settings.shutdownTimeout();
        this.codec = new MessageCodec(b.settings.secret().orElse(null));
        this.planner = b.planner;
        this.loop = new EventLoop(self.value(), () -> departing);
        this.fencing = new FenceRunner(
                self.value(), Optional.ofNullable(b.fenceDevice), b.settings.fenceTimeout(), loop::post);
        Duration bound = b.settings
                .pauseBound()
                .orElseGet(() -> membership.pauseTolerance().orElse(Duration.ofSeconds(3)));
        this.pauseDetector = new PauseDetector(
                self.value(), bound, Duration.ofMillis(100), b.ticker::read, gap -> loop.post(() -> onPause(gap)));
        this.quorum = new QuorumKeeper(self, config, Optional.ofNullable(b.device), new QuorumKeeper.Host() {
            @Override
            public void post(Runnable task) {
                loop.post(task);
            }

            @Override
            public void decided(View view, Quorum previous, Quorum now, String text) {
                participant.quorumDecided(view, previous, now, text);
            }

            @Override
            public void recorded(View view, String detail) {
                emit(new EventData.QuorumRecorded(view.id(), detail), view.id().toString(), detail);
            }
        });
        this.resources = createResources(b);
        this.coordinator = new Coordinator(self, config, b.planner, clock, new Coordinator.Port() {
            @Override
            public void send(NodeId node, Message message) {
                sendTo(node, message);
            }

            @Override
            public void event(EventData data, String subject, String detail) {
                emit(data, subject, detail);
            }

            @Override
            public Optional<CompletableFuture<FenceResult>> fence(NodeId node) {
                return fencing.fence(node);
            }

            @Override
            public boolean canFence() {
                return fencing.available();
            }

            @Override
            public CompletableFuture<List<Action>> stampEpochs(List<Action> actions) {
                return quorum.stampEpochs(actions);
            }

            @Override
            public void schedule(Runnable task, Duration delay) {
                loop.schedule(task, delay);
            }
        });
        this.participant = new Participant(self, config, resources, coordinator, new Participant.Port() {
            @Override
            public void send(NodeId to, Message message) {
                sendTo(to, message);
            }

            @Override
            public void event(EventData data, String subject, String detail) {
                emit(data, subject, detail);
            }

            @Override
            public Quorum quorum() {
                return quorum.state();
            }

            @Override
            public String quorumText() {
                return quorum.text();
            }

            @Override
            public boolean fresh() {
                return pauseDetector.fresh();
            }

            @Override
            public Duration stalledFor() {
                return pauseDetector.stalledFor();
            }

            @Override
            public void leaveGranted() {
                leaveGranted.complete(null);
            }
        });
        this.admin = new Admin(self, config, clock, new Admin.Node() {
            @Override
            public <T> CompletableFuture<T> onEventThread(Supplier<T> work) {
                return loop.submit(work);
            }

            @Override
            public Participant participant() {
                return participant;
            }
        });
        loop.afterEachTask(this::publish);
        publish();
    }

    /** Publishes what queries read; on the event thread (or the constructor, before it runs). */
    private void publish() {
        boolean coordinates = coordinator.active();
        NodeInfo local = participant.ownInfo();
        List<NodeInfo> nodes = coordinates ? coordinator.nodes() : List.of(local);
        published = new Published(
                new ClusterStatus(
                        self,
                        Optional.ofNullable(participant.view()),
                        coordinates,
                        config,
                        quorum.text(),
                        nodes,
                        coordinates ? coordinator.notes() : List.of()),
                local,
                coordinator.currentSnapshot());
    }

    private LocalResources createResources(Builder b) {
        try {
            return new LocalResources(
                    self, config, clock, b.agents, executor, loop.executor(), new LocalResources.Listener() {
                        @Override
                        public void stateChanged() {
                            participant.sendReport();
                            publish(); // agent results reach the event thread without post()
                        }

                        @Override
                        public void event(EventData data, String subject, String detail) {
                            emit(data, subject, detail);
                        }
                    });
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** This node's identifier. */
    public NodeId id() {
        return self;
    }

    /** The configuration this node runs with. */
    public ClusterConfig config() {
        return config;
    }

    /**
     * Adds {@code listener}, called on {@code executor} for every later event, in order.
     * {@link MoreExecutors#directExecutor()} runs it on the node's event thread: keep it short. A
     * listener may call {@link #status()} and {@link #localState()} from any executor: they read a
     * published snapshot and never wait for the event thread (which then shows the state before the
     * event's turn ended).
     */
    public void addListener(HaEventListener listener, Executor executor) {
        events.add(listener, executor);
    }

    /**
     * Validates every resource, probes which ones already run on this node, and joins the cluster.
     *
     * @throws IllegalStateException if the node was started before
     * @throws HaConfigurationException if a resource's agent rejects its parameters; nothing was
     *     started and the node did not join
     * @throws io.hastack.core.membership.MembershipException if the cluster cannot be joined
     * @throws RuntimeException whatever failed the start: the node is then {@link State#FAILED}, its
     *     threads stopped, and {@link #failureCause()} holds the exception
     */
    public void start() {
        synchronized (this) {
            if (lifecycle != State.NEW) {
                throw new IllegalStateException("node " + self + " is " + lifecycle + "; it can be started once");
            }
            lifecycle = State.STARTING;
        }
        try {
            List<String> invalid = loop.await(resources::validateAll, "validate");
            if (!invalid.isEmpty()) {
                throw new HaConfigurationException("node " + self + " cannot start: " + String.join("; ", invalid));
            }
            loop.await(resources::probeAll, "probe");
            synchronized (this) {
                if (lifecycle != State.STARTING) {
                    throw new IllegalStateException("node " + self + " was halted while starting");
                }
            }
            pauseDetector.start();
            joinMembership();
        } catch (RuntimeException e) {
            shutdownThreads();
            fail(e);
            throw e;
        }
        synchronized (this) {
            if (lifecycle == State.STARTING) {
                lifecycle = State.RUNNING;
            }
        }
        running.complete(null);
        emit(new EventData.Joined(config.hash()), self.value(), "joined with configuration " + config.hash());
    }

    private synchronized void fail(Throwable cause) {
        failure = cause;
        lifecycle = State.FAILED;
        running.completeExceptionally(new IllegalStateException("node " + self + " failed to start", cause));
        terminated.complete(null);
    }

    private synchronized void terminate() {
        if (lifecycle != State.FAILED) {
            lifecycle = State.TERMINATED;
        }
        running.completeExceptionally(new IllegalStateException("node " + self + " terminated before it ran"));
        terminated.complete(null);
    }

    /** Where the node is in its life. */
    public State state() {
        return lifecycle;
    }

    /** Why the start failed, if the node is {@link State#FAILED}. */
    public Optional<Throwable> failureCause() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until the node runs.
     *
     * @throws IllegalStateException if it failed or terminated first (the cause says why)
     * @throws TimeoutException if it does not run within {@code timeout}
     */
    public void awaitRunning(Duration timeout) throws TimeoutException {
        awaitFuture(running, timeout);
    }

    /**
     * Waits until the node has terminated (left, halted or failed).
     *
     * @throws TimeoutException if it has not within {@code timeout}
     */
    public void awaitTerminated(Duration timeout) throws TimeoutException {
        awaitFuture(terminated, timeout);
    }

    private void awaitFuture(CompletableFuture<Void> future, Duration timeout) throws TimeoutException {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + self, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getCause());
        }
    }

    private void joinMembership() {
        membership.start(new MembershipListener() {
            @Override
            public void viewChanged(View v) {
                loop.post(() -> onView(v));
            }

            @Override
            public void messageReceived(NodeId from, byte[] payload) {
                loop.post(() -> onMessage(from, payload));
            }

            @Override
            public void memberSuspected(NodeId node) {
                loop.post(() ->
                        emit(new EventData.MemberSuspected(node), node.value(), "failure detector suspects " + node));
            }
        });
    }

    /**
     * Hands this node's resources over to the other members and leaves: the coordinator moves them
     * away (starting them elsewhere where possible) and then lets this node go. If that does not
     * finish within the shutdown timeout, the node stops its own resources and leaves anyway.
     * Idempotent; blocks until the node has left.
     */
    @Override
    public void close() {
        State now;
        synchronized (this) {
            now = lifecycle;
            if (now == State.NEW) {
                shutdownThreads();
                terminate();
                return;
            }
            if (now == State.RUNNING) {
                lifecycle = State.STOPPING;
            }
        }
        if (now == State.STARTING) {
            // As Guava's Service: a stop asked for while starting happens once the start is over.
            running.handle((v, e) -> null).join();
            close();
            return;
        }
        if (now != State.RUNNING) {
            terminated.join(); // STOPPING by another caller, or already TERMINATED / FAILED
            return;
        }
        loop.post(participant::leave);
        try {
            leaveGranted.get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "{}: hand-over did not finish within {} ms; stopping local resources before leaving",
                    self,
                    shutdownTimeout.toMillis());
            loop.await(() -> resources.stopAll("node " + self + " leaves without a hand-over"), "stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        // From here on the node must not act on views: leaving can deliver a last view of this node
        // alone, and claiming the tie for it would take quorum from the nodes that remain.
        departing = true;
        membership.close();
        emit(new EventData.Left(), self.value(), "left the cluster");
        shutdownThreads();
        terminate();
    }

    /**
     * Stops this node at once, as a process crash would: no hand-over, no stop of any resource, no
     * further agent call, and no reaction to later views. It does not close the membership: to
     * emulate a crash in one JVM, halt the node first, then close its channel abruptly (halting
     * second would let the dying node act on its last view, e.g. claim a tie).
     */
    public void halt() {
        departing = true;
        shutdownThreads();
        terminate();
    }

    /**
     * The cluster status as this node sees it (all members on the coordinator), as of the event
     * thread's latest turn. Never blocks: any thread may call it, a listener on the event thread
     * included.
     */
    public ClusterStatus status() {
        return published.status();
    }

    /**
     * The live cluster state in the snapshot text format ({@link io.hastack.core.plan.SnapshotText}),
     * to save and simulate later ({@code Simulate --snapshot FILE}).
     *
     * @throws IllegalStateException as {@link #whatIf}
     */
    public String snapshotText() {
        ClusterSnapshot now = published
                .snapshot()
                .orElseThrow(() -> new IllegalStateException("node " + self
                        + " cannot write the cluster's snapshot: only the coordinator knows every member's"
                        + " state, once all have answered its probe"));
        return SnapshotText.format(now, clock.instant());
    }

    /**
     * What would happen if {@code events} occurred now: runs the {@link Simulator} on the live
     * cluster state with this node's planner. Changes nothing.
     *
     * @throws IllegalStateException if this node does not coordinate (only the coordinator knows
     *     every member's state) or has not heard from every member yet
     */
    public Simulator.Simulation whatIf(List<SimEvent> events) {
        Published p = published;
        ClusterSnapshot now = p.snapshot()
                .orElseThrow(() -> new IllegalStateException("node " + self + " cannot simulate: only the coordinator"
                        + p.status()
                                .view()
                                .map(v -> " (" + v.coordinator() + ")")
                                .orElse("")
                        + " knows every member's state, once all have answered its probe"));
        return new Simulator(planner).run(now, events, clock.instant());
    }

    /** The operator's commands to this node and, through it, to the cluster. */
    public Admin admin() {
        return admin;
    }

    /** The states of this node's resources, as a {@link NodeInfo}, as of the event thread's latest turn; never blocks. */
    public NodeInfo localState() {
        return published.local();
    }

    // ---- event thread -------------------------------------------------------------------------

    private void onView(View v) {
        if (departing) {
            LOG.debug("{} is leaving; ignoring {}", self, v);
            return;
        }
        View previous = participant.view();
        participant.viewInstalled(v);
        List<NodeId> left = previous == null
                ? List.of()
                : previous.members().stream().filter(m -> !v.contains(m)).toList();
        List<NodeId> joined = previous == null
                ? List.of()
                : v.members().stream().filter(m -> !previous.contains(m)).toList();
        emit(
                new EventData.ViewInstalled(v.id(), v.members(), left, joined),
                v.id().toString(),
                describeChange(v, left, joined));
        quorum.evaluate(v);
        participant.retryDeferred();
    }

    private void onPause(long gapNanos) {
        participant.paused(Duration.ofNanos(gapNanos), pauseDetector.bound());
    }

    private static String describeChange(View v, List<NodeId> left, List<NodeId> joined) {
        StringBuilder sb = new StringBuilder(v.toString());
        if (!left.isEmpty()) {
            sb.append("; left: ").append(left);
        }
        if (!joined.isEmpty()) {
            sb.append("; joined: ").append(joined);
        }
        return sb.toString();
    }

    private void onMessage(NodeId from, byte[] payload) {
        Message message;
        try {
            message = codec.decode(payload);
        } catch (MalformedMessageException e) {
            LOG.warn(
                    "{} dropped a malformed message from {} ({} bytes): {}",
                    self,
                    from,
                    payload == null ? 0 : payload.length,
                    e.getMessage());
            return;
        }
        participant.handle(from, message);
    }

    private void sendTo(NodeId node, Message message) {
        if (node.equals(self)) {
            loop.post(() -> participant.handle(self, message));
        } else {
            membership.send(node, codec.encode(message));
        }
    }

    private void emit(EventData data, String subject, String detail) {
        if (loop.inLoop()) {
            publish(); // a listener that asks for the status on hearing of an event sees what it tells
        }
        events.dispatch(new HaEvent(clock.instant(), self, data, subject, detail));
    }

    private void shutdownThreads() {
        pauseDetector.stop();
        loop.shutdown();
        quorum.shutdown();
        fencing.shutdown();
        executor.close();
    }

    /** Builds an {@link HaNode}. Not thread-safe. */
    public static final class Builder {
        private ClusterConfig config;
        private Membership membership;
        private AgentRegistry agents;
        private Planner planner = new DefaultPlanner();
        private AgentExecutor executor;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.systemTicker();
        private NodeSettings settings = NodeSettings.defaults();
        private QuorumDevice device;
        private FenceDevice fenceDevice;

        private Builder() {}

        /**
         * The fence device of stop escalation: when a member's stop fails and cannot be forced, the
         * coordinator fences it, and once fencing is confirmed its groups start elsewhere. Without
         * one, such a group stays blocked.
         */
        public Builder fenceDevice(FenceDevice fenceDevice) {
            this.fenceDevice = fenceDevice;
            return this;
        }

        /** Timeouts, the pause bound and the cluster secret; {@link NodeSettings#defaults()} by default. */
        public Builder settings(NodeSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * The monotonic clock of the pause detector, as Guava's caches take one; the system's by
         * default. The in-process test kit gives each node its own to emulate a stall of the process.
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The quorum device that breaks ties between halves and hands out fencing epochs. Without
         * one, a partition with exactly half the votes (either node of a two-node cluster, alone)
         * has no quorum, and starts carry epoch 0. The node does not close it.
         */
        public Builder quorumDevice(QuorumDevice quorumDevice) {
            this.device = quorumDevice;
            return this;
        }

        /** The resource configuration; every node of the cluster must have the same. Required. */
        public Builder config(ClusterConfig config) {
            this.config = config;
            return this;
        }

        /** The membership this node joins; it also names the node. Required. */
        public Builder membership(Membership membership) {
            this.membership = membership;
            return this;
        }

        /** The agent types the configuration may use. Required. */
        public Builder agents(AgentRegistry agents) {
            this.agents = agents;
            return this;
        }

        /** The planner; {@link DefaultPlanner} by default. Every node should use the same. */
        public Builder planner(Planner planner) {
            this.planner = Objects.requireNonNull(planner, "planner");
            return this;
        }

        /** The agent executor; a {@link ThreadedAgentExecutor} by default. The node closes it. */
        public Builder agentExecutor(AgentExecutor executor) {
            this.executor = executor;
            return this;
        }

        /** The clock for event times and planning; the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the node; nothing runs until {@link HaNode#start()}.
         *
         * @throws IllegalArgumentException if a required field is missing or a resource names an
         *     unknown agent type
         */
        public HaNode build() {
            if (config == null || membership == null || agents == null) {
                throw new IllegalArgumentException("an HaNode needs a config, a membership and agents; missing: "
                        + (config == null ? "config " : "") + (membership == null ? "membership " : "")
                        + (agents == null ? "agents" : ""));
            }
            if (!config.nodes().contains(membership.localNode())) {
                throw new IllegalArgumentException("node " + membership.localNode() + " is not in the configured"
                        + " node list " + config.nodes() + ": every node needs a vote (ClusterConfig.Builder.nodes)");
            }
            if (fenceDevice == null) {
                for (ResourceGroup g : config.groups()) {
                    for (ResourceSpec r : g.resources()) {
                        for (Operation op : List.of(Operation.START, Operation.MONITOR)) {
                            if (r.onFail(op).orElse(null) == OnFail.FENCE) {
                                throw new IllegalArgumentException("resource " + r.id() + ": on-fail of "
                                        + op.externalName() + " is fence, but the node has no fence device"
                                        + " (HaNode.Builder.fenceDevice)");
                            }
                        }
                    }
                }
            }
            return new HaNode(this);
        }
    }
}
