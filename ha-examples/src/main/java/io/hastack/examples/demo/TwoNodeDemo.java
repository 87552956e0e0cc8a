package io.hastack.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The two-node demo: starts two node JVMs on 127.0.0.1, waits until one serves the web page, kills
 * that JVM with SIGKILL, and prints the failover timeline and the final status. Exits 0 on
 * success, 1 as soon as a node JVM exits unexpectedly, the cluster says the group cannot run
 * (with the reason and the failed actions' messages), or a phase does not complete in time (the
 * message names the phase and the logs). It leaves no mount or server behind, also on failure.
 */
public final class TwoNodeDemo {
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);

    private final Path logDir =
            Path.of(System.getProperty("demo.logs", "target/demo-logs")).toAbsolutePath();
    private final long begin = System.nanoTime();
    /** The group's resources, in start order. */
    private List<String> resources = List.of();

    private TwoNodeDemo() {}

    /** Runs the demo. */
    public static void main(String[] args) {
        int code;
        try {
            code = new TwoNodeDemo().run();
        } catch (DemoFailure e) {
            System.out.println();
            System.out.println("DEMO FAILED: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    private void progress(int step, String text) {
        System.out.printf("[%d/5 %5.1fs] %s%n", step, (System.nanoTime() - begin) / 1e9, text);
    }

    private int run() {
        List<Integer> ports = NodeProcess.freePorts(6);
        int webPort = ports.get(2);
        List<Integer> peers = ports.subList(0, 2);
        String cluster = "ha-demo-" + UUID.randomUUID().toString().substring(0, 8);
        System.out.println("HA Stack two-node demo: a resource group (file system, database, web server) fails over"
                + " after a SIGKILL.");
        DataStack.Place place = DataStack.place(
                DataStack.detect(ports.get(3), ports.get(4), ports.get(5)), logDir.resolve(cluster), webPort);
        DataStack stack = place.stack();
        Path shared = place.shared();
        place.why().ifPresent(why -> System.out.println("Note: " + why));
        System.out.println("Group: " + stack.describe());
        System.out.println("Web page: http://127.0.0.1:" + webPort + "/   node logs: " + logDir);
        System.out.println();

        progress(1, "Starting node1 (port " + peers.get(0) + ") and node2 (port " + peers.get(1) + ") in two JVMs ...");
        // Whatever ends the demo (success, a failure, SIGTERM, Ctrl-C): no node JVM, mount or
        // temporary directory is left behind.
        List<NodeProcess> launched = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean cleaned = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable cleanUp = () -> {
            if (cleaned.compareAndSet(false, true)) {
                launched.forEach(NodeProcess::close);
                stack.cleanUp(shared, place.temporary());
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "demo-clean-up"));
        try {
            stack.prepare(shared, webPort);
            resources = DemoCluster.config(webPort, Optional.of(stack), shared).groups().get(0).resources().stream()
                    .map(r -> r.id().value())
                    .toList();
            return runNodes(cluster, peers, webPort, shared, stack, launched);
        } finally {
            cleanUp.run();
        }
    }

    private int runNodes(
            String cluster,
            List<Integer> peers,
            int webPort,
            Path shared,
            DataStack stack,
            List<NodeProcess> launched) {
        try (NodeProcess node1 = NodeProcess.launch(
                        "node1", cluster, peers.get(0), peers, webPort, logDir, shared, stack.args());
                NodeProcess node2 = NodeProcess.launch(
                        "node2", cluster, peers.get(1), peers, webPort, logDir, shared, stack.args())) {
            launched.add(node1);
            launched.add(node2);
            List<NodeProcess> nodes = List.of(node1, node2);
            // Both in one view, recorded on the quorum device: from then on either can survive the other.
            for (NodeProcess n : nodes) {
                awaitEvent(
                        n,
                        nodes,
                        e -> e.type().equals("QUORUM_RECORDED")
                                && e.detail().contains("node1")
                                && e.detail().contains("node2"),
                        "both nodes to join one view");
            }
            progress(2, "Both nodes are in one view; waiting for the cluster to place " + DemoCluster.GROUP + " ...");
            String active = awaitPage(webPort, Optional.empty(), nodes);
            System.out.println("        "
                    + fetch(webPort).orElse("").lines().skip(1).findFirst().orElse(""));
            NodeProcess victim = active.equals("node1") ? node1 : node2;
            NodeProcess survivor = victim == node1 ? node2 : node1;

            progress(3, "The page is served by " + active + ". Killing " + active + "'s JVM with SIGKILL ...");
            long killedAt = System.currentTimeMillis();
            victim.kill();

            String after = awaitPage(webPort, Optional.of(active), List.of(survivor));
            long answeredAt = System.currentTimeMillis();
            progress(4, "The page answers again, from " + after + ":");
            System.out.println("        "
                    + fetch(webPort).orElse("").lines().skip(1).findFirst().orElse(""));
            System.out.println("      Failover timeline (ms after the SIGKILL):");
            printTimeline(victim, survivor, killedAt, answeredAt, after);

            progress(5, "Final status, from " + survivor.name() + ":");
            String status = survivor.status(PHASE_TIMEOUT)
                    .orElseThrow(() ->
                            new DemoFailure(survivor.name() + " did not report its status; see " + survivor.log()));
            status.lines().forEach(l -> System.out.println("        " + l));
            survivor.quit(PHASE_TIMEOUT);
            System.out.printf("%nDone in %.1f s. Node logs are in %s%n", (System.nanoTime() - begin) / 1e9, logDir);
            return 0;
        }
    }

    /**
     * Prints the failover's phases as the benchmark reads them ({@link
     * io.hastack.examples.bench.Phases}), in ms after the SIGKILL, each with what its event said, and
     * names the slowest step (the longest wait between two phases).
     */
    private void printTimeline(
            NodeProcess victim, NodeProcess survivor, long killedAt, long answeredAt, String server) {
        // Events arrive through a pipe; give the last ones a moment to be read.
        awaitEvent(
                survivor,
                List.of(survivor),
                e -> e.epochMillis() >= killedAt && e.type().equals("CONVERGED"),
                "the survivor to converge");
        List<NodeProcess.Event> events = new java.util.ArrayList<>(victim.events());
        events.addAll(survivor.events());
        java.util.Map<String, Long> phases = io.hastack.examples.bench.Phases.extract(
                io.hastack.examples.bench.Phases.Stack.HA_STACK,
                io.hastack.examples.bench.Scenario.KILL,
                events,
                victim.name(),
                survivor.name(),
                killedAt,
                resources);
        phases.put(io.hastack.examples.bench.Phases.SERVICE, answeredAt - killedAt);
        // The lease wait's end is a deadline: cut short (the death confirmed), it is no step taken.
        Long firstAction = phases.get("first action");
        if (firstAction != null && phases.getOrDefault("lease wait end", 0L) > firstAction) {
            phases.remove("lease wait end");
        }
        Predicate<NodeProcess.Event> afterKill = e -> e.epochMillis() >= killedAt;
        String previous = "the SIGKILL";
        long previousAt = 0;
        String slowest = "";
        long slowestMs = -1;
        List<java.util.Map.Entry<String, Long>> inOrder = phases.entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByValue())
                .toList();
        for (java.util.Map.Entry<String, Long> phase : inOrder) {
            String name = phase.getKey();
            String label = label(name);
            String detail = switch (name) {
                case "detected" ->
                    survivor.firstEvent(afterKill.and(type("MEMBER_SUSPECTED")))
                            .map(e -> survivor.name() + "'s failure detector suspects " + e.subject())
                            .orElse("");
                case "verified" -> detail(survivor, afterKill.and(type("DEATH_CONFIRMED")));
                case "view" -> detail(survivor, afterKill.and(type("VIEW_INSTALLED")));
                case "quorum" -> detail(survivor, afterKill.and(type("QUORUM_GAINED")));
                case "lease wait end" -> detail(survivor, afterKill.and(type("TAKEOVER_WAIT")));
                case "plan" ->
                    detail(survivor, afterKill.and(type("PLAN_COMPUTED"))).replace(";", " |");
                case "first action" -> detail(survivor, afterKill.and(type("ACTION_STARTED")));
                case io.hastack.examples.bench.Phases.SERVICE -> "GET / is served by " + server;
                default ->
                    name.startsWith("start ")
                            ? detail(
                                    survivor,
                                    afterKill.and(e -> e.type().equals("ACTION_SUCCEEDED")
                                            && e.subject().equals(name.substring("start ".length()))
                                            && e.detail().startsWith("start")))
                            : "";
            };
            long at = phase.getValue();
            System.out.printf("        %6d  %-20s %s%n", at, label, detail);
            if (at - previousAt > slowestMs) {
                slowestMs = at - previousAt;
                slowest = label + ", " + slowestMs + " ms after " + previous;
            }
            previous = label;
            previousAt = at;
        }
        System.out.println("        Slowest step: " + slowest);
    }

    private static String label(String phase) {
        return switch (phase) {
            case "detected" -> "failure detected";
            case "verified" -> "death confirmed";
            case "view" -> "new view installed";
            case "quorum" -> "quorum decided";
            case "lease wait end" -> "lease wait ends";
            case "plan" -> "plan computed";
            case "first action" -> "first action begins";
            case io.hastack.examples.bench.Phases.SERVICE -> "web page answers";
            default -> phase.startsWith("start ") ? phase.substring("start ".length()) + " started" : phase;
        };
    }

    private static Predicate<NodeProcess.Event> type(String type) {
        return e -> e.type().equals(type);
    }

    private static String detail(NodeProcess node, Predicate<NodeProcess.Event> filter) {
        return node.firstEvent(filter).map(NodeProcess.Event::detail).orElse("");
    }

    /** Ends the demo at once if a node in {@code alive} exited or the cluster says the group cannot run. */
    private static void watch(List<NodeProcess> alive, String what) {
        DemoWatch.problem(alive).ifPresent(p -> {
            throw new DemoFailure("while waiting for " + what + ", " + p);
        });
    }

    private void awaitEvent(
            NodeProcess node, List<NodeProcess> alive, Predicate<NodeProcess.Event> filter, String what) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (node.firstEvent(filter).isEmpty()) {
            watch(alive, what);
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("timed out after " + PHASE_TIMEOUT.toSeconds() + " s waiting for " + what
                        + "; see " + node.log());
            }
            pause(10);
        }
    }

    /** Polls the page until a node other than {@code not} serves it; returns that node's name. */
    private String awaitPage(int port, Optional<String> not, List<NodeProcess> alive) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        DemoPage page = new DemoPage(port); // one client for every poll: a new one costs 2-3 ms of CPU
        while (System.nanoTime() < deadline) {
            watch(alive, "the web page");
            Optional<String> server = page.servedBy();
            if (server.isPresent() && !server.equals(not)) {
                return server.get();
            }
            pause(2);
        }
        throw new DemoFailure("timed out after " + PHASE_TIMEOUT.toSeconds() + " s waiting for the web page on port "
                + port + "; see the logs in " + logDir);
    }

    private static Optional<String> fetch(int port) {
        return new DemoPage(port).body();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
    }
}
