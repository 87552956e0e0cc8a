package io.hastack.core.runtime;

import com.google.common.base.Ticker;
import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.plan.SnapshotText;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.security.Refusals;
import io.hastack.core.simulate.SimEvent;
import io.hastack.core.simulate.Simulator;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.UnknownParameter;
import io.hastack.core.spi.check.ServiceCheck;
import io.hastack.core.spi.config.ConfigStore;
import io.hastack.core.spi.fence.FenceDevice;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.Planner;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.watchdog.NodeWatchdog;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one running node, wired together: the event loop, the node-side protocol
 * ({@link Participant}), the coordinator, the local resources, quorum, fencing, the transport
 * (codec and membership), event delivery and the published picture that queries read. {@link
 * HaNode} owns the lifecycle and the public API and delegates everything else here. Queries and
 * {@link #addListener} are thread-safe; the rest is called by {@link HaNode}'s lifecycle methods or
 * confined to the event loop.
 */
final class NodeRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    /**
     * An immutable picture of the node after a turn of its event loop.
     *
     * @param status the cluster status as this node sees it
     * @param local this node's own resources
     * @param snapshot what the coordinator plans from, if this node coordinates and every member
     *     has answered its probe
     */
    private record Published(ClusterStatus status, NodeInfo local, Optional<ClusterSnapshot> snapshot) {}

    private final LiveConfig live;
    private final Membership membership;
    private final AgentExecutor executor;
    private final Clock clock;
    private final Duration shutdownTimeout;
    /** The membership lease time (the pause bound), which the coordinator's takeover waits on. */
    private final Duration leaseTime;
    /** What {@link #validate()} warned about; written once by the starting thread. */
    private volatile List<UnknownParameter> parameterWarnings = List.of();

    private final NodeId self;
    private final MessageCodec codec;
    private final FrameFilter frames;
    private final Refusals refusals;
    /** The view this node's frames are stamped with; written by the event thread. */
    private volatile ViewId sendingView;

    private final EventLoop loop;
    private final EventDispatcher<HaEvent> events = new EventDispatcher<>();
    private final EventDispatcher<MonitorResult> monitors = new EventDispatcher<>();
    /** The cluster messages sent and received, by kind. */
    private final MessageTraffic traffic = new MessageTraffic();

    private final QuorumKeeper quorum;
    private final ExecutorService quorumCalls;
    private final FenceRunner fencing;
    private final PauseDetector pauseDetector;
    private final LocalResources resources;
    private final Coordinator coordinator;
    private final CompletableFuture<Void> leaveGranted = new CompletableFuture<>();
    private final Planner planner;
    /** The node-side protocol; confined to the event thread. */
    private final Participant participant;

    private final Admin admin;
    /**
     * What queries read: published by the event thread after every task it runs, so that any
     * thread (a listener on the event thread included) reads it at once, never waiting for that
     * thread.
     */
    private volatile Published published;

    /**
     * The cluster picture (every member's resources) as published before the current view was
     * installed: what ran on the members that left it. On the event thread.
     */
    private List<NodeInfo> pictureBeforeView = List.of();
    /** The picture this node last shared as coordinator; event thread only. */
    private Messages.StatusShare lastShared;
    /** When (ticker nanos) it was shared; event thread only. */
    private long lastShareAt;
    /** When (ticker nanos) the current view was installed; event thread only. */
    private long viewAt;
    /** True while a later share is scheduled; event thread only. */
    private boolean shareScheduled;
    /** True while the scheduled share runs: it sends whatever the ticker says. Event thread only. */
    private boolean shareDue;

    /** The coordinator shares its picture with the members at most this often. */
    static final Duration SHARE_INTERVAL = Duration.ofMillis(200);
    /** Set once the node has handed over (or given up) or was halted: later views are ignored. */
    private volatile boolean departing;
    /** Until when (monotonic nanos) the lease holds, as the event thread last saw; {@link Long#MIN_VALUE}: not held. */
    private volatile long leaseUntil = Long.MIN_VALUE;

    private final Ticker ticker;
    private final Optional<NodeWatchdog> watchdog;
    private final ServiceChecks serviceChecks;

    /**
     * Wires the parts of node {@code membership.localNode()}; nothing runs until {@link #validate()}.
     *
     * @throws IllegalArgumentException if a resource names an unknown agent type
     */
    NodeRuntime(
            VersionedConfig initial,
            ConfigStore store,
            Membership membership,
            AgentRegistry agents,
            Planner planner,
            AgentExecutor executor,
            Clock clock,
            Ticker ticker,
            NodeSettings settings,
            QuorumDevice device,
            FenceDevice fenceDevice,
            Map<GroupId, ServiceCheck> checks) {
        this.live = new LiveConfig(initial);
        this.membership = membership;
        this.self = membership.localNode();
        this.executor = executor != null ? executor : new ThreadedAgentExecutor(self.value(), this::leaseHeldNow);
        this.clock = clock;
        this.ticker = ticker;
        this.shutdownTimeout = settings.shutdownTimeout();
        this.codec = new MessageCodec(settings.clusterKey().orElse(null));
        this.frames = new FrameFilter(self);
        this.refusals = new Refusals(self.toString(), LOG, 10_000);
        if (settings.clusterKey().isEmpty()) {
            LOG.error(
                    "{} runs WITHOUT a cluster key (NodeSettings.insecure()): its cluster messages are not"
                            + " authenticated, and anyone who reaches the cluster's ports can forge them",
                    self);
        }
        this.planner = planner;
        this.loop = new EventLoop(self.value(), () -> departing);
        this.serviceChecks = new ServiceChecks(
                self.value(),
                checks,
                (group, check, target, after) -> loop.post(() -> serviceAnswered(group, check, target, after)));
        this.fencing =
                new FenceRunner(self.value(), Optional.ofNullable(fenceDevice), settings.fenceTimeout(), loop::post);
        Duration bound = settings.pauseBound()
                .orElseGet(() -> membership.pauseTolerance().orElse(Duration.ofSeconds(3)));
        this.leaseTime = bound;
        // A tie claim stands on its members' answers in the view for the lease time, or for as long
        // as the membership says no member can remove this node (and move on to another view) if
        // that is shorter (docs/design/quorum-device.md).
        long claimWindowShorter = membership
                .quickestRemoval()
                .or(membership::pauseTolerance)
                .filter(t -> t.compareTo(bound) < 0)
                .map(t -> bound.minus(t).toNanos())
                .orElse(0L);
        this.watchdog = settings.watchdog()
                ? Optional.of(
                        NodeWatchdog.start(self.value(), Takeover.margin(bound).dividedBy(2)))
                : Optional.empty();
        this.pauseDetector = new PauseDetector(
                self.value(), bound, PauseDetector.tickFor(bound), ticker::read, gap -> loop.post(() -> onPause(gap)));
        this.quorumCalls = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ha-quorum-device-" + self);
            t.setDaemon(true);
            return t;
        });
        this.quorum = new QuorumKeeper(self, live, Optional.ofNullable(device), quorumCalls, new QuorumKeeper.Host() {
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

            @Override
            public void schedule(Runnable task, Duration delay) {
                loop.schedule(task, delay);
            }

            @Override
            public boolean leaseConfirmedIn(View view) {
                return view.equals(participant.view()) && participant.leaseConfirmed();
            }

            @Override
            public OptionalLong answeredUntil(View view, Set<NodeId> members) {
                OptionalLong until = participant.answeredInView(view, members);
                if (until.isEmpty()) {
                    return until;
                }
                long shortened = until.getAsLong() - claimWindowShorter;
                return shortened - ticker.read() > 0 ? OptionalLong.of(shortened) : OptionalLong.empty();
            }

            @Override
            public long nanoTime() {
                return ticker.read();
            }

            @Override
            public boolean latestAnsweredBy(View view, Set<NodeId> members) {
                return participant.latestAnsweredInView(view, members);
            }

            @Override
            public void askForAnswers(View view, boolean again) {
                participant.askForAnswers(view, again);
            }

            @Override
            public Set<ResourceId> startsExpectedIn(View view) {
                return startsExpected(pictureBeforeView, view);
            }
        });
        this.resources = createResources(agents);
        this.coordinator = new Coordinator(self, live, planner, clock, bound, new Coordinator.Port() {
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
            public void dropClaimedEpochs() {
                quorum.dropClaimedEpochs();
            }

            @Override
            public void schedule(Runnable task, Duration delay) {
                loop.schedule(task, delay);
            }

            @Override
            public long nanoTime() {
                return ticker.read();
            }

            @Override
            public boolean leaseHeld() {
                return participant.leaseHeld();
            }
        });
        this.participant = new Participant(self, live, resources, coordinator, bound, new Participant.Port() {
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

            @Override
            public long nanoTime() {
                return ticker.read();
            }

            @Override
            public void schedule(Runnable task, Duration delay) {
                loop.schedule(task, delay);
            }

            @Override
            public boolean sustains(Set<NodeId> members) {
                return quorum.sustains(members);
            }

            @Override
            public void removeConfirmed(NodeId node) {
                membership.removeConfirmed(node);
            }

            @Override
            public void leaseConfirmed() {
                View v = participant.view();
                if (v != null) {
                    quorum.leaseConfirmed(v);
                }
            }

            @Override
            public void leaseAnswered() {
                View v = participant.view();
                if (v != null) {
                    quorum.membersAnswered(v);
                }
            }

            @Override
            public void leaseUntil(OptionalLong nanoTime) {
                leaseUntil = nanoTime.orElse(Long.MIN_VALUE);
                watchdog.ifPresent(w -> w.leaseUntil(nanoTime, ticker.read()));
            }

            @Override
            public boolean storeConfig(VersionedConfig next) {
                try {
                    store.save(next);
                    return true;
                } catch (RuntimeException e) {
                    LOG.error(
                            "{}: cannot keep configuration {} for the next start ({}); it takes it all the same"
                                    + " (unless it changes the node list), and takes the newest again from the"
                                    + " cluster after a restart",
                            self,
                            next,
                            e.toString());
                    return false;
                }
            }

            @Override
            public boolean keepsConfig() {
                return store.durable();
            }

            @Override
            public void nodesChanged(ClusterConfig previous, ClusterConfig next) {
                membership.admit(next.nodes());
                membership.locate(next.addresses());
                quorum.nodesChanged(previous, next);
            }

            @Override
            public void configDiscarded(VersionedConfig lost, VersionedConfig winner) {
                try {
                    store.discarded(lost, winner);
                } catch (RuntimeException e) {
                    LOG.error("{}: cannot keep a copy of the discarded configuration {}: {}", self, lost, e.toString());
                }
            }
        });
        this.admin = new Admin(self, live, clock, new Admin.Node() {
            @Override
            public <T> CompletableFuture<T> onEventThread(Supplier<T> work) {
                return loop.submit(work);
            }

            @Override
            public Participant participant() {
                return participant;
            }

            @Override
            public void suspect(NodeId node) {
                membership.suspect(node);
            }

            @Override
            public CompletableFuture<List<String>> validate(List<ResourceSpec> specs) {
                CompletableFuture<List<String>> result = new CompletableFuture<>();
                CompletableFuture<Void> asked = loop.submit(() -> {
                    var unused = resources.validate(specs).whenComplete((v, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(v.failures());
                        }
                    });
                    return null;
                });
                var unused = asked.exceptionally(e -> {
                    result.completeExceptionally(e);
                    return null;
                });
                return result;
            }

            @Override
            public boolean canFence() {
                return fencing.available();
            }
        });
        loop.afterEachTask(this::publish);
        publish();
    }

    /** Publishes what queries read; on the event thread (or the constructor, before it runs). */
    private void publish() {
        boolean coordinates = coordinator.active();
        NodeInfo local = participant.ownInfo();
        List<NodeInfo> nodes;
        List<String> notes;
        if (coordinates) {
            nodes = coordinator.nodes();
            notes = coordinator.notes();
            share(nodes, notes);
        } else {
            Optional<Messages.StatusShare> shared = participant.sharedStatus();
            nodes = shared.map(Messages.StatusShare::nodes).orElse(List.of(local));
            notes = shared.map(Messages.StatusShare::notes).orElse(List.of());
        }
        published = new Published(
                new ClusterStatus(
                        self,
                        Optional.ofNullable(participant.view()),
                        coordinates,
                        live.config(),
                        live.get().version(),
                        quorum.text(),
                        participant.leaseText(),
                        refusals.snapshot().plus(membership.refused()),
                        nodes,
                        notes),
                local,
                coordinator.currentSnapshot());
    }

    /**
     * As coordinator: sends every other member the whole-cluster picture when it changed, so that
     * any node answers a status query for the whole cluster: at most once per {@link
     * #SHARE_INTERVAL}, counted from the view's installation or the latest share in it, the last
     * change within an interval at its end. So a new view's first picture goes out one interval
     * after the view (members show only themselves until it arrives), or, if a share from the
     * previous view is still due, at that time. (A failover changes the
     * picture with every member's report: sent each time, the shares were a fifth of the messages
     * the members received during a 9-node failover, and their sends sat on the coordinator's event
     * thread between the view and the plan; a new view's first, sent at once, sat between the view
     * and the members' reports.)
     */
    private void share(List<NodeInfo> nodes, List<String> notes) {
        View view = participant.view();
        if (view == null || !loop.inLoop() || departing) {
            return;
        }
        Messages.StatusShare share =
                new Messages.StatusShare(view.id(), live.get().version(), nodes, notes);
        if (share.equals(lastShared)) {
            return;
        }
        long now = ticker.read();
        boolean sameView = lastShared != null && lastShared.view().equals(share.view());
        // A new view's first picture waits an interval from the view: it would go out between the
        // probes and the members' reports, and the picture changes with each report anyway.
        long since = now - (sameView ? lastShareAt : viewAt);
        if (!shareDue && since >= 0 && since < SHARE_INTERVAL.toNanos()) {
            if (!shareScheduled) {
                shareScheduled = true;
                long sharedAt = lastShareAt;
                loop.schedule(
                        () -> {
                            shareScheduled = false;
                            // a share that went out meanwhile starts the interval again
                            shareDue = lastShareAt == sharedAt;
                            try {
                                publish();
                            } finally {
                                shareDue = false;
                            }
                        },
                        Duration.ofNanos(SHARE_INTERVAL.toNanos() - since));
            }
            return;
        }
        lastShared = share;
        lastShareAt = now;
        for (NodeId member : view.members()) {
            if (!member.equals(self)) {
                sendTo(member, share);
            }
        }
    }

    private LocalResources createResources(AgentRegistry agents) {
        try {
            return new LocalResources(
                    self,
                    live.config(),
                    clock,
                    agents,
                    executor,
                    loop.executor(),
                    new LocalResources.Listener() {
                        @Override
                        public void stateChanged() {
                            participant.sendReport();
                            publish(); // agent results reach the event thread without post()
                        }

                        @Override
                        public void event(EventData data, String subject, String detail) {
                            emit(data, subject, detail);
                        }

                        @Override
                        public void monitored(MonitorResult result) {
                            monitors.dispatch(result);
                        }

                        @Override
                        public long watchdogKills() {
                            return watchdog.map(NodeWatchdog::killsReported).orElse(0L);
                        }

                        @Override
                        public CompletableFuture<Void> watchdogCaughtUp() {
                            return watchdog.map(NodeWatchdog::caughtUp)
                                    .orElseGet(() -> CompletableFuture.completedFuture(null));
                        }
                    },
                    live.get().version() > 0);
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
    }

    /** True if this node holds its membership lease now; any thread (the agents' {@link io.hastack.core.spi.agent.LeaseCheck}). */
    boolean leaseHeldNow() {
        long until = leaseUntil;
        return until == Long.MAX_VALUE || (until != Long.MIN_VALUE && until - ticker.read() > 0);
    }

    /** This node's identifier. */
    NodeId self() {
        return self;
    }

    /** Adds {@code listener} for every later event, on {@code executor}, in order. */
    void addListener(HaEventListener listener, Executor executor) {
        events.add(listener, listener::onEvent, executor);
    }

    /** Adds {@code listener} for every later recurring monitor result, on {@code executor}, in order. */
    void addMonitorListener(MonitorListener listener, Executor executor) {
        monitors.add(listener, listener::monitorCompleted, executor);
    }

    /** The cluster messages sent and received so far; any thread. */
    MessageCounts messageCounts() {
        return traffic.snapshot();
    }

    /**
     * Validates every resource (the agents' {@code validate}, and its parameters against its agent's
     * metadata); keeps the warnings for {@link #parameterWarnings()}.
     *
     * @throws HaConfigurationException naming every resource an agent refuses
     */
    void validate() {
        LocalResources.Validation validation = loop.await(resources::validateAll, "validate");
        parameterWarnings = validation.warnings();
        if (!validation.failures().isEmpty() && live.get().version() > 0) {
            // A version the cluster made (and this node kept): refusing to start would keep the node
            // out of the cluster for good. The resources that cannot run here fail their start.
            LOG.error(
                    "{}: configuration {} has resources that cannot run here; starting all the same: {}",
                    self,
                    live.get(),
                    String.join("; ", validation.failures()));
        } else if (!validation.failures().isEmpty()) {
            throw new HaConfigurationException(
                    "node " + self + " cannot start: " + String.join("; ", validation.failures()));
        }
    }

    /** The parameters that agents do not declare, as {@link #validate()} found; empty before it. */
    List<UnknownParameter> parameterWarnings() {
        return parameterWarnings;
    }

    /** Asks every agent whether its resource already runs here (a probe). */
    void probe() {
        loop.await(resources::probeAll, "probe");
    }

    /** Starts the pause detector and joins the membership. */
    void join() {
        pauseDetector.start();
        joinMembership();
    }

    /** Tells the listeners that the node has joined, and warms the planner and the quorum device's claim. */
    void joined() {
        emit(new EventData.Joined(live.get().hash()), self.value(), "joined with configuration " + live.get());
        warmPlanner();
        quorum.warmUpDevice();
    }

    /** How many plans {@link #warmPlanner} makes. */
    private static final int WARM_PLANS = 20;

    /**
     * Plans a few times, on a thread of its own, for a cluster in which this node is the only one
     * left, and acts on none of it: nothing is sent, stored or started. A node that has not
     * coordinated yet would otherwise make its first plan in a failover, loading and running the
     * planner's code for the first time (measured: ~30 ms for the first plan of a JVM with the
     * benchmark's options, under 1 ms for a warm one; see {@code docs/performance.md}). The planner
     * is pure, so this is safe from any thread. Then, on the same thread, rehearses the
     * coordinator's rounds as often ({@link CoordinatorRehearsal}).
     */
    private void warmPlanner() {
        ClusterConfig config = live.config();
        Thread warm = new Thread(
                () -> {
                    try {
                        ClusterSnapshot alone = new ClusterSnapshot(
                                config,
                                new ViewId(self, 0),
                                List.of(new NodeInfo(
                                        self, io.hastack.core.spi.plan.NodeStatus.ONLINE, Map.of(), Map.of())));
                        for (int i = 0; i < WARM_PLANS; i++) {
                            String unused = planner.plan(alone, clock.instant()).summary();
                        }
                    } catch (RuntimeException e) {
                        LOG.debug("{}: warming the planner failed: {}", self, e.toString());
                    }
                    try {
                        List<Messages.Execute> unused =
                                CoordinatorRehearsal.run(self, live, planner, clock, leaseTime, WARM_PLANS);
                    } catch (RuntimeException e) {
                        LOG.debug("{}: rehearsing the coordinator failed: {}", self, e.toString());
                    }
                },
                "ha-planner-warm-" + self);
        warm.setDaemon(true);
        warm.start();
    }

    private void joinMembership() {
        membership.admit(live.config().nodes());
        membership.locate(live.config().addresses());
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

            @Override
            public void memberCrashed(NodeId node, String evidence) {
                loop.post(() -> crashObserved(node, evidence));
            }
        });
    }

    /**
     * Hands this node's resources over and leaves: the coordinator moves them away, then grants the
     * leave; after the shutdown timeout without a grant the node stops them itself. Blocks.
     */
    void leave() {
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
    }

    /** From now on the node reacts to no view: it was halted, as a crash would. */
    void depart() {
        departing = true;
    }

    /** The latest published cluster status. */
    ClusterStatus status() {
        return published.status();
    }

    /** The latest published state of this node's resources. */
    NodeInfo localState() {
        return published.local();
    }

    /** The configuration version this node holds now. */
    VersionedConfig config() {
        return live.get();
    }

    /** The operator's commands. */
    Admin admin() {
        return admin;
    }

    /**
     * The live cluster state as snapshot text.
     *
     * @throws IllegalStateException if this node does not coordinate or has not heard from every member
     */
    String snapshotText() {
        ClusterSnapshot now = published
                .snapshot()
                .orElseThrow(() -> new IllegalStateException("node " + self
                        + " cannot write the cluster's snapshot: only the coordinator knows every member's"
                        + " state, once all have answered its probe"));
        return SnapshotText.format(now, clock.instant());
    }

    /**
     * What {@code simEvents} would do now, by the simulator on the live state.
     *
     * @throws IllegalStateException as {@link #snapshotText()}
     */
    Simulator.Simulation whatIf(List<SimEvent> simEvents) {
        Published p = published;
        ClusterSnapshot now = p.snapshot()
                .orElseThrow(() -> new IllegalStateException("node " + self + " cannot simulate: only the coordinator"
                        + p.status()
                                .view()
                                .map(v -> " (" + v.coordinator() + ")")
                                .orElse("")
                        + " knows every member's state, once all have answered its probe"));
        return new Simulator(planner).run(now, simEvents, clock.instant());
    }

    /**
     * What {@code picture} showed active on nodes outside {@code view}, if the death of every one of
     * them is confirmed: a departed node that is only suspected might still take epochs in its old
     * view (for any resource) while its lease runs.
     */
    private Set<ResourceId> startsExpected(List<NodeInfo> picture, View view) {
        Set<ResourceId> expected = new HashSet<>();
        for (NodeInfo n : picture) {
            if (!view.contains(n.node()) && !coordinator.deathConfirmed(n.node())) {
                return Set.of();
            }
        }
        for (NodeInfo n : picture) {
            if (!view.contains(n.node())) {
                n.states().forEach((r, s) -> {
                    if (s.isActive()) {
                        expected.add(r);
                    }
                });
            }
        }
        return expected;
    }

    /**
     * This node saw {@code node}'s process exit: the membership confirms the death and, in a
     * two-node view, this node will be left alone in the next view. The tie claim of that view goes
     * to the device now, while the membership forms the view ({@link QuorumKeeper#claimAtDeath}),
     * with the starts the picture published now expects (the one the view's own look will use,
     * unless a share arrives in between).
     */
    private void crashObserved(NodeId node, String evidence) {
        participant.crashObserved(node, evidence);
        View current = participant.view();
        if (departing || current == null || !coordinator.deathConfirmed(node)) {
            return;
        }
        List<NodeInfo> picture = published.status().nodes();
        quorum.claimAtDeath(current, node, next -> startsExpected(picture, next));
    }

    private void onView(View v) {
        if (departing) {
            LOG.debug("{} is leaving; ignoring {}", self, v);
            return;
        }
        View previous = participant.view();
        pictureBeforeView = published.status().nodes();
        // A tie's claim (or a majority's epochs) first: it runs on the device's thread while this
        // thread takes the view in.
        quorum.claimAhead(v);
        frames.viewInstalled(v);
        sendingView = v.id();
        viewAt = ticker.read();
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
        MessageCodec.Frame frame;
        try {
            frame = codec.decode(payload);
        } catch (MalformedMessageException e) {
            traffic.invalid(payload == null ? 0 : payload.length);
            refusals.refuse(
                    e.reason(),
                    "frame from " + from + " (" + (payload == null ? 0 : payload.length) + " bytes): "
                            + e.getMessage());
            return;
        }
        traffic.received(MessageCodec.kindOf(frame.message()), payload.length);
        Optional<FrameFilter.Refusal> refused = frames.check(from, frame);
        if (refused.isPresent()) {
            refusals.refuse(refused.get().reason(), refused.get().detail());
            return;
        }
        participant.handle(from, frame.message());
    }

    private void sendTo(NodeId node, Message message) {
        if (node.equals(self)) {
            loop.post(() -> participant.handle(self, message));
            return;
        }
        ViewId view = sendingView;
        if (view == null) {
            LOG.warn(
                    "{}: not sending {} to {}: no view yet",
                    self,
                    message.getClass().getSimpleName(),
                    node);
            return;
        }
        byte[] frame = codec.encode(frames.stamp(node, view, message));
        if (message instanceof Messages.LeasePing || message instanceof Messages.LeasePong) {
            membership.sendPeriodic(node, frame); // five per lease time: no acknowledgement each
        } else {
            membership.send(node, frame);
        }
        traffic.sent(MessageCodec.kindOf(message), frame.length);
    }

    private void emit(EventData data, String subject, String detail) {
        if (loop.inLoop()) {
            publish(); // a listener that asks for the status on hearing of an event sees what it tells
        }
        HaEvent event = new HaEvent(clock.instant(), self, data, subject, detail);
        LOG.debug("{}", event);
        events.dispatch(event);
        if (data instanceof EventData.ActionSucceeded a && serviceChecks.any()) {
            checkService(a);
        }
    }

    /** A service check answered: recorded unless the group stopped or started again meanwhile. */
    private void serviceAnswered(GroupId group, long check, String target, Duration after) {
        if (serviceChecks.current(group, check)) {
            emit(
                    new EventData.ServiceAnswering(group, target, after),
                    group.value(),
                    group + " answers " + target + ", " + after.toMillis() + " ms after its last start here");
        }
    }

    /** After a start that completed a group here, its service check; after a stop, the check ends. */
    private void checkService(EventData.ActionSucceeded a) {
        Optional<GroupId> group = live.config().groupOf(a.resource());
        if (group.isEmpty()) {
            return;
        }
        if (a.action() == ActionType.START) {
            NodeInfo own = participant.ownInfo();
            boolean all = live.config().group(group.get()).orElseThrow().resources().stream()
                    .allMatch(r -> own.state(r.id()) == ResourceState.RUNNING);
            if (all) {
                serviceChecks.started(group.get());
            }
        } else if (a.action() == ActionType.STOP) {
            serviceChecks.stopped(group.get());
        }
    }

    /** Stops every thread of the node: the loop, the pause detector, quorum and fence calls, the agents. */
    void shutdownThreads() {
        watchdog.ifPresent(NodeWatchdog::close);
        pauseDetector.stop();
        loop.shutdown();
        quorumCalls.shutdownNow();
        serviceChecks.close();
        fencing.shutdown();
        executor.close();
    }
}
