package io.hastack.examples.nemesis;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.runtime.HaNode;
import io.hastack.membership.zookeeper.ZooKeeperQuorumDevice;
import io.hastack.testkit.InProcessCluster;
import io.hastack.testkit.Witness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a randomized fault schedule, derived from a seed, against an in-process cluster (three
 * nodes, or two with the file or the ZooKeeper quorum device) running one group of two resources, and checks it:
 *
 * <ul>
 *   <li>every accepted start of a resource has a fresh, higher epoch, so two active copies never
 *       write in the same epoch; every running copy writes through its resource's {@code
 *       EpochGuard} on each monitor, and a stale epoch is never accepted after a newer one wrote;
 *   <li>after the last fault is undone, every resource runs exactly once within the recovery bound.
 * </ul>
 *
 * Each step injects one topology fault (crash, freeze, partition), sometimes with a resource fault
 * (failing monitor, hanging stop) on the active node, holds it, then undoes it (restart, resume,
 * heal). A sampler watches the witness throughout and counts double activations (two live nodes
 * running one resource, allowed only with distinct epochs), and the time each recovery to exactly
 * one copy took. The fault sequence is reproducible from the seed; timing is real, so outcomes may
 * differ between runs of one seed. Not thread-safe: one run at a time.
 */
public final class Nemesis {
    /** Kinds of fault. */
    enum Fault {
        CRASH,
        FREEZE,
        PARTITION,
        MONITOR_FAILURE,
        HANGING_STOP,
        NODE_ADDED,
        NODE_REMOVED
    }

    /**
     * What to run.
     *
     * @param seed the seed of the fault schedule
     * @param faults how many topology faults to inject
     * @param nodes 2 (with the file quorum device) or 3
     * @param hold how long a fault is held, at most (at least a fifth of it)
     * @param recoveryBound how long the cluster may take to converge after the last fault
     * @param zookeeper the connect string of a ZooKeeper ensemble to use as the quorum device (each
     *     node its own session), or null for the file quorum device
     * @param nodeChanges with three nodes: a fourth node, n4, is added to the node list at run time
     *     and removed again (stopped first), while the topology faults go on
     */
    public record Config(
            long seed,
            int faults,
            int nodes,
            Duration hold,
            Duration recoveryBound,
            String zookeeper,
            boolean nodeChanges) {
        /** Validates the fields. */
        public Config {
            if (nodes != 2 && nodes != 3) {
                throw new IllegalArgumentException("nodes must be 2 or 3, was " + nodes);
            }
            if (nodeChanges && nodes != 3) {
                throw new IllegalArgumentException("node list changes need three nodes, was " + nodes);
            }
            if (faults < 1) {
                throw new IllegalArgumentException("faults must be at least 1, was " + faults);
            }
        }
    }

    /**
     * What happened.
     *
     * @param seed the seed
     * @param faultCounts faults injected, by kind
     * @param doubleActivations times two nodes could both act on one resource at once (both running
     *     it, neither frozen, both holding their membership lease): each is a violation
     * @param worstOverlap the longest such overlap
     * @param staleWritesRejected writes of an old copy rejected because a newer epoch had written
     * @param lostResources resources not running exactly once when the recovery bound expired
     * @param worstRecovery the longest time from a fault (or its undoing) to exactly one copy
     * @param violations safety violations (empty in a correct run)
     * @param history the faults, in order, with times since the start
     */
    public record Report(
            long seed,
            Map<Fault, Integer> faultCounts,
            int doubleActivations,
            Duration worstOverlap,
            int staleWritesRejected,
            int lostResources,
            Duration worstRecovery,
            List<String> violations,
            List<String> history) {

        /** Faults injected in all. */
        public int faultsInjected() {
            return faultCounts.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** True if nothing unsafe happened and everything recovered. */
        public boolean passed() {
            return violations.isEmpty() && lostResources == 0;
        }

        /** A readable summary. */
        public String summary() {
            return String.format(
                    "seed %d: %d faults %s, %d double activations (worst overlap %d ms), %d stale writes"
                            + " rejected, %d lost resources, worst recovery %d ms, %d violations%s",
                    seed,
                    faultsInjected(),
                    faultCounts,
                    doubleActivations,
                    worstOverlap.toMillis(),
                    staleWritesRejected,
                    lostResources,
                    worstRecovery.toMillis(),
                    violations.size(),
                    violations.isEmpty() ? "" : ": " + violations);
        }
    }

    private static final List<String> RESOURCES = List.of("app", "db");
    /** An outage this long is far beyond any recovery seen; the run prints the cluster's state once. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Config config;
    private final Random random;
    private final List<String> history = new CopyOnWriteArrayList<>();
    private final long began = System.nanoTime();

    private Nemesis(Config config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    /** Runs {@code config}'s schedule and returns the report. */
    public static Report run(Config config) {
        return run(config, line -> {});
    }

    /** Runs {@code config}'s schedule, telling {@code progress} every 50 faults, and returns the report. */
    public static Report run(Config config, java.util.function.Consumer<String> progress) {
        Nemesis n = new Nemesis(config);
        n.progress = progress;
        return n.run();
    }

    private java.util.function.Consumer<String> progress = line -> {};

    private static ClusterConfig clusterConfig(List<String> names) {
        ResourceSpec.Builder app = ResourceSpec.builder("app", "witness");
        ResourceSpec.Builder db = ResourceSpec.builder("db", "witness");
        List<ResourceSpec> specs = new ArrayList<>();
        for (ResourceSpec.Builder b : List.of(app, db)) {
            specs.add(b.monitorInterval(Duration.ofMillis(200))
                    .timeout(Operation.STOP, Duration.ofMillis(800))
                    .timeout(Operation.START, Duration.ofSeconds(5))
                    .build());
        }
        // No failure-timeout, so monitor failures must not reach a threshold in a long run: restart in
        // place. A failed start still bans its node (on-fail=migrate) until that node restarts.
        return ClusterConfig.builder()
                .nodes(names.toArray(String[]::new))
                .migrationThreshold(1_000_000)
                .group(new ResourceGroup(io.hastack.core.model.GroupId.of("g"), specs))
                .build();
    }

    private Report run() {
        List<String> names = config.nodes() == 3 ? List.of("n1", "n2", "n3") : List.of("n1", "n2");
        ClusterConfig cc = clusterConfig(names);
        Map<Fault, Integer> counts = new TreeMap<>();
        Sampler sampler;
        int lost = 0;
        List<String> violations = new ArrayList<>();
        String base = "/hastack/nemesis-" + config.seed() + "-" + System.nanoTime();
        try (InProcessCluster cluster = new InProcessCluster(
                config.zookeeper() == null
                        ? null
                        : id -> ZooKeeperQuorumDevice.connect(config.zookeeper(), base, Duration.ofSeconds(10)))) {
            names.forEach(n -> cluster.start(n, cc));
            cluster.awaitView(names.size());
            sampler = new Sampler(
                    cluster,
                    () -> progress.accept(stateOf(cluster, "down for over " + STALL.toSeconds() + " s")),
                    what -> {
                        log("DOUBLE ACTIVATION " + what);
                        progress.accept("DOUBLE ACTIVATION " + what + "\n" + stateOf(cluster, "double activation")
                                + "last faults:\n  "
                                + String.join(
                                        "\n  ", history.subList(Math.max(0, history.size() - 8), history.size())));
                    });
            sampler.start();
            awaitExactlyOnce(cluster, config.recoveryBound());
            for (int i = 0; i < config.faults(); i++) {
                step(cluster, cc, names, counts);
                if ((i + 1) % 50 == 0) {
                    progress.accept(String.format(
                            "%d of %d faults after %d s; double activations %d, worst recovery" + " %d ms so far",
                            i + 1,
                            config.faults(),
                            (System.nanoTime() - began) / 1_000_000_000L,
                            sampler.doubleActivations.get(),
                            sampler.worstRecovery.get() / 1_000_000));
                }
            }
            log("all faults undone; waiting for convergence");
            lost = awaitExactlyOnce(cluster, config.recoveryBound());
            sampler.stop();
            violations.addAll(sampler.doubles);
            violations.addAll(cluster.witness.violations());
            if (lost > 0) {
                progress.accept(stateOf(cluster, "not converged after the last fault"));
                violations.add(lost + " resource(s) not running exactly once "
                        + config.recoveryBound().toMillis() + " ms after the last fault: " + running(cluster.witness));
            }
            cluster.witness.releaseStops();
            return new Report(
                    config.seed(),
                    counts,
                    sampler.doubleActivations.get(),
                    Duration.ofNanos(sampler.worstOverlap.get()),
                    cluster.witness.staleWritesRejected(),
                    lost,
                    Duration.ofNanos(sampler.worstRecovery.get()),
                    violations,
                    List.copyOf(history));
        }
    }

    private void step(InProcessCluster cluster, ClusterConfig cc, List<String> names, Map<Fault, Integer> counts) {
        if (config.nodeChanges() && random.nextInt(3) == 0) {
            changeNodeList(cluster, counts);
        }
        List<String> live = new ArrayList<>(cluster.liveNodes());
        String victim = random.nextBoolean()
                ? active(cluster).orElse(live.get(random.nextInt(live.size())))
                : live.get(random.nextInt(live.size()));
        Fault topology = List.of(Fault.CRASH, Fault.FREEZE, Fault.PARTITION).get(random.nextInt(3));
        Fault resourceFault =
                random.nextInt(3) == 0 ? (random.nextBoolean() ? Fault.MONITOR_FAILURE : Fault.HANGING_STOP) : null;
        String resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
        long holdMillis = config.hold().toMillis() / 5
                + random.nextInt((int) Math.max(1, config.hold().toMillis() * 4 / 5));

        if (resourceFault != null) {
            String on = active(cluster).orElse(victim);
            counts.merge(resourceFault, 1, Integer::sum);
            log(resourceFault + " of " + resource + " on " + on);
            if (resourceFault == Fault.MONITOR_FAILURE) {
                cluster.witness.failMonitor(NodeId.of(on), resource, true);
            } else {
                cluster.witness.hangStop(NodeId.of(on), resource);
            }
        }
        counts.merge(topology, 1, Integer::sum);
        Set<String> side = new TreeSet<>();
        switch (topology) {
            case CRASH -> {
                log("CRASH " + victim);
                cluster.crash(victim);
            }
            case FREEZE -> {
                log("FREEZE " + victim);
                cluster.freeze(victim);
            }
            default -> {
                side.add(victim);
                if (names.size() == 3 && random.nextBoolean()) {
                    List<String> others = new ArrayList<>(live);
                    others.remove(victim);
                    Collections.shuffle(others, random);
                    side.add(others.get(0));
                }
                log("PARTITION " + side + " | rest");
                cluster.partition(side);
            }
        }
        pause(holdMillis);
        switch (topology) {
            case CRASH -> {
                log("RESTART " + victim);
                restart(cluster, victim, cc);
            }
            case FREEZE -> {
                log("RESUME " + victim);
                cluster.resume(victim);
            }
            default -> {
                log("HEAL");
                cluster.heal();
            }
        }
        if (resourceFault != null) {
            cluster.witness.healMonitors();
            cluster.witness.releaseStops();
        }
        if (config.nodeChanges()) {
            startSpareIfListed(cluster);
        }
        pause(holdMillis);
    }

    /** The node the nemesis adds to the node list and removes again. */
    private static final String SPARE = "n4";

    /**
     * Adds the spare to the node list, or stops it and removes it, through a random live node,
     * without waiting: the topology fault that follows lands while the change spreads and commits.
     */
    private void changeNodeList(InProcessCluster cluster, Map<Fault, Integer> counts) {
        List<String> live = new ArrayList<>(cluster.liveNodes());
        live.remove(SPARE);
        if (live.isEmpty()) {
            return;
        }
        HaNode via = cluster.node(live.get(random.nextInt(live.size())));
        NodeId spare = NodeId.of(SPARE);
        boolean listed = via.configuration().config().nodes().contains(spare);
        try {
            if (!listed) {
                counts.merge(Fault.NODE_ADDED, 1, Integer::sum);
                log("ADD " + SPARE + " through " + via.id());
                var unused = via.admin()
                        .addNode(spare, java.util.Optional.empty())
                        .whenComplete((v, e) ->
                                log(e == null ? "ADDED " + SPARE + ": " + v : "ADD refused: " + e.getMessage()));
            } else {
                if (cluster.liveNodes().contains(SPARE)) {
                    log("STOP " + SPARE + " before its removal");
                    cluster.crash(SPARE);
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (via.status().view().map(v -> v.contains(spare)).orElse(false)
                            && System.nanoTime() < deadline) {
                        pause(20);
                    }
                }
                counts.merge(Fault.NODE_REMOVED, 1, Integer::sum);
                log("REMOVE " + SPARE + " through " + via.id());
                var unused = via.admin()
                        .removeNode(spare)
                        .whenComplete((v, e) ->
                                log(e == null ? "REMOVED " + SPARE + ": " + v : "REMOVE refused: " + e.getMessage()));
            }
        } catch (IllegalArgumentException e) {
            log("node list change refused at once: " + e.getMessage());
        }
    }

    /** Starts the spare from a live node's configuration once the change that adds it has committed. */
    private void startSpareIfListed(InProcessCluster cluster) {
        if (cluster.liveNodes().contains(SPARE)) {
            return;
        }
        for (String name : cluster.liveNodes()) {
            io.hastack.core.model.VersionedConfig v = cluster.node(name).configuration();
            if (v.config().nodes().contains(NodeId.of(SPARE))
                    && v.config().previousNodes().isEmpty()) {
                log("START " + SPARE + " with " + v);
                try {
                    cluster.start(SPARE, v);
                } catch (RuntimeException e) {
                    log("START " + SPARE + " refused: " + e.getMessage());
                }
                return;
            }
        }
    }

    /**
     * Starts {@code name} again from the version it kept (its file), as a restarted process does;
     * a node removed from the node list meanwhile is refused by the others and stays down.
     */
    private void restart(InProcessCluster cluster, String name, ClusterConfig initial) {
        try {
            cluster.start(name, cluster.stored(name).orElse(io.hastack.core.model.VersionedConfig.initial(initial)));
        } catch (RuntimeException e) {
            log("RESTART " + name + " refused: " + e.getMessage());
        }
    }

    private static java.util.Optional<String> active(InProcessCluster cluster) {
        Set<NodeId> on = cluster.witness.runningOn("db");
        return on.size() == 1 ? java.util.Optional.of(on.iterator().next().value()) : java.util.Optional.empty();
    }

    /** Waits until every resource runs exactly once; returns how many do not when {@code bound} expires. */
    private static int awaitExactlyOnce(InProcessCluster cluster, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            int wrong = (int) RESOURCES.stream()
                    .filter(r -> cluster.witness.runningOn(r).size() != 1)
                    .count();
            if (wrong == 0 || System.nanoTime() > deadline) {
                return wrong;
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    /**
     * What the nodes believe while {@code why}: each live node's status (with the coordinator's
     * notes), the coordinator's snapshot in the simulator's text format, and the witness's last
     * starts and stops. Printed once per long outage, so that a stall can be diagnosed from a run.
     */
    private static String stateOf(InProcessCluster cluster, String why) {
        StringBuilder sb = new StringBuilder("state of the cluster (" + why + "):\n");
        for (String name : cluster.liveNodes()) {
            HaNode node = cluster.node(name);
            if (node == null) {
                continue;
            }
            try {
                sb.append(name)
                        .append(": lease ")
                        .append(node.holdsLease() ? "held" : "not held")
                        .append(cluster.isFrozen(name) ? ", frozen" : "")
                        .append('\n');
                ClusterStatus status = node.status();
                sb.append(status.render());
                if (status.coordinator()) {
                    sb.append("snapshot from ")
                            .append(name)
                            .append(":\n")
                            .append(node.snapshotText())
                            .append('\n');
                }
            } catch (RuntimeException e) {
                sb.append(name).append(": no status: ").append(e.getMessage()).append('\n');
            }
        }
        List<Witness.Event> events = cluster.witness.history();
        sb.append("last witness events:\n");
        events.subList(Math.max(0, events.size() - 12), events.size())
                .forEach(e -> sb.append("  ").append(e).append('\n'));
        return sb.toString();
    }

    private static Map<String, Set<NodeId>> running(Witness witness) {
        Map<String, Set<NodeId>> m = new TreeMap<>();
        RESOURCES.forEach(r -> m.put(r, witness.runningOn(r)));
        return m;
    }

    private void log(String what) {
        history.add(String.format("%7d ms %s", (System.nanoTime() - began) / 1_000_000, what));
    }

    private static void pause(long millis) {
        LockSupport.parkNanos(millis * 1_000_000L);
    }

    /**
     * Watches the witness every 10 ms: double activations (two copies of a resource that can both
     * act: on nodes that run it, are not frozen and hold their membership lease), with how long each
     * lasted, and recovery times.
     */
    private static final class Sampler {
        final AtomicInteger doubleActivations = new AtomicInteger();
        final AtomicLong worstRecovery = new AtomicLong();
        final AtomicLong worstOverlap = new AtomicLong();
        /** One line per double activation: which resource, where, and for how long. */
        final List<String> doubles = new java.util.concurrent.CopyOnWriteArrayList<>();

        private final InProcessCluster cluster;
        private final Witness witness;
        private final Runnable onStall;
        private final java.util.function.Consumer<String> onDouble;
        private volatile boolean running = true;
        private final Thread thread;

        Sampler(InProcessCluster cluster, Runnable onStall, java.util.function.Consumer<String> onDouble) {
            this.onDouble = onDouble;
            this.cluster = cluster;
            this.witness = cluster.witness;
            this.onStall = onStall;
            this.thread = new Thread(this::loop, "nemesis-sampler");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running = false;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The nodes that run {@code resource} and could act on it now. */
        private Set<NodeId> acting(String resource) {
            Set<NodeId> acting = new TreeSet<>(java.util.Comparator.comparing(NodeId::value));
            for (NodeId n : witness.runningOn(resource)) {
                HaNode node = cluster.node(n.value());
                if (node != null && !cluster.isFrozen(n.value()) && node.holdsLease()) {
                    acting.add(n);
                }
            }
            return acting;
        }

        private void loop() {
            long doubleSince = -1;
            String seenOnce = null;
            String doubleWhat = "";
            long unhealthySince = -1;
            boolean told = false;
            while (running) {
                String isDouble = null;
                boolean healthy = true;
                for (String r : RESOURCES) {
                    healthy &= witness.runningOn(r).size() == 1;
                    Set<NodeId> acting = acting(r);
                    if (acting.size() > 1 && isDouble == null) {
                        isDouble = r + " on " + acting;
                    }
                }
                long now = System.nanoTime();
                // Counted when two samples 10 ms apart agree: one sample reads the witness and
                // each node's lease at slightly different instants, and may catch a hand-over
                // (one stops, the other starts) half-way.
                String confirmed = isDouble != null && isDouble.equals(seenOnce) ? isDouble : null;
                seenOnce = isDouble;
                isDouble = doubleSince >= 0 && isDouble != null ? isDouble : confirmed;
                if (isDouble != null && doubleSince < 0) {
                    doubleActivations.incrementAndGet();
                    doubleSince = now;
                    doubleWhat = isDouble;
                    onDouble.accept(isDouble);
                } else if (isDouble == null && doubleSince >= 0) {
                    long overlap = now - doubleSince;
                    worstOverlap.accumulateAndGet(overlap, Math::max);
                    doubles.add("double activation: " + doubleWhat + " could both act for about " + overlap / 1_000_000
                            + " ms");
                    doubleSince = -1;
                }
                if (!healthy && unhealthySince < 0) {
                    unhealthySince = now;
                    told = false;
                } else if (!healthy && !told && now - unhealthySince > STALL.toNanos()) {
                    told = true;
                    onStall.run();
                } else if (healthy && unhealthySince >= 0) {
                    long took = now - unhealthySince;
                    worstRecovery.accumulateAndGet(took, Math::max);
                    unhealthySince = -1;
                }
                LockSupport.parkNanos(10_000_000L);
            }
        }
    }
}
