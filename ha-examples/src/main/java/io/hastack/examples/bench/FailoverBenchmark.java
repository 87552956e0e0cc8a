package io.hastack.examples.bench;

import io.hastack.examples.demo.DemoPage;
import io.hastack.examples.demo.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Failover after SIGKILL, two node JVMs on loopback: {@code FailoverBenchmark [--trials N]}. Each
 * trial starts a fresh pair, waits until the group serves its page and the two-node view is
 * recorded, kills the active JVM and times (from the kill) the survivor's new view and the page
 * answering again from the survivor. Trials alternate between HA Stack's TCP preset and a baseline
 * (the same stack with VERIFY_SUSPECT2 at 500 ms, as in the reference stack {@code
 * tcp-loopback.xml}), so that both see the same machine; p50 and p99 are printed for each.
 */
public final class FailoverBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path logs = Path.of("target", "bench-logs").toAbsolutePath();

    private FailoverBenchmark() {}

    /** One measured trial, in ms after the kill. */
    private record Trial(long view, long page) {}

    /** Runs the benchmark. */
    public static void main(String[] args) {
        int trials = args.length == 2 && args[0].equals("--trials") ? Integer.parseInt(args[1]) : 20;
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("baseline (verify 500 ms)", List.of("--verify-ms", "500"));
        variants.put("ha-stack preset (verify 200 ms)", List.of());
        FailoverBenchmark bench = new FailoverBenchmark();
        Map<String, List<Trial>> results = new LinkedHashMap<>();
        variants.keySet().forEach(k -> results.put(k, new ArrayList<>()));
        for (int i = 0; i < trials; i++) {
            for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                Trial t = bench.trial(v.getValue());
                results.get(v.getKey()).add(t);
                System.out.printf("trial %2d %-32s view %4d ms, page %4d ms%n", i + 1, v.getKey(), t.view(), t.page());
            }
        }
        System.out.printf("%nfailover after SIGKILL, %d trials each (ms after the kill):%n", trials);
        System.out.printf("  %-32s %9s %9s %9s %9s%n", "", "view p50", "view p99", "page p50", "page p99");
        results.forEach((name, list) -> System.out.printf(
                "  %-32s %9d %9d %9d %9d%n",
                name,
                percentile(list.stream().map(Trial::view).toList(), 50),
                percentile(list.stream().map(Trial::view).toList(), 99),
                percentile(list.stream().map(Trial::page).toList(), 50),
                percentile(list.stream().map(Trial::page).toList(), 99)));
    }

    /** The nearest-rank percentile {@code p} of {@code values}. */
    static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private Trial trial(List<String> extraArgs) {
        List<Integer> ports = NodeProcess.freePorts(3);
        List<Integer> peers = ports.subList(0, 2);
        int web = ports.get(2);
        String cluster = "bench-" + UUID.randomUUID();
        Path shared = logs.resolve(cluster);
        try (NodeProcess a = NodeProcess.launch("node1", cluster, peers.get(0), peers, web, logs, shared, extraArgs);
                NodeProcess b =
                        NodeProcess.launch("node2", cluster, peers.get(1), peers, web, logs, shared, extraArgs)) {
            for (NodeProcess n : List.of(a, b)) {
                waitFor(
                        () -> n.firstEvent(e -> e.type().equals("QUORUM_RECORDED")
                                        && e.detail().contains("node1")
                                        && e.detail().contains("node2"))
                                .isPresent(),
                        "the two-node view");
            }
            DemoPage served = new DemoPage(web); // one client: a new one per poll costs 2-3 ms of CPU
            waitFor(() -> served.servedBy().isPresent(), "the page");
            NodeProcess victim = served.servedBy().orElseThrow().equals("node1") ? a : b;
            NodeProcess survivor = victim == a ? b : a;
            long killedAt = System.currentTimeMillis();
            victim.kill();
            waitFor(() -> served.servedBy().equals(Optional.of(survivor.name())), "the page from the survivor");
            long page = System.currentTimeMillis() - killedAt;
            waitFor(
                    () -> survivor.firstEvent(
                                    e -> e.epochMillis() >= killedAt && e.type().equals("VIEW_INSTALLED"))
                            .isPresent(),
                    "the survivor's view");
            long view = survivor.firstEvent(
                                    e -> e.epochMillis() >= killedAt && e.type().equals("VIEW_INSTALLED"))
                            .orElseThrow()
                            .epochMillis()
                    - killedAt;
            survivor.quit(WAIT);
            return new Trial(view, page);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
