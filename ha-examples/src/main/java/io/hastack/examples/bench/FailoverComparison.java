package io.hastack.examples.bench;

import io.hastack.core.watchdog.Watchdog;
import io.hastack.examples.demo.DemoPage;
import io.hastack.examples.demo.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * HA Stack against Apache Curator, the same faults in the same run, phase by phase (issue 17):
 *
 * <pre>
 * java -cp "ha-examples/target/ha-examples-0.1.0-SNAPSHOT.jar:ha-examples/target/lib/*" \
 *     io.hastack.examples.bench.FailoverComparison --trials 30 --scenarios kill,stop,proc,shutdown
 * </pre>
 *
 * <p>HA Stack runs as {@link io.hastack.examples.demo.DemoNode} JVMs on 127.0.0.1 with the
 * demo's (and README's) configuration: the TCP preset sealed with a cluster key, membership leases,
 * the node watchdog, the file quorum device; the group is a worker ({@code sleep 86400}, a child of
 * the node JVM) and the page (an HTTP server in the node JVM). Curator runs as {@link
 * CuratorCandidate} JVMs around a {@link org.apache.curator.framework.recipes.leader.LeaderLatch}
 * on a {@link BenchZooKeeper} in its own JVM, starting the same group through the same agents. Each
 * trial starts a fresh cluster (a fresh latch path on the one ZooKeeper), waits for a steady state
 * (one view or all latch nodes, every resource started, the page answering), waits until the
 * fresh JVMs' start-up work has settled (the machine at most 35 % busy over 1 s, or at one level
 * over 3 s, at most 30 s: {@link MachineLoad}; recorded as {@code settle_ms} and {@code
 * busy_permille_before}), waits {@code --warm-s W} seconds more (default 0; nine JVMs on two
 * cores are still compiling when the machine first drops below that bound; not in {@code pauses}),
 * waits a random 0-1 s
 * (so that the fault lands anywhere in a monitor interval), injects the fault and records the phases ({@link Phases}) and the moment the service answers again; trials alternate
 * between the stacks (and which goes first). A SIGKILL's trials (kill, scale) also record {@value
 * #EXITED}: when the killed JVM's standard output ended, i.e. when the kernel closed its files,
 * which it does after freeing its memory; no peer can see the death earlier.
 *
 * <p>Flags: {@code --trials N} (default 30) per scenario and stack; {@code --scenarios
 * kill,stop,proc,shutdown,pauses,scale,idle} (default the first four); {@code --pauses N}
 * (default 100) and {@code --pause-ms MS} (default 800) for {@code pauses}; {@code --idle-s S}
 * (default 60) and {@code --idle-warm-s W} (default 5: the wait, after the machine settled, before
 * measuring) for {@code idle}; {@code --warm-s W} (default 0) for the trials of {@code kill}, {@code
 * stop}, {@code proc}, {@code shutdown} and {@code scale}: the wait before each fault after the machine
 * settled (their {@code settle_ms} and {@code busy_permille_before} are taken before it); {@code --scale-nodes 2,3,5,9}, {@code --scale-resources
 * 1,10,100} and {@code --scale-trials N} (default: {@code --trials}) for {@code scale}; {@code --session-ms 2000 --connection-ms 1000 --tick-ms 200} for Curator; {@code
 * --ha-heartbeat-ms INTERVAL,TIMEOUT}, {@code --ha-verify-ms N} and {@code --ha-lease-ms N} for
 * HA Stack's timings (the TCP preset's 500,3000 and 200, and a lease equal to the heartbeat timeout,
 * when left out); {@code --ha-workers parallel} to put HA Stack's workers in an unordered group that
 * the page is ordered after (they start in parallel; {@code ordered}, the default, starts the
 * workers and the page as one ordered group); {@code --ha-device zookeeper} to give HA Stack the
 * ZooKeeper quorum device on the baseline's ZooKeeper instead of the file one ({@code file}, the
 * default); {@code --ha-jvm-options "OPTION ..."} to add JVM options (separated by spaces, each
 * starting with {@code -}) to every HA Stack node JVM, after the demo's own (e.g. a heap or page
 * size to try); {@code --ha-class-archive on} to run HA Stack's node JVMs with a class-data-sharing
 * archive ({@code off}, the default): before its first trial the run trains one, untimed (a 2-node
 * cluster whose survivor of a SIGKILL writes the classes it loaded, its failover's included, as it
 * exits: {@code -XX:ArchiveClassesAtExit}), and every HA Stack node after it maps that archive
 * ({@code -XX:SharedArchiveFile}, with {@code -Xshare:on}, so that a node that cannot use it fails
 * to start instead of running without); its trials record {@code class_archive=1}; {@code --out DIR}
 * (default {@code target/bench}) for the CSV of the raw trials ({@code trials.csv}, rewritten
 * after every trial) and the plots.
 */
public final class FailoverComparison {
    /** The phase at which a killed JVM's output ended (its files closed). */
    static final String EXITED = "exited";

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Long enough for every resource's monitor (every second) to run: the class-data archive's training. */
    private static final Duration MONITORED = Duration.ofMillis(2500);

    /**
     * Before its fault a trial waits until the machine's processors have been at most this busy
     * (all of them together) over {@link #SETTLE_WINDOW}, or at one steady level over three such
     * windows ({@link MachineLoad#PLATEAU}), for at most {@link #SETTLE_TIMEOUT}.
     */
    static final double SETTLE_BUSY = 0.35;

    static final Duration SETTLE_WINDOW = Duration.ofSeconds(1);
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAULT_WAIT = Duration.ofSeconds(30);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final String WORKER_COMMAND = "sleep 86400";

    private final Options options;
    private final Path logs;
    private final List<Trial> trials = new ArrayList<>();
    private final java.util.Random random = new java.util.Random();
    private NodeProcess zooKeeper;
    private String connectString;
    /** The HA Stack nodes' class-data archive once trained ({@code --ha-class-archive on}). */
    private Path classArchive;

    private FailoverComparison(Options options) {
        this.options = options;
        this.logs = options.out().resolve("logs").toAbsolutePath();
    }

    /**
     * The command line.
     *
     * @param haOnZooKeeper HA Stack on the ZooKeeper quorum device (the baseline's ZooKeeper) instead of the file one
     * @param trials trials per scenario and stack
     * @param scenarios the scenarios, in order
     * @param pauses pauses in {@link Scenario#PAUSES}
     * @param pauseMs each pause's length
     * @param idleSeconds how long {@link Scenario#IDLE} measures
     * @param idleWarmSeconds how long {@link Scenario#IDLE} waits after the steady state and the
     *     machine's settling, before it measures
     * @param warmSeconds how long each fault's trial waits after the steady state and the machine's
     *     settling, before the fault (0: none)
     * @param scaleNodes node counts for {@link Scenario#SCALE}
     * @param scaleResources resource counts for {@link Scenario#SCALE}
     * @param scaleTrials trials per point of {@link Scenario#SCALE}
     * @param sessionMs Curator's session timeout
     * @param connectionMs Curator's connection timeout
     * @param tickMs ZooKeeper's tickTime
     * @param haArgs HA Stack's timing flags for every {@link io.hastack.examples.demo.DemoNode}
     * @param haJvmOptions JVM options added to every HA Stack node JVM ({@code --ha-jvm-options})
     * @param haClassArchive whether HA Stack's node JVMs map a class-data archive trained first
     * @param out where the CSV and plots go
     */
    record Options(
            boolean haOnZooKeeper,
            int trials,
            List<Scenario> scenarios,
            int pauses,
            long pauseMs,
            int idleSeconds,
            int idleWarmSeconds,
            int warmSeconds,
            List<Integer> scaleNodes,
            List<Integer> scaleResources,
            int scaleTrials,
            int sessionMs,
            int connectionMs,
            int tickMs,
            List<String> haArgs,
            List<String> haJvmOptions,
            boolean haClassArchive,
            Path out) {

        static Options parse(String[] args) {
            Map<String, String> o = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --flag value, got '" + args[i] + "'");
                }
                o.put(args[i].substring(2), args[i + 1]);
            }
            List<String> known = List.of(
                    "trials",
                    "scenarios",
                    "pauses",
                    "pause-ms",
                    "idle-s",
                    "idle-warm-s",
                    "warm-s",
                    "scale-nodes",
                    "scale-resources",
                    "scale-trials",
                    "session-ms",
                    "connection-ms",
                    "tick-ms",
                    "ha-heartbeat-ms",
                    "ha-verify-ms",
                    "ha-lease-ms",
                    "ha-workers",
                    "ha-device",
                    "ha-class-archive",
                    "ha-jvm-options",
                    "out");
            o.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("unknown flag --" + k + "; known: " + known);
            });
            int trials = Integer.parseInt(o.getOrDefault("trials", "30"));
            List<String> haArgs = new ArrayList<>();
            for (String flag : List.of("heartbeat-ms", "verify-ms", "lease-ms")) {
                if (o.containsKey("ha-" + flag)) {
                    String value = o.get("ha-" + flag);
                    int parts = flag.equals("heartbeat-ms") ? 2 : 1;
                    if (!value.matches("\\d+" + (parts == 2 ? ",\\d+" : ""))) {
                        throw new IllegalArgumentException("--ha-" + flag + " takes "
                                + (parts == 2 ? "INTERVAL,TIMEOUT in ms (e.g. 100,1000)" : "ms") + ", got '" + value
                                + "'");
                    }
                    haArgs.addAll(List.of("--" + flag, value));
                }
            }
            if (o.containsKey("ha-workers")) {
                String value = o.get("ha-workers");
                if (!value.equals("ordered") && !value.equals("parallel")) {
                    throw new IllegalArgumentException("--ha-workers takes ordered or parallel, got '" + value + "'");
                }
                haArgs.addAll(List.of("--workers", value));
            }
            String device = o.getOrDefault("ha-device", "file");
            if (!device.equals("file") && !device.equals("zookeeper")) {
                throw new IllegalArgumentException("--ha-device takes file or zookeeper, got '" + device + "'");
            }
            String archive = o.getOrDefault("ha-class-archive", "off");
            if (!archive.equals("on") && !archive.equals("off")) {
                throw new IllegalArgumentException("--ha-class-archive takes on or off, got '" + archive + "'");
            }
            List<String> jvmOptions = o.containsKey("ha-jvm-options")
                    ? Arrays.stream(o.get("ha-jvm-options").trim().split("\\s+"))
                            .filter(x -> !x.isEmpty())
                            .toList()
                    : List.of();
            jvmOptions.stream().filter(x -> !x.startsWith("-")).findFirst().ifPresent(x -> {
                throw new IllegalArgumentException(
                        "--ha-jvm-options takes JVM options separated by spaces, each starting with '-', got '" + x
                                + "'");
            });
            return new Options(
                    device.equals("zookeeper"),
                    trials,
                    Arrays.stream(o.getOrDefault("scenarios", "kill,stop,proc,shutdown")
                                    .split(","))
                            .map(Scenario::of)
                            .toList(),
                    Integer.parseInt(o.getOrDefault("pauses", "100")),
                    Long.parseLong(o.getOrDefault("pause-ms", "800")),
                    Integer.parseInt(o.getOrDefault("idle-s", "60")),
                    Integer.parseInt(o.getOrDefault("idle-warm-s", "5")),
                    nonNegative("warm-s", o.getOrDefault("warm-s", "0")),
                    ints(o.getOrDefault("scale-nodes", "2,3,5,9")),
                    ints(o.getOrDefault("scale-resources", "1,10,100")),
                    Integer.parseInt(o.getOrDefault("scale-trials", Integer.toString(trials))),
                    Integer.parseInt(o.getOrDefault("session-ms", "2000")),
                    Integer.parseInt(o.getOrDefault("connection-ms", "1000")),
                    Integer.parseInt(o.getOrDefault("tick-ms", "200")),
                    List.copyOf(haArgs),
                    jvmOptions,
                    archive.equals("on"),
                    Path.of(o.getOrDefault("out", "target/bench")));
        }

        private static int nonNegative(String flag, String value) {
            if (!value.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--" + flag + " takes whole seconds (0-99999), got '" + value + "'");
            }
            return Integer.parseInt(value);
        }

        private static List<Integer> ints(String csv) {
            return Arrays.stream(csv.split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .toList();
        }
    }

    /** Runs the benchmark; see the class comment for the flags. */
    public static void main(String[] args) {
        FailoverComparison bench = new FailoverComparison(Options.parse(args));
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopZooKeeper, "bench-zookeeper-stop"));
        try {
            bench.run();
        } finally {
            bench.stopZooKeeper();
        }
        System.exit(0);
    }

    private void run() {
        Options o = options;
        System.out.printf(
                "FailoverComparison %s, %d trials per scenario and stack; HA Stack: %s; Curator: session %d ms,"
                        + " connection %d ms, tickTime %d ms; --warm-s %d; HA Stack's node JVMs: %s, --ha-class-archive %s;"
                        + " output in %s%n",
                Instant.now(),
                o.trials(),
                (o.haArgs().isEmpty() ? "the TCP preset's timings" : String.join(" ", o.haArgs()))
                        + (o.haOnZooKeeper() ? ", the ZooKeeper quorum device" : ", the file quorum device"),
                o.sessionMs(),
                o.connectionMs(),
                o.tickMs(),
                o.warmSeconds(),
                o.haJvmOptions().isEmpty() ? "the demo's options" : "the demo's options and " + o.haJvmOptions(),
                o.haClassArchive() ? "on" : "off",
                o.out().toAbsolutePath());
        if (o.haClassArchive()) {
            classArchive = trainClassArchive();
        }
        for (Scenario s : o.scenarios()) {
            switch (s) {
                case KILL, STOP, PROC, SHUTDOWN -> compare(s);
                case PAUSES -> pauses();
                case SCALE -> scale();
                case IDLE -> idle();
            }
        }
        Plots.write(trials, o.out());
        System.out.printf("%nraw trials: %s; plots: %s/*.png%n", csv(), o.out().toAbsolutePath());
    }

    private Path csv() {
        return options.out().resolve("trials.csv").toAbsolutePath();
    }

    private void record(Trial t) {
        trials.add(t);
        Results.writeCsv(trials, csv());
        StringBuilder sb = new StringBuilder();
        t.phases().forEach((k, v) -> sb.append(", ").append(k).append(' ').append(v));
        t.checks().forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        System.out.printf(
                "  %-8s %-9s %-22s #%-3d%s%s%n",
                t.scenario().flag(),
                t.stack().label(),
                t.variant(),
                t.number(),
                sb.length() > 2 ? sb.substring(2) : "",
                t.note().isEmpty() ? "" : "  FAILED: " + t.note());
    }

    // ---------------------------------------------------------------- scenarios 1-4

    private void compare(Scenario s) {
        System.out.printf("%n== %s: %s%n", s.flag(), s.description());
        for (int i = 1; i <= options.trials(); i++) {
            List<Phases.Stack> order = i % 2 == 1
                    ? List.of(Phases.Stack.HA_STACK, Phases.Stack.CURATOR)
                    : List.of(Phases.Stack.CURATOR, Phases.Stack.HA_STACK);
            for (Phases.Stack stack : order) {
                record(trial(stack, s, 2, 2, i));
            }
        }
        printSummary(s, "2 nodes, 2 resources");
    }

    private void printSummary(Scenario s, String variant) {
        List<Trial> ha = series(Phases.Stack.HA_STACK, s, variant);
        List<Trial> cu = series(Phases.Stack.CURATOR, s, variant);
        System.out.printf("%n%s", Results.table("HA Stack, " + s.flag() + ", " + variant, ha));
        if (!cu.isEmpty()) {
            System.out.print(Results.table("Curator, " + s.flag() + ", " + variant, cu));
            Results.ratio(ha, cu).ifPresent(r -> System.out.println("  " + r));
        }
    }

    private List<Trial> series(Phases.Stack stack, Scenario s, String variant) {
        return trials.stream()
                .filter(t ->
                        t.stack() == stack && t.scenario() == s && t.variant().equals(variant))
                .toList();
    }

    private Trial trial(Phases.Stack stack, Scenario s, int nodes, int resources, int number) {
        String variant = nodes + " nodes, " + resources + " resources";
        try (Cluster c = launch(stack, nodes, resources)) {
            c.awaitSteady();
            // Start-up work (class loading, JIT compilation in every fresh JVM) goes on for seconds
            // after the cluster converges: the fault is meant for a cluster in its steady state.
            MachineLoad.Settle settle = settle("the fault goes ahead");
            // The settle's bound is reached while nine fresh JVMs on two cores are still compiling:
            // a wait of its own lets them reach the level they keep (--warm-s).
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(options.warmSeconds()));
            // A random moment within a monitor interval and a heartbeat, so that neither the
            // monitors' nor the heartbeats' schedule lines up with the fault in every trial.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1000)));
            NodeProcess victim = c.node(c.active());
            Map<String, Long> checks = new LinkedHashMap<>();
            settled(settle, checks);
            archived(stack, checks);
            long faultAt;
            String survivor;
            long service;
            switch (s) {
                case KILL, SCALE -> {
                    faultAt = System.currentTimeMillis();
                    victim.kill();
                    survivor = c.awaitPageFromOtherThan(victim.name());
                    service = System.currentTimeMillis() - faultAt;
                }
                case SHUTDOWN -> {
                    faultAt = System.currentTimeMillis();
                    victim.send("quit");
                    survivor = c.awaitPageFromOtherThan(victim.name());
                    service = System.currentTimeMillis() - faultAt;
                }
                case PROC -> {
                    long worker = c.workers().get(victim.name()).get(0);
                    faultAt = System.currentTimeMillis();
                    ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
                    survivor = c.awaitNewWorkerAndPage(worker);
                    service = System.currentTimeMillis() - faultAt;
                }
                case STOP -> {
                    faultAt = System.currentTimeMillis();
                    victim.signal("STOP");
                    Overlap overlap = new Overlap();
                    long resumedAt;
                    try {
                        survivor = c.awaitWorkerOnOtherThan(victim.name(), overlap);
                        service = System.currentTimeMillis() - faultAt;
                        c.observe(Duration.ofSeconds(1), overlap);
                    } finally {
                        resumedAt = System.currentTimeMillis(); // frozen until the signal: nothing earlier
                        victim.signal("CONT");
                    }
                    c.observe(Duration.ofSeconds(4), overlap);
                    checks.put("two_workers_ms", overlap.millis);
                    // What the resumed node started on its stale view (it printed nothing while
                    // frozen): starts after SIGCONT and before it was back in a view with the
                    // survivor (Curator: before it held the latch again). HA Stack's resumed node
                    // may start the group lawfully once merged (the survivor could not run the
                    // page while the frozen JVM held its port); those are counted apart.
                    String other = survivor;
                    long rejoined = victim.events().stream()
                            .filter(e -> e.epochMillis() >= resumedAt
                                    && ((e.type().equals("VIEW_INSTALLED")
                                                    && viewMembers(e.detail()).contains(other))
                                            || e.type().equals("LEADER")))
                            .mapToLong(NodeProcess.Event::epochMillis)
                            .min()
                            .orElse(Long.MAX_VALUE);
                    List<NodeProcess.Event> resumedStarts = victim.events().stream()
                            .filter(e -> e.epochMillis() >= resumedAt
                                    && e.type().equals("ACTION_SUCCEEDED")
                                    && e.detail().startsWith("start "))
                            .toList();
                    checks.put(
                            "resumed_starts",
                            resumedStarts.stream()
                                    .filter(e -> e.epochMillis() < rejoined)
                                    .count());
                    checks.put(
                            "starts_after_rejoin",
                            resumedStarts.stream()
                                    .filter(e -> e.epochMillis() >= rejoined)
                                    .count());
                }
                default -> throw new IllegalArgumentException("not a failover scenario: " + s);
            }
            // Events come through pipes: give the survivor's last start a moment to arrive. The
            // page may answer before its start's success is printed, so wait for that, not for the
            // start's beginning (whose detail starts the same way).
            String last = c.resources().get(c.resources().size() - 1);
            String on = survivor;
            awaitQuietly(
                    () -> c.allEvents().stream()
                            .anyMatch(e -> e.epochMillis() >= faultAt
                                    && e.type().equals("ACTION_SUCCEEDED")
                                    && e.detail().startsWith("start " + last + " on " + on)),
                    Duration.ofSeconds(3));
            Map<String, Long> phases =
                    Phases.extract(stack, s, c.allEvents(), victim.name(), survivor, faultAt, c.resources());
            phases.put(Phases.SERVICE, service);
            if (s == Scenario.KILL || s == Scenario.SCALE) {
                // When the killed JVM's output ended: the kernel closes a dying process's files after
                // it frees its memory, and its peers see its connections close no earlier.
                victim.outputClosedAt().ifPresent(at -> phases.put(EXITED, at - faultAt));
            }
            return new Trial(stack, s, variant, number, phases, checks, "");
        } catch (RuntimeException e) {
            return new Trial(stack, s, variant, number, Map.of(), Map.of(), String.valueOf(e.getMessage()));
        }
    }

    /** Total time during which workers ran under two nodes at once, from samples. */
    private static final class Overlap {
        long millis;
        long lastSample = System.currentTimeMillis();

        void sample(Map<String, List<Long>> workers) {
            long now = System.currentTimeMillis();
            if (workers.size() > 1) {
                millis += now - lastSample;
            }
            lastSample = now;
        }
    }

    /** 1 if any of {@code events} matches, else 0: a yes/no check of a trial. */
    private static long any(List<NodeProcess.Event> events, java.util.function.Predicate<NodeProcess.Event> match) {
        return events.stream().anyMatch(match) ? 1L : 0L;
    }

    /** The members of a {@code VIEW_INSTALLED} event's view: its detail's first {@code [a, b]}. */
    static List<String> viewMembers(String detail) {
        int open = detail.indexOf('[');
        int close = detail.indexOf(']', open + 1);
        if (open < 0 || close < 0) {
            return List.of();
        }
        return Arrays.stream(detail.substring(open + 1, close).split(","))
                .map(String::trim)
                .filter(m -> !m.isEmpty())
                .toList();
    }

    // ---------------------------------------------------------------- scenario 5

    private void pauses() {
        System.out.printf(
                "%n== pauses: %d SIGSTOP pauses of %d ms of the active JVM, 2 s apart%n",
                options.pauses(), options.pauseMs());
        for (Phases.Stack stack : List.of(Phases.Stack.HA_STACK, Phases.Stack.CURATOR)) {
            String variant = "2 nodes, pause " + options.pauseMs() + " ms";
            try (Cluster c = launch(stack, 2, 2)) {
                c.awaitSteady();
                for (int i = 1; i <= options.pauses(); i++) {
                    String active = c.active();
                    NodeProcess victim = c.node(active);
                    long faultAt = System.currentTimeMillis();
                    victim.freezeFor(Duration.ofMillis(options.pauseMs()));
                    LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
                    List<NodeProcess.Event> after = c.allEvents().stream()
                            .filter(e -> e.epochMillis() >= faultAt)
                            .toList();
                    Map<String, Long> checks = new LinkedHashMap<>();
                    java.util.function.Predicate<NodeProcess.Event> start = e ->
                            e.type().equals("ACTION_SUCCEEDED") && e.detail().startsWith("start ");
                    List<String> gaveUp = List.of(
                            "LEASE_LOST", "PAUSE_DETECTED", "NOT_LEADER", "CONNECTION_SUSPENDED", "CONNECTION_LOST");
                    archived(stack, checks);
                    checks.put("failovers", any(after, start.and(e -> !e.node().equals(active))));
                    checks.put("active_gave_up", any(after, e -> e.node().equals(active) && gaveUp.contains(e.type())));
                    checks.put(
                            "active_restarted",
                            any(after, start.and(e -> e.node().equals(active))));
                    checks.put(
                            "suspicions",
                            after.stream()
                                    .filter(e -> e.type().equals("MEMBER_SUSPECTED"))
                                    .count());
                    checks.put(
                            "view_changes",
                            after.stream()
                                    .filter(e -> e.type().equals("VIEW_INSTALLED")
                                            || e.type().equals("LATCH_NODE_DELETED"))
                                    .count());
                    record(new Trial(stack, Scenario.PAUSES, variant, i, Map.of(), checks, ""));
                    if (checks.get("failovers") > 0
                            || checks.get("active_gave_up") > 0
                            || checks.get("active_restarted") > 0) {
                        // let the cluster settle before the next pause
                        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
                        c.awaitSteady(faultAt);
                    }
                }
            } catch (RuntimeException e) {
                record(new Trial(stack, Scenario.PAUSES, "2 nodes", 0, Map.of(), Map.of(), e.getMessage()));
            }
            System.out.print(Results.table(
                    stack.label() + ", pauses of " + options.pauseMs() + " ms",
                    series(stack, Scenario.PAUSES, "2 nodes, pause " + options.pauseMs() + " ms")));
        }
    }

    // ---------------------------------------------------------------- scenario 6

    private void scale() {
        System.out.printf("%n== scale: SIGKILL of the active JVM, more nodes and more resources%n");
        List<int[]> points = new ArrayList<>();
        options.scaleNodes().forEach(n -> points.add(new int[] {n, 2}));
        options.scaleResources().stream()
                .filter(r -> r != 2 || !options.scaleNodes().contains(2))
                .forEach(r -> points.add(new int[] {2, r}));
        for (int[] p : points) {
            for (int i = 1; i <= options.scaleTrials(); i++) {
                List<Phases.Stack> order = i % 2 == 1
                        ? List.of(Phases.Stack.HA_STACK, Phases.Stack.CURATOR)
                        : List.of(Phases.Stack.CURATOR, Phases.Stack.HA_STACK);
                for (Phases.Stack stack : order) {
                    record(trial(stack, Scenario.SCALE, p[0], p[1], i));
                }
            }
            printSummary(Scenario.SCALE, p[0] + " nodes, " + p[1] + " resources");
        }
    }

    // ---------------------------------------------------------------- scenario 7

    private void idle() {
        System.out.printf(
                "%n== idle: three-node clusters, idle for %d s, measured %d s after the machine settled%n",
                options.idleSeconds(), options.idleWarmSeconds());
        for (Phases.Stack stack : List.of(Phases.Stack.HA_STACK, Phases.Stack.CURATOR)) {
            try (Cluster c = launch(stack, 3, 2)) {
                c.awaitSteady();
                // let start-up work settle: the JVMs' JIT compilers go on for a while after that
                MachineLoad.Settle settle = settle("the measurement goes ahead");
                LockSupport.parkNanos(
                        Duration.ofSeconds(options.idleWarmSeconds()).toNanos());
                List<NodeProcess> measured = new ArrayList<>(c.nodes());
                if (stack == Phases.Stack.CURATOR) {
                    measured.add(zooKeeper);
                }
                Map<String, Long> before = new LinkedHashMap<>();
                Map<String, Long> watchdogs = new LinkedHashMap<>();
                for (NodeProcess n : measured) {
                    before.put(n.name(), cpuTicks(n.pid()));
                    watchdogOf(n.pid()).ifPresent(w -> watchdogs.put(n.name(), w));
                }
                Map<String, Long> watchdogBefore = new LinkedHashMap<>();
                watchdogs.forEach((name, pid) -> watchdogBefore.put(name, cpuTicks(pid)));
                long begin = System.nanoTime();
                LockSupport.parkNanos(Duration.ofSeconds(options.idleSeconds()).toNanos());
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                String active = c.servedBy().orElse(""); // asked after the measurement: 1 for the node serving the page
                int number = 1;
                for (NodeProcess n : measured) {
                    long ticks = cpuTicks(n.pid()) - before.get(n.name());
                    Map<String, Long> checks = new LinkedHashMap<>();
                    settled(settle, checks);
                    archived(stack, checks);
                    // ticks are 10 ms (USER_HZ 100): per mille of one core
                    checks.put("cpu_permille_of_core", ticks * 10 * 1000 / elapsedMs);
                    checks.put("active", n.name().equals(active) ? 1L : 0L);
                    heap(n.pid()).forEach(checks::put);
                    checks.put("rss_kb", rssKb(n.pid()));
                    Long watchdog = watchdogs.get(n.name());
                    if (watchdog != null) { // the node's watchdog JVM: part of what the node costs
                        long wTicks = cpuTicks(watchdog) - watchdogBefore.get(n.name());
                        checks.put("watchdog_cpu_permille_of_core", wTicks * 10 * 1000 / elapsedMs);
                        checks.put("watchdog_rss_kb", rssKb(watchdog));
                    }
                    record(new Trial(stack, Scenario.IDLE, n.name(), number++, Map.of(), checks, ""));
                }
            } catch (RuntimeException e) {
                record(new Trial(stack, Scenario.IDLE, "3 nodes", 0, Map.of(), Map.of(), e.getMessage()));
            }
        }
    }

    /**
     * Waits until the machine settles after a cluster's start (see {@link #SETTLE_BUSY}); if it did
     * not, says so and {@code then}, what the caller does next all the same.
     */
    private static MachineLoad.Settle settle(String then) {
        MachineLoad.Settle settle = MachineLoad.awaitQuiet(SETTLE_BUSY, SETTLE_WINDOW, SETTLE_TIMEOUT);
        if (settle.measured() && !settle.settled()) {
            System.out.printf(
                    "  (the machine did not settle within %d s: %.0f%% busy; %s)%n",
                    SETTLE_TIMEOUT.toSeconds(), settle.busy() * 100, then);
        }
        return settle;
    }

    /** Marks a trial of HA Stack's nodes with the class-data archive ({@code class_archive=1}). */
    private void archived(Phases.Stack stack, Map<String, Long> checks) {
        if (stack == Phases.Stack.HA_STACK && classArchive != null) {
            checks.put("class_archive", 1L);
        }
    }

    /** Records how long a trial waited for the machine to settle, and how busy it was then. */
    private static void settled(MachineLoad.Settle settle, Map<String, Long> checks) {
        if (settle.measured()) {
            checks.put("settle_ms", settle.waitedMillis());
            checks.put("busy_permille_before", Math.round(settle.busy() * 1000));
        }
    }

    /** The process id of the node watchdog JVM that {@code nodePid} started, if it runs one. */
    private static Optional<Long> watchdogOf(long nodePid) {
        return ProcessHandle.of(nodePid).stream()
                .flatMap(ProcessHandle::children)
                .filter(c -> c.info()
                        .arguments()
                        .map(a -> Arrays.asList(a).contains(Watchdog.class.getName()))
                        .orElse(false))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    /** utime + stime of {@code pid}, in clock ticks, from /proc. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
        }
    }

    private static long rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static final Pattern HEAP_LINE = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /** Heap used and committed (KB) of the JVM {@code pid}, from {@code jcmd PID GC.heap_info}. */
    private static Map<String, Long> heap(long pid) {
        try {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "GC.heap_info")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return heapFromJcmd(out);
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The heap's used and committed KB summed over the generations in {@code GC.heap_info}'s output. */
    static Map<String, Long> heapFromJcmd(String out) {
        long used = 0;
        long total = 0;
        for (String line : out.lines().toList()) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = HEAP_LINE.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
                used += Long.parseLong(m.group(2));
            }
        }
        Map<String, Long> heap = new LinkedHashMap<>();
        heap.put("heap_used_kb", used);
        heap.put("heap_committed_kb", total);
        return heap;
    }

    // ---------------------------------------------------------------- clusters

    private Cluster launch(Phases.Stack stack, int nodes, int resources) {
        return stack == Phases.Stack.HA_STACK
                ? launch(stack, nodes, resources, haJvmOptions())
                : launch(stack, nodes, resources, List.of());
    }

    /** A cluster of {@code stack} whose HA Stack node JVMs have the options {@code jvm}. */
    private Cluster launch(Phases.Stack stack, int nodes, int resources, List<String> jvm) {
        List<String> names =
                IntStream.rangeClosed(1, nodes).mapToObj(i -> "node" + i).toList();
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path dir = logs.resolve(stack == Phases.Stack.HA_STACK ? "ha-" + id : "curator-" + id);
        List<Integer> ports = NodeProcess.freePorts(nodes + 1);
        int web = ports.get(nodes);
        List<NodeProcess> launched = new ArrayList<>();
        if (stack == Phases.Stack.HA_STACK) {
            List<Integer> peers = ports.subList(0, nodes);
            List<String> args = new ArrayList<>(
                    List.of("--nodes", String.join(",", names), "--resources", Integer.toString(resources)));
            args.addAll(options.haArgs());
            if (options.haOnZooKeeper()) {
                args.addAll(List.of("--quorum-device", "zookeeper", "--zookeeper", zooKeeper()));
            }
            for (int i = 0; i < nodes; i++) {
                launched.add(NodeProcess.launch(
                        List.of(),
                        jvm,
                        names.get(i),
                        "bench-" + id,
                        peers.get(i),
                        peers,
                        web,
                        dir,
                        dir.resolve("shared"),
                        args));
            }
        } else {
            String connect = zooKeeper();
            for (String name : names) {
                launched.add(NodeProcess.launchMain(
                        name,
                        CuratorCandidate.class.getName(),
                        List.of(
                                "--name", name,
                                "--connect", connect,
                                "--path", "/bench/" + id,
                                "--web-port", Integer.toString(web),
                                "--session-ms", Integer.toString(options.sessionMs()),
                                "--connection-ms", Integer.toString(options.connectionMs()),
                                "--resources", Integer.toString(resources)),
                        dir));
            }
        }
        List<String> resourceNames = new ArrayList<>();
        for (int i = 1; i < resources; i++) {
            resourceNames.add(i == 1 ? "worker" : "worker" + i);
        }
        resourceNames.add("web");
        return new Cluster(stack, launched, web, resourceNames, dir);
    }

    /**
     * The HA Stack node JVMs' own options: {@code --ha-jvm-options}, and with {@code
     * --ha-class-archive on} the class-data archive the run trained before its first trial ({@link
     * #classArchiveOptions}).
     */
    private List<String> haJvmOptions() {
        List<String> jvm = new ArrayList<>(options.haJvmOptions());
        if (classArchive != null) {
            jvm.addAll(classArchiveOptions(classArchive));
        }
        return List.copyOf(jvm);
    }

    /**
     * The options of a node JVM that maps the class-data archive {@code archive}: {@code -Xshare:on},
     * so that a JVM that cannot map it fails to start instead of running without it.
     */
    static List<String> classArchiveOptions(Path archive) {
        return List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive.toAbsolutePath());
    }

    /**
     * Trains the HA Stack nodes' class-data archive, untimed: a 2-node, 2-resource cluster whose
     * nodes would write the classes they loaded as they exit ({@code -XX:ArchiveClassesAtExit}); the
     * active node is killed (it writes nothing), and once the survivor has converged (its starts
     * done) and its monitors have run, it is asked to quit and writes the archive, the classes of
     * its failover included. The run stops if this fails: its HA Stack trials would otherwise be a
     * configuration other than the one asked for.
     *
     * @throws IllegalStateException if the cluster does not fail over, the survivor does not exit
     *     with status 0 within {@link #WAIT}, or the archive is missing or empty
     * @throws java.io.UncheckedIOException if the archive's old copy cannot be removed
     */
    private Path trainClassArchive() {
        Path archive = options.out().resolve("ha-node.jsa").toAbsolutePath();
        System.out.printf(
                "%n== class-data archive for HA Stack's nodes: one untimed SIGKILL failover; its survivor writes %s as"
                        + " it exits%n",
                archive);
        try {
            Files.deleteIfExists(archive);
            String survivor;
            Path dir;
            List<String> jvm = new ArrayList<>(options.haJvmOptions());
            jvm.add("-XX:ArchiveClassesAtExit=" + archive);
            try (Cluster c = launch(Phases.Stack.HA_STACK, 2, 2, jvm)) {
                dir = c.dir;
                c.awaitSteady();
                NodeProcess victim = c.node(c.active());
                long faultAt = System.currentTimeMillis();
                victim.kill();
                survivor = c.awaitPageFromOtherThan(victim.name());
                NodeProcess last = c.node(survivor);
                await(
                        () -> last.firstEvent(e -> e.type().equals("CONVERGED") && e.epochMillis() >= faultAt)
                                .isPresent(),
                        WAIT,
                        survivor + " converging after the failover; logs in " + dir);
                LockSupport.parkNanos(MONITORED.toNanos()); // each resource's monitor runs on the survivor
                if (!last.quit(WAIT) || last.exitCode().orElse(-1) != 0) {
                    throw new IllegalStateException(
                            "the archive's survivor " + survivor + " did not exit with status 0 within "
                                    + WAIT.toSeconds() + " s of its quit (" + last.exitCode() + "); logs in " + dir);
                }
            }
            if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
                throw new IllegalStateException("survivor " + survivor + " exited but wrote no class-data archive "
                        + archive + "; logs in " + dir);
            }
            System.out.printf("  %s: %d KiB%n", archive, Files.size(archive) >> 10);
            return archive;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot train the class-data archive " + archive, e);
        }
    }

    private String zooKeeper() {
        if (zooKeeper == null) {
            zooKeeper = NodeProcess.launchMain(
                    "zookeeper",
                    BenchZooKeeper.class.getName(),
                    List.of("--tick-ms", Integer.toString(options.tickMs())),
                    logs);
            await(() -> zooKeeper.firstEvent(e -> e.type().equals("ZK_READY")).isPresent(), WAIT, "ZooKeeper");
            connectString = zooKeeper
                    .firstEvent(e -> e.type().equals("ZK_READY"))
                    .orElseThrow()
                    .subject();
        }
        return connectString;
    }

    private void stopZooKeeper() {
        if (zooKeeper != null) {
            zooKeeper.quit(Duration.ofSeconds(10));
        }
    }

    /** One trial's cluster of either stack. */
    private static final class Cluster implements AutoCloseable {
        private final Phases.Stack stack;
        private final List<NodeProcess> nodes;
        /** One client for the whole trial: a new one per poll cost the machine 2-3 ms of CPU each time. */
        private final DemoPage page;

        private final List<String> resources;
        private final Path dir;

        Cluster(Phases.Stack stack, List<NodeProcess> nodes, int web, List<String> resources, Path dir) {
            this.stack = stack;
            this.nodes = List.copyOf(nodes);
            this.page = new DemoPage(web);
            this.resources = List.copyOf(resources);
            this.dir = dir;
        }

        List<NodeProcess> nodes() {
            return nodes;
        }

        List<String> resources() {
            return resources;
        }

        NodeProcess node(String name) {
            return nodes.stream()
                    .filter(n -> n.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no node " + name));
        }

        List<NodeProcess.Event> allEvents() {
            List<NodeProcess.Event> all = new ArrayList<>();
            nodes.forEach(n -> all.addAll(n.events()));
            return all;
        }

        String active() {
            return servedBy().orElseThrow(() -> new IllegalStateException("the page does not answer; logs in " + dir));
        }

        Optional<String> servedBy() {
            return page.servedBy();
        }

        /** Every node in one membership, every resource started on the active node, the page answering. */
        void awaitSteady() {
            awaitSteady(0);
        }

        /** As {@link #awaitSteady()}, with the resources started at or after {@code since} (epoch ms). */
        void awaitSteady(long since) {
            List<String> names = nodes.stream().map(NodeProcess::name).toList();
            for (NodeProcess n : nodes) {
                if (!n.isAlive()) {
                    throw new IllegalStateException(n.name() + " exited; see " + n.log());
                }
                await(
                        () -> n.events().stream()
                                .anyMatch(e -> stack == Phases.Stack.HA_STACK
                                        ? (nodes.size() == 2
                                                        ? e.type().equals("QUORUM_RECORDED")
                                                        : e.type().equals("VIEW_INSTALLED"))
                                                && names.stream().allMatch(e.detail()::contains)
                                        : e.type().equals("LATCH_CHILDREN")
                                                && e.detail().startsWith(nodes.size() + " latch nodes")),
                        WAIT,
                        n.name() + " to see every node; logs in " + dir);
            }
            // The node that answered: the page may stop again at once while the start-up settles.
            java.util.concurrent.atomic.AtomicReference<String> answered =
                    new java.util.concurrent.atomic.AtomicReference<>();
            await(
                    () -> servedBy()
                            .map(n -> {
                                answered.set(n);
                                return true;
                            })
                            .orElse(false),
                    WAIT,
                    "the page; logs in " + dir);
            String active = answered.get();
            await(
                    () -> resources.stream()
                            .allMatch(r -> allEvents().stream()
                                    .anyMatch(e -> e.type().equals("ACTION_SUCCEEDED")
                                            && e.epochMillis() >= since
                                            && e.detail().startsWith("start " + r + " on " + active))),
                    WAIT,
                    "every resource started on " + active + "; logs in " + dir);
            if (stack == Phases.Stack.HA_STACK) {
                long lastStart = allEvents().stream()
                        .filter(e -> e.type().equals("ACTION_SUCCEEDED"))
                        .mapToLong(NodeProcess.Event::epochMillis)
                        .max()
                        .orElse(0);
                await(
                        () -> allEvents().stream()
                                .anyMatch(e -> e.type().equals("CONVERGED") && e.epochMillis() >= lastStart),
                        WAIT,
                        "the cluster to converge; logs in " + dir);
            }
            if (resources.size() > 1) {
                await(() -> workers().containsKey(active), WAIT, "the worker on " + active);
            }
        }

        /** The live workers under each node JVM now, by node; zombies are not counted. */
        Map<String, List<Long>> workers() {
            Map<String, List<Long>> live = new TreeMap<>();
            for (NodeProcess n : nodes) {
                List<Long> pids = ProcessHandle.of(n.pid()).stream()
                        .flatMap(ProcessHandle::children)
                        .filter(p -> p.info()
                                .commandLine()
                                .map(cmd -> cmd.contains(WORKER_COMMAND))
                                .orElse(false))
                        .filter(p -> running(p.pid()))
                        .map(ProcessHandle::pid)
                        .toList();
                if (!pids.isEmpty()) {
                    live.put(n.name(), pids);
                }
            }
            return live;
        }

        String awaitPageFromOtherThan(String victim) {
            String[] by = new String[1];
            await(
                    () -> {
                        Optional<String> s = servedBy();
                        s.ifPresent(x -> by[0] = x);
                        return s.isPresent() && !s.get().equals(victim);
                    },
                    FAULT_WAIT,
                    "the page from a node other than " + victim + "; logs in " + dir);
            return by[0];
        }

        String awaitNewWorkerAndPage(long oldWorker) {
            String[] on = new String[1];
            await(
                    () -> {
                        for (Map.Entry<String, List<Long>> e : workers().entrySet()) {
                            if (e.getValue().stream().anyMatch(p -> p != oldWorker)) {
                                on[0] = e.getKey();
                            }
                        }
                        return on[0] != null && servedBy().isPresent();
                    },
                    FAULT_WAIT,
                    "a new worker and the page; logs in " + dir);
            return on[0];
        }

        String awaitWorkerOnOtherThan(String victim, Overlap overlap) {
            String[] on = new String[1];
            await(
                    () -> {
                        Map<String, List<Long>> w = workers();
                        overlap.sample(w);
                        w.keySet().stream()
                                .filter(n -> !n.equals(victim))
                                .findFirst()
                                .ifPresent(n -> on[0] = n);
                        return on[0] != null;
                    },
                    FAULT_WAIT,
                    "a worker on a node other than " + victim + "; logs in " + dir);
            return on[0];
        }

        void observe(Duration d, Overlap overlap) {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                overlap.sample(workers());
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        /** Kills every node JVM: each trial has a cluster, a quorum device and a latch path of its own. */
        @Override
        public void close() {
            nodes.forEach(NodeProcess::close);
        }
    }

    /** False for a process that is gone or a zombie (state Z or X in /proc/PID/stat). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static void awaitQuietly(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
