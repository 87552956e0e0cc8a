package io.hastack.examples.bench;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.examples.demo.DemoPage;
import io.hastack.membership.zookeeper.ZooKeeperQuorumDevice;
import io.hastack.resources.web.EmbeddedWebServerAgent;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;

/**
 * What single steps of a failover cost, measured apart, each against its baseline in the same run
 * (the figures {@code docs/performance.md} quotes as "measured apart"). Plain harness, p50 / p99 /
 * max in ms:
 *
 * <ul>
 *   <li>{@code epochs}: the ZooKeeper quorum device's {@code nextEpochs} for 2, 10 and 100
 *       resources (one read-only multi, then one transaction) against as many sequential {@code
 *       getData} calls alone, on an in-JVM {@code TestingServer};
 *   <li>{@code spawn}: bursts of 100 spawns on four threads of {@code setpriv --pdeathsig KILL --
 *       sleep 86400} (the process agent's way) against {@code sleep 86400} alone;
 *   <li>{@code first-request}: a fresh JVM with the node's options starts the embedded web server;
 *       the time from its listening to the first answered page, polled every millisecond from this
 *       JVM, after the agent's warm-up (a probe first) against without it.
 * </ul>
 *
 * <p>Flags: {@code --what epochs,spawn,first-request} (default all), {@code --trials N} (default
 * 50 for epochs, 10 bursts for spawn, 10 JVMs per variant for first-request).
 */
public final class StepCosts {
    /** The node JVM's options, as the demo and the benchmark start it. */
    static final List<String> NODE_JVM =
            List.of("-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private StepCosts() {}

    /** Runs the measurements; see the class comment for the flags. */
    public static void main(String[] args) throws Exception {
        List<String> what = List.of("epochs", "spawn", "first-request");
        int trials = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--what") && i + 1 < args.length) {
                what = List.of(args[++i].split(","));
            } else if (args[i].equals("--trials") && i + 1 < args.length) {
                trials = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: StepCosts [--what epochs,spawn,first-request] [--trials N];"
                        + " unexpected '" + args[i] + "'");
                System.exit(2);
            }
        }
        for (String w : what) {
            Map<String, List<Long>> rows = switch (w) {
                case "epochs" -> epochs(trials > 0 ? trials : 50);
                case "spawn" -> spawns(trials > 0 ? trials : 10);
                case "first-request" -> firstRequest(trials > 0 ? trials : 10);
                default ->
                    throw new IllegalArgumentException("--what: '" + w + "' is none of epochs, spawn, first-request");
            };
            print(w, rows);
        }
    }

    private static void print(String what, Map<String, List<Long>> rows) {
        System.out.printf("%n== %s (ms)%n  %-58s %4s %8s %8s %8s%n", what, "", "n", "p50", "p99", "max");
        rows.forEach((label, nanos) -> System.out.printf(
                "  %-58s %4d %8.2f %8.2f %8.2f%n",
                label,
                nanos.size(),
                Results.percentile(nanos, 50) / 1e6,
                Results.percentile(nanos, 99) / 1e6,
                nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6));
    }

    /** The device's batched epochs against sequential reads alone, for 2, 10 and 100 resources. */
    static Map<String, List<Long>> epochs(int trials) throws Exception {
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        try (TestingServer server = new TestingServer(true);
                CuratorFramework client =
                        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryNTimes(2, 100))) {
            client.start();
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the embedded ZooKeeper did not answer");
            }
            ZooKeeperQuorumDevice device = new ZooKeeperQuorumDevice(client, "/hastack/step-costs");
            for (int n : new int[] {2, 10, 100}) {
                List<ResourceId> resources = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    resources.add(ResourceId.of("r" + n + "-" + i));
                }
                device.nextEpochs(resources); // the counters exist from here on, as in a running cluster
                List<Long> batched = new ArrayList<>();
                List<Long> sequential = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    long begin = System.nanoTime();
                    device.nextEpochs(resources);
                    batched.add(System.nanoTime() - begin);
                    begin = System.nanoTime();
                    for (ResourceId r : resources) {
                        client.getData().forPath("/hastack/step-costs/epochs/" + r.value());
                    }
                    sequential.add(System.nanoTime() - begin);
                }
                rows.put(n + " resources: nextEpochs (batched read + transaction)", batched);
                rows.put(n + " resources: baseline, " + n + " sequential getData alone", sequential);
            }
        }
        return rows;
    }

    /** Bursts of 100 spawns on four threads, through setpriv and without it. */
    static Map<String, List<Long>> spawns(int bursts) throws Exception {
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        if (!Files.isExecutable(SETPRIV)) {
            System.out.println("spawn: skipped, " + SETPRIV + " (util-linux) is not installed");
            return rows;
        }
        List<Long> viaSetpriv = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int b = 0; b < bursts; b++) {
                viaSetpriv.add(
                        burst(threads, List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--", "sleep", "86400")));
                plain.add(burst(threads, List.of("sleep", "86400")));
            }
        } finally {
            threads.shutdownNow();
        }
        rows.put("100 spawns of setpriv --pdeathsig KILL -- sleep, 4 threads", viaSetpriv);
        rows.put("baseline: 100 spawns of sleep alone, 4 threads", plain);
        return rows;
    }

    private static long burst(ExecutorService threads, List<String> command) throws Exception {
        List<Future<Process>> spawned = new ArrayList<>();
        long begin = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            spawned.add(threads.submit(() -> new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start()));
        }
        List<Process> processes = new ArrayList<>();
        for (Future<Process> f : spawned) {
            processes.add(f.get());
        }
        long took = System.nanoTime() - begin;
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
        return took;
    }

    /** Fresh node-like JVMs: listening to the first answered page, warmed and cold, alternating. */
    static Map<String, List<Long>> firstRequest(int trials) throws Exception {
        List<Long> warm = new ArrayList<>();
        List<Long> cold = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            warm.add(listeningToAnswer(true));
            cold.add(listeningToAnswer(false));
        }
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        rows.put("embedded web server, listening -> first page, after a probe", warm);
        rows.put("baseline: the same without the probe's warm-up", cold);
        return rows;
    }

    private static long listeningToAnswer(boolean warmed) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                WebChild.class.getName(),
                warmed ? "warm" : "cold",
                Integer.toString(port)));
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            CompletableFuture<Long> listening = new CompletableFuture<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader in = new BufferedReader(
                                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line; (line = in.readLine()) != null; ) {
                                if (line.startsWith("LISTENING ")) {
                                    listening.complete(
                                            Long.parseLong(line.substring(10).trim()));
                                }
                            }
                            listening.completeExceptionally(new IllegalStateException("the child JVM ended first"));
                        } catch (IOException | RuntimeException e) {
                            listening.completeExceptionally(e);
                        }
                    },
                    "step-costs-child-reader");
            reader.setDaemon(true);
            reader.start();
            DemoPage page = new DemoPage(port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (page.body().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the child's page did not answer within 60 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long answered = System.nanoTime();
            long listeningAt = listening.get(10, TimeUnit.SECONDS);
            return answered - listeningAt;
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The child JVM of {@code first-request}: {@code warm|cold PORT}. It probes the embedded web
     * agent first when warm (and waits for the warm-up to end), then starts it on PORT and prints
     * {@code LISTENING <System.nanoTime()>} (the same clock as its parent's on Linux).
     */
    public static final class WebChild {
        private WebChild() {}

        /**
         * Runs the child; see the class comment.
         *
         * @param args {@code warm|cold PORT}
         */
        public static void main(String[] args) throws Exception {
            boolean warm = args[0].equals("warm");
            Map<String, String> params = Map.of("port", args[1]);
            EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent();
            if (warm) {
                agent.monitor(call(Operation.MONITOR, params));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (warmUpRunning() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // let the JVM's start-up settle
            if (agent.start(call(Operation.START, params)).result() != AgentResult.SUCCESS) {
                System.exit(1);
            }
            System.out.println("LISTENING " + System.nanoTime());
            System.out.flush();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(120)); // the parent kills this JVM
        }

        private static boolean warmUpRunning() {
            return Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("ha-embedded-web-warm-up"));
        }

        private static AgentContext call(Operation operation, Map<String, String> params) {
            return new AgentContext(
                    NodeId.of("node1"),
                    ResourceId.of("web"),
                    operation,
                    params,
                    Duration.ofSeconds(10),
                    System.nanoTime(),
                    1);
        }
    }
}
