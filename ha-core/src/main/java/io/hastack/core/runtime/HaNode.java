package io.hastack.core.runtime;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.simulate.SimEvent;
import io.hastack.core.simulate.Simulator;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.UnknownParameter;
import io.hastack.core.spi.check.ServiceCheck;
import io.hastack.core.spi.config.ConfigStore;
import io.hastack.core.spi.fence.FenceDevice;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.Planner;
import io.hastack.core.spi.quorum.QuorumDevice;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private final NodeId self;
    /** Everything but the lifecycle. */
    private final NodeRuntime node;

    private volatile State lifecycle = State.NEW;
    private volatile Throwable failure;
    /** Completes when the node runs; fails if it fails or terminates first. */
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    /** Completes when the node is terminated or failed. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private HaNode(Builder b) {
        this.node = new NodeRuntime(
                Objects.requireNonNull(b.config, "config"),
                b.store,
                Objects.requireNonNull(b.membership, "membership"),
                b.agents,
                b.planner,
                b.executor,
                b.clock,
                b.ticker,
                b.settings,
                b.device,
                b.fenceDevice,
                b.checks);
        this.self = node.self();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** This node's identifier. */
    public NodeId id() {
        return self;
    }

    /**
     * The configuration this node holds now: the one it was built with until the cluster's
     * configuration changes ({@link Admin#configure}), then the newest version it took.
     */
    public ClusterConfig config() {
        return node.config().config();
    }

    /** The configuration this node holds now, with its version. */
    public VersionedConfig configuration() {
        return node.config();
    }

    /**
     * Adds {@code listener}, called on {@code executor} for every later event, in order.
     * {@link MoreExecutors#directExecutor()} runs it on the node's event thread: keep it short. A
     * listener may call {@link #status()} and {@link #localState()} from any executor: they read a
     * published snapshot and never wait for the event thread.
     */
    public void addListener(HaEventListener listener, Executor executor) {
        node.addListener(listener, executor);
    }

    /**
     * Adds {@code listener}, called on {@code executor} with how each later recurring monitor of this
     * node's resources ended (its status and how long the agent took), in order: what monitor
     * latency is measured from. Not events: they would flood the event history. {@link
     * MoreExecutors#directExecutor()} runs it on the node's event thread: keep it short.
     */
    public void addMonitorListener(MonitorListener listener, Executor executor) {
        node.addMonitorListener(listener, executor);
    }

    /**
     * The cluster messages this node has sent to and received from the other nodes since it was
     * built, by kind, with their bytes: an immutable snapshot of counters kept as they go (no event
     * per message). Any thread; never blocks.
     */
    public MessageCounts messageCounts() {
        return node.messageCounts();
    }

    /**
     * Validates every resource, probes which ones already run on this node, and joins the cluster.
     *
     * @throws IllegalStateException if the node was started before
     * @throws HaConfigurationException if a resource's agent rejects its parameters; nothing was
     *     started and the node did not join
     * @throws io.hastack.core.spi.membership.MembershipException if the cluster cannot be joined
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
            node.validate();
            node.probe();
            synchronized (this) {
                if (lifecycle != State.STARTING) {
                    throw new IllegalStateException("node " + self + " was halted while starting");
                }
            }
            node.join();
        } catch (RuntimeException e) {
            node.shutdownThreads();
            fail(e);
            throw e;
        }
        synchronized (this) {
            if (lifecycle == State.STARTING) {
                lifecycle = State.RUNNING;
            }
        }
        running.complete(null);
        node.joined();
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

    /**
     * The parameters of this node's resources that their agents' metadata does not declare (most
     * likely misspelled), each naming the closest declared one, as {@link #start()} found them when
     * it validated the resources; each was also logged as a warning. Empty before {@link #start()}.
     * Any thread.
     */
    public List<UnknownParameter> parameterWarnings() {
        return node.parameterWarnings();
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
            future.get(io.hastack.core.internal.Durations.toNanosSaturated(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + self, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Hands this node's resources over to the other members and leaves: the coordinator moves them
     * away (starting them elsewhere where possible) and then lets this node go. If that does not
     * finish within the shutdown timeout, the node stops its own resources and leaves anyway.
     * Idempotent; blocks until the node has left. During {@link #start()} it waits for the start,
     * then closes.
     */
    @Override
    public void close() {
        State now;
        synchronized (this) {
            now = lifecycle;
            if (now == State.NEW) {
                node.shutdownThreads();
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
        node.leave();
        node.shutdownThreads();
        terminate();
    }

    /**
     * Stops this node at once, as a process crash would: no hand-over, no stop of any resource, no
     * further agent call, and no reaction to later views. It does not close the membership: to
     * emulate a crash in one JVM, halt the node first, then close its channel abruptly (halting
     * second would let the dying node act on its last view, e.g. claim a tie).
     */
    public void halt() {
        node.depart();
        node.shutdownThreads();
        terminate();
    }

    /**
     * True if this node holds its membership lease now ({@code docs/design/leases.md}): it has
     * heard lately from enough members of its view to be quorate. A node without the lease acts on
     * nothing and stops its resources; an in-JVM resource that accepts writes asks this (or its
     * agent's {@link io.hastack.core.spi.agent.AgentContext#lease()}) first. Any thread; never blocks.
     */
    public boolean holdsLease() {
        return node.leaseHeldNow();
    }

    /**
     * The cluster status as this node sees it (all members on the coordinator), as of the event
     * thread's latest turn. Never blocks: any thread may call it, a listener on the event thread
     * included.
     */
    public ClusterStatus status() {
        return node.status();
    }

    /**
     * The live cluster state in the snapshot text format ({@link io.hastack.core.plan.SnapshotText}),
     * to save and simulate later ({@code Simulate --snapshot FILE}).
     *
     * @throws IllegalStateException as {@link #whatIf}
     */
    public String snapshotText() {
        return node.snapshotText();
    }

    /**
     * What would happen if {@code events} occurred now: runs the {@link Simulator} on the live
     * cluster state with this node's planner. Changes nothing.
     *
     * @throws IllegalStateException if this node does not coordinate (only the coordinator knows
     *     every member's state) or has not heard from every member yet
     */
    public Simulator.Simulation whatIf(List<SimEvent> events) {
        return node.whatIf(events);
    }

    /** The operator's commands to this node and, through it, to the cluster. */
    public Admin admin() {
        return node.admin();
    }

    /** The states of this node's resources, as of the event thread's latest turn; never blocks. */
    public NodeInfo localState() {
        return node.localState();
    }

    /** Builds an {@link HaNode}. Not thread-safe. */
    public static final class Builder {
        private VersionedConfig config;
        private ConfigStore store = ConfigStore.NONE;
        private Membership membership;
        private AgentRegistry agents;
        private Planner planner = new DefaultPlanner();
        private AgentExecutor executor;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.systemTicker();
        private NodeSettings settings = NodeSettings.defaults();
        private QuorumDevice device;
        private FenceDevice fenceDevice;
        private final Map<GroupId, ServiceCheck> checks = new LinkedHashMap<>();

        private Builder() {}

        /**
         * A check of whether {@code group}'s service answers its clients, asked after the group
         * started on this node until it answers: the answer is a {@code SERVICE_ANSWERING} event, the
         * last phase of a failover's timeline. It observes only; a group without one has no such
         * phase.
         */
        public Builder serviceCheck(GroupId group, ServiceCheck check) {
            checks.put(Objects.requireNonNull(group, "group"), Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * The fence device of stop escalation: when a member's stop fails and cannot be forced, the
         * coordinator fences it, and once fencing is confirmed its groups start elsewhere. Without
         * one, such a group stays blocked.
         */
        public Builder fenceDevice(FenceDevice fenceDevice) {
            this.fenceDevice = fenceDevice;
            return this;
        }

        /**
         * Timeouts, the pause bound and the cluster key; {@link NodeSettings#defaults()} by default,
         * which has no key: give one, or choose {@link NodeSettings.Builder#insecure()}.
         */
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

        /**
         * The resource configuration, as version 0; every node of the cluster should start with the
         * same (a node that holds an older version takes the cluster's newer one when it joins).
         * Required, or {@link #config(VersionedConfig)}.
         */
        public Builder config(ClusterConfig config) {
            this.config = config == null ? null : VersionedConfig.initial(config);
            return this;
        }

        /**
         * The resource configuration with its version, as a node kept it ({@link ConfigStore}): the
         * newest version in the cluster wins when nodes meet (see {@code
         * docs/design/replicated-config.md}).
         */
        public Builder config(VersionedConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Where the node keeps each configuration version it takes, for its next start; {@link
         * ConfigStore#NONE} by default.
         */
        public Builder configStore(ConfigStore store) {
            this.store = Objects.requireNonNull(store, "store");
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
         * @throws IllegalArgumentException if a required field is missing, the settings have no
         *     cluster key and are not insecure, or a resource names an unknown agent type
         */
        public HaNode build() {
            if (config == null || membership == null || agents == null) {
                throw new IllegalArgumentException("an HaNode needs a config, a membership and agents; missing: "
                        + (config == null ? "config " : "") + (membership == null ? "membership " : "")
                        + (agents == null ? "agents" : ""));
            }
            if (!config.config().nodes().contains(membership.localNode())) {
                throw new IllegalArgumentException("node " + membership.localNode() + " is not in the configured"
                        + " node list " + config.config().nodes()
                        + ": every node needs a vote (ClusterConfig.Builder.nodes)");
            }
            if (settings.clusterKey().isEmpty() && !settings.insecure()) {
                throw new IllegalArgumentException("node " + membership.localNode() + ": no cluster key: give"
                        + " NodeSettings.builder().clusterKey(ClusterKey.load(file)) (generate one with 'java -cp"
                        + " ha-core.jar io.hastack.core.security.ClusterKey FILE'), or choose"
                        + " NodeSettings.builder().insecure() knowingly: then anyone who reaches the cluster's ports"
                        + " can forge its messages");
            }
            if (fenceDevice == null) {
                fenceWithoutDevice(config.config()).ifPresent(problem -> {
                    throw new IllegalArgumentException(problem);
                });
            }
            return new HaNode(this);
        }
    }

    /**
     * A resource of {@code config} whose on-fail is fence for start or monitor, which a node without
     * a fence device cannot carry out, as a message; empty if none.
     */
    static java.util.Optional<String> fenceWithoutDevice(ClusterConfig config) {
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec r : g.resources()) {
                for (Operation op : List.of(Operation.START, Operation.MONITOR)) {
                    if (r.onFail(op).orElse(null) == OnFail.FENCE) {
                        return java.util.Optional.of("resource " + r.id() + ": on-fail of " + op.externalName()
                                + " is fence, but the node has no fence device (HaNode.Builder.fenceDevice)");
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }
}
