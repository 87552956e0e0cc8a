package io.hastack.testkit;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.NodeSettings;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.fence.FenceDevice;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.membership.jgroups.JGroupsConfig;
import io.hastack.membership.jgroups.JGroupsFaults;
import io.hastack.membership.jgroups.JGroupsMembership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Nodes on the in-process JGroups stack (part of the test kit), sharing one {@link Witness} and one {@link
 * FileQuorumDevice} in a temporary directory. Close it after the test.
 */
public final class InProcessCluster implements AutoCloseable {
    /**
     * One timeout for every wait: 30 s, stretched by the system property
     * {@code hastack.timing.factor} (as every test's waits; see {@code Timing} in ha-test-support).
     */
    public static final Duration WAIT =
            Duration.ofNanos((long) (Duration.ofSeconds(30).toNanos()
                    * Math.max(1, Double.parseDouble(System.getProperty("hastack.timing.factor", "1")))));

    public final Witness witness = new Witness();
    private volatile NodeSettings settings = NodeSettings.forTesting();
    public final BlockingQueue<HaEvent> events = new LinkedBlockingQueue<>();
    private final String clusterName = "test-" + UUID.randomUUID();
    private final Map<NodeId, HaNode> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<NodeId, JGroupsMembership> memberships = new LinkedHashMap<>();
    private final AgentRegistry agents =
            AgentRegistry.builder().register("witness", spec -> witness.agent()).build();
    private final Path shared;
    /** The file quorum device of the default factory, for tests that use it directly. */
    public final QuorumDevice device;

    private final java.util.function.Function<NodeId, QuorumDevice> deviceFactory;
    private final Map<NodeId, QuorumDevice> devices = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<NodeId, PausableAgentExecutor> executors = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per node: the instant its clock stopped (a frozen node), or absent. */
    private final Map<NodeId, Long> frozenAt = new java.util.concurrent.ConcurrentHashMap<>();

    private FenceDevice fenceDevice;
    private final Map<NodeId, io.hastack.core.model.VersionedConfig> stored =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<NodeId, List<io.hastack.core.model.VersionedConfig>> discarded =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The service checks nodes started from now on get ({@link #serviceCheck}). */
    private final Map<
                    io.hastack.core.model.GroupId,
                    java.util.function.Function<NodeId, io.hastack.core.spi.check.ServiceCheck>>
            serviceChecks = new java.util.concurrent.ConcurrentHashMap<>();

    /** Nodes whose store fails to write ({@link #storeFails}). */
    private final Set<NodeId> failingStores = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Nodes whose store says it forgets across restarts ({@link #storeForgets}). */
    private final Set<NodeId> forgetfulStores = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Makes node {@code name}'s configuration store fail every write from now on, or work again. */
    public void storeFails(String name, boolean fails) {
        if (fails) {
            failingStores.add(NodeId.of(name));
        } else {
            failingStores.remove(NodeId.of(name));
        }
    }

    /**
     * Makes node {@code name}'s configuration store (of its next start) say it keeps nothing across
     * restarts, as {@link io.hastack.core.spi.config.ConfigStore#NONE} does.
     */
    public void storeForgets(String name) {
        forgetfulStores.add(NodeId.of(name));
    }

    /** The configuration version node {@code name} last kept in its store, if any. */
    public java.util.Optional<io.hastack.core.model.VersionedConfig> stored(String name) {
        return java.util.Optional.ofNullable(stored.get(NodeId.of(name)));
    }

    /** The configuration versions node {@code name} discarded as changed apart, oldest first. */
    public List<io.hastack.core.model.VersionedConfig> discarded(String name) {
        return discarded.getOrDefault(NodeId.of(name), List.of());
    }

    /** Nodes fenced by {@link #fenceByCrashing()}, in order. */
    public final List<NodeId> fencedNodes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A cluster with no nodes yet, whose nodes share a file quorum device in a fresh directory. */
    public InProcessCluster() {
        this(null);
    }

    /**
     * A cluster whose nodes each get their own quorum device from {@code deviceFactory} (e.g. a
     * ZooKeeper session each), or share a file device if it is null. The cluster closes them.
     */
    public InProcessCluster(java.util.function.Function<NodeId, QuorumDevice> deviceFactory) {
        try {
            shared = Files.createTempDirectory("ha-test-quorum");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        device = new FileQuorumDevice(shared);
        this.deviceFactory = deviceFactory != null ? deviceFactory : id -> device;
    }

    /**
     * Gives every node started from now on a service check of {@code group}: {@code check} makes
     * each node's own ({@link HaNode.Builder#serviceCheck}).
     */
    public void serviceCheck(
            io.hastack.core.model.GroupId group,
            java.util.function.Function<NodeId, io.hastack.core.spi.check.ServiceCheck> check) {
        serviceChecks.put(group, check);
    }

    /**
     * Starts a node named {@code name} with {@code config}, and waits until it has joined. A node
     * that crashed may be started again under its name.
     */
    public HaNode start(String name, ClusterConfig config) {
        return start(name, io.hastack.core.model.VersionedConfig.initial(config));
    }

    /**
     * As {@link #start(String, ClusterConfig)}, with a configuration version (as a node kept it).
     * Each node keeps the versions it takes in memory: see {@link #stored} and {@link #discarded}.
     */
    public HaNode start(String name, io.hastack.core.model.VersionedConfig config) {
        NodeId id = NodeId.of(name);
        witness.revived(id);
        JGroupsMembership membership = new JGroupsMembership(
                id, clusterName, JGroupsConfig.inProcess(settings.clusterKey().orElseThrow()));
        QuorumDevice nodeDevice = deviceFactory.apply(id);
        QuorumDevice old = devices.put(id, nodeDevice);
        if (old != null && old != nodeDevice && old != device) {
            old.close();
        }
        PausableAgentExecutor executor =
                new PausableAgentExecutor(new io.hastack.core.exec.ThreadedAgentExecutor(name));
        executors.put(id, executor);
        frozenAt.remove(id);
        HaNode.Builder builder = HaNode.builder()
                .config(config)
                .membership(membership)
                .agents(agents)
                .quorumDevice(nodeDevice)
                .agentExecutor(executor)
                .configStore(new io.hastack.core.spi.config.ConfigStore() {
                    @Override
                    public void save(io.hastack.core.model.VersionedConfig v) {
                        if (failingStores.contains(id)) {
                            throw new java.io.UncheckedIOException(
                                    new java.io.IOException("store of " + id + " fails (test)"));
                        }
                        stored.put(id, v);
                    }

                    @Override
                    public boolean durable() {
                        return !forgetfulStores.contains(id);
                    }

                    @Override
                    public void discarded(
                            io.hastack.core.model.VersionedConfig lost, io.hastack.core.model.VersionedConfig winner) {
                        discarded
                                .computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(lost);
                    }
                })
                .settings(settings)
                .ticker(new Ticker() {
                    @Override
                    public long read() {
                        return frozenAt.getOrDefault(id, System.nanoTime());
                    }
                });
        if (fenceDevice != null) {
            builder.fenceDevice(fenceDevice);
        }
        serviceChecks.forEach((group, check) -> builder.serviceCheck(group, check.apply(id)));
        HaNode node = builder.build();
        node.addListener(events::add, MoreExecutors.directExecutor());
        memberships.put(id, membership);
        nodes.put(id, node);
        try {
            node.start();
        } catch (RuntimeException e) {
            // Refused (a name the others do not admit): it is not a live node.
            nodes.remove(id);
            try {
                node.halt();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return node;
    }

    /**
     * Gives nodes started from now on {@code bound} as their pause bound, which is also their
     * membership lease time (by default the in-process heartbeat timeout, 1.5 s).
     */
    public void pauseBound(Duration bound) {
        settings = settings.toBuilder().pauseBound(bound).build();
    }

    /**
     * Gives nodes started from now on a fence device that "powers off" a node by crashing it in
     * this JVM, as a real STONITH device would, and confirms.
     */
    public void fenceByCrashing() {
        fenceDevice = new FenceDevice() {
            @Override
            public FenceResult fence(NodeId node, Duration timeout) {
                fencedNodes.add(node);
                // On a thread of its own: a node that fences itself interrupts its fence thread.
                Thread t = new Thread(() -> crash(node.value()), "fence-" + node);
                t.start();
                try {
                    t.join(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FenceResult.confirmed("crashed " + node + " in-process");
            }

            @Override
            public String describe() {
                return "in-process crash";
            }
        };
    }

    /** The JGroups cluster name of this test cluster (unique per instance). */
    public String clusterName() {
        return clusterName;
    }

    /** The settings nodes started from now on get; their cluster key is the cluster's. */
    public NodeSettings settings() {
        return settings;
    }

    /** The running node named {@code name}, or null if it crashed, closed or never started. */
    public HaNode node(String name) {
        return nodes.get(NodeId.of(name));
    }

    /** The membership of the node named {@code name}, for its fault switches. */
    public JGroupsMembership membership(String name) {
        return memberships.get(NodeId.of(name));
    }

    /** Waits until every started node is in one view of {@code size} members. */
    public void awaitView(int size) {
        waitUntil(
                () -> memberships.values().stream()
                        .allMatch(m -> m.currentView()
                                .map(v -> v.members().size() == size)
                                .orElse(false)),
                "every node to see a view of " + size);
    }

    /**
     * Crashes {@code name}: the node stops at once (a killed process runs nothing more), then its
     * channel dies without a leave, and what it ran dies with it.
     */
    public void crash(String name) {
        NodeId id = NodeId.of(name);
        HaNode node = nodes.remove(id);
        if (node != null) {
            node.halt();
        }
        // After the halt, so that no start of the dead incarnation lands after it.
        witness.crashed(id);
        if (node != null) {
            JGroupsFaults.of(memberships.get(id)).crash();
        }
    }

    /**
     * Splits the live nodes into {@code side} and the rest: each side drops every message from the
     * other, as a network partition would, while both keep running.
     */
    public void partition(Set<String> side) {
        java.util.List<JGroupsMembership> inside = new ArrayList<>();
        java.util.List<JGroupsMembership> outside = new ArrayList<>();
        memberships.forEach((id, m) -> {
            if (nodes.containsKey(id)) {
                (side.contains(id.value()) ? inside : outside).add(m);
            }
        });
        inside.forEach(m -> JGroupsFaults.of(m).isolateFrom(outside));
        outside.forEach(m -> JGroupsFaults.of(m).isolateFrom(inside));
    }

    /** Ends every partition; the sides merge. */
    public void heal() {
        memberships.forEach((id, m) -> {
            if (nodes.containsKey(id)) {
                JGroupsFaults.of(m).heal();
            }
        });
    }

    /** Waits until {@code name} sees a view of exactly {@code size} members. */
    public void awaitViewOf(String name, int size) {
        waitUntil(
                () -> memberships
                        .get(NodeId.of(name))
                        .currentView()
                        .map(v -> v.members().size() == size)
                        .orElse(false),
                name + " to see a view of " + size);
    }

    /**
     * Polls {@code condition} every 10 ms until it holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@link #WAIT}
     */
    public static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * Freezes {@code name} as SIGSTOP would, as far as one JVM allows: its traffic is dropped, its
     * agent calls wait, and its monotonic clock stands still, so that on {@link #resume} the node's
     * pause detector sees the whole stall at once. (Its event thread still runs.)
     */
    public void freeze(String name) {
        NodeId id = NodeId.of(name);
        frozenAt.put(id, System.nanoTime());
        executors.get(id).pause();
        JGroupsFaults.of(memberships.get(id)).mute(true);
    }

    /** True if {@code name} is frozen ({@link #freeze}) and not resumed yet. */
    public boolean isFrozen(String name) {
        return frozenAt.containsKey(NodeId.of(name));
    }

    /** Ends {@link #freeze}: the clock jumps to now, agent calls run, traffic flows. */
    public void resume(String name) {
        NodeId id = NodeId.of(name);
        frozenAt.remove(id);
        executors.get(id).resume();
        JGroupsFaults.of(memberships.get(id)).mute(false);
    }

    /** The names of the nodes that run (started and not crashed or closed). */
    public Set<String> liveNodes() {
        Set<String> live = new java.util.TreeSet<>();
        nodes.keySet().forEach(n -> live.add(n.value()));
        return live;
    }

    /** The status from the current coordinator among the live nodes. */
    public ClusterStatus coordinatorStatus() {
        for (HaNode n : nodes.values()) {
            ClusterStatus s = n.status();
            if (s.coordinator()) {
                return s;
            }
        }
        throw new AssertionError("no live node coordinates");
    }

    /** The events of type {@code type} received so far, draining none. */
    public List<HaEvent> eventsOf(HaEvent.Type type) {
        return new ArrayList<>(events).stream().filter(e -> e.type() == type).toList();
    }

    /**
     * A test's tear-down: closes the cluster, after checking that its witness saw no safety
     * violation ({@link Witness#violations()}); the cluster is closed even when the check fails.
     *
     * @throws AssertionError listing the violations, if there were any
     */
    public void closeAfterCheckingTheWitness() {
        try {
            List<String> violations = witness.violations();
            if (!violations.isEmpty()) {
                throw new AssertionError("the witness saw " + violations.size()
                        + " safety violation(s) (a resource active twice, or an epoch handed out twice): "
                        + violations);
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        witness.releaseAll();
        witness.releaseStops();
        executors.values().forEach(PausableAgentExecutor::resume);
        List<HaNode> live = new ArrayList<>(nodes.values());
        java.util.Collections.reverse(live);
        for (HaNode n : live) {
            n.halt();
        }
        memberships.values().forEach(JGroupsMembership::close);
        devices.values().stream().filter(d -> d != device).distinct().forEach(QuorumDevice::close);
        deleteShared();
    }

    /** Removes the shared device's directory (one per cluster, left in the temporary directory before). */
    private void deleteShared() {
        try (java.util.stream.Stream<Path> files = Files.walk(shared)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a file still being written by a halted node's device thread stays behind
        }
    }
}
