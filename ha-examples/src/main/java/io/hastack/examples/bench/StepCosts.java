package io.hastack.examples.bench;

import com.sun.net.httpserver.HttpServer;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.examples.demo.DemoPage;
import io.hastack.membership.zookeeper.ZooKeeperQuorumDevice;
import io.hastack.resources.web.EmbeddedWebServerAgent;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;

/**
 * What single steps of a failover cost, measured apart, each against its baseline in the same run
 * (the figures {@code docs/performance.md} quotes as "measured apart"). Plain harness, p50 / p99 /
 * max in ms:
 *
 * <ul>
 *   <li>{@code epochs}: the ZooKeeper quorum device's {@code nextEpochs} for 2, 10 and 100
 *       resources (one read-only multi, then one transaction) against its former way (one versioned
 *       {@code getData} per counter, then the same transaction), on an in-JVM {@code
 *       TestingServer};
 *   <li>{@code spawn}: bursts of 100 spawns on four threads of {@code setpriv --pdeathsig KILL --
 *       sleep 300} (the process agent's way) against {@code sleep 300} alone, after one discarded
 *       burst of each;
 *   <li>{@code first-request}: a fresh JVM with the node's options starts the embedded web server
 *       and says so; from then to the first page answered to this JVM's client, after the agent's
 *       warm-up (a probe first) against without it, after one discarded pair.
 * </ul>
 *
 * <p>Flags: {@code --what epochs,spawn,first-request} (default all), {@code --trials N}, N at least
 * 1 (default 50 for epochs, 10 bursts for spawn, 10 JVMs per variant for first-request).
 */
public final class StepCosts {
    /** The node JVM's options, as the demo and the benchmark start it. */
    static final List<String> NODE_JVM =
            List.of("-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private static final List<String> MEASURES = List.of("epochs", "spawn", "first-request");

    private StepCosts() {}

    /** Runs the measurements; see the class comment for the flags. */
    public static void main(String[] args) throws Exception {
        List<String> what = MEASURES;
        int trials = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--what") && i + 1 < args.length) {
                what = List.of(args[++i].split(","));
                for (String w : what) {
                    if (!MEASURES.contains(w)) {
                        usage("--what: '" + w + "' is none of " + String.join(", ", MEASURES));
                    }
                }
            } else if (args[i].equals("--trials") && i + 1 < args.length) {
                String n = args[++i];
                trials = n.matches("[0-9]{1,6}") ? Integer.parseInt(n) : 0;
                if (trials < 1) {
                    usage("--trials: '" + n + "' is not a whole number from 1 to 999999");
                }
            } else {
                usage("unexpected '" + args[i] + "'");
            }
        }
        for (String w : what) {
            Map<String, List<Long>> rows = switch (w) {
                case "epochs" -> epochs(trials > 0 ? trials : 50);
                case "spawn" -> spawns(trials > 0 ? trials : 10);
                default -> firstRequest(trials > 0 ? trials : 10);
            };
            print(w, rows);
        }
    }

    private static void usage(String problem) {
        System.err.println("usage: StepCosts [--what epochs,spawn,first-request] [--trials N]; " + problem);
        System.exit(2);
    }

    private static void print(String what, Map<String, List<Long>> rows) {
        System.out.printf("%n== %s (ms)%n  %-62s %4s %8s %8s %8s%n", what, "", "n", "p50", "p99", "max");
        rows.forEach((label, nanos) -> System.out.printf(
                "  %-62s %4d %8.2f %8.2f %8.2f%n",
                label,
                nanos.size(),
                Results.percentile(nanos, 50) / 1e6,
                Results.percentile(nanos, 99) / 1e6,
                nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6));
    }

    /** The device's batched epochs against its former way, for 2, 10 and 100 resources. */
    static Map<String, List<Long>> epochs(int trials) throws Exception {
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        try (TestingServer server = new TestingServer(true);
                CuratorFramework client =
                        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryNTimes(2, 100))) {
            client.start();
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the embedded ZooKeeper did not answer within 10 s");
            }
            ZooKeeperQuorumDevice device = new ZooKeeperQuorumDevice(client, "/hastack/step-costs");
            for (int n : new int[] {2, 10, 100}) {
                List<ResourceId> resources = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    resources.add(ResourceId.of("r" + n + "-" + i));
                }
                device.nextEpochs(resources); // the counters exist from here on, as in a running cluster
                oneReadEach(client, resources);
                List<Long> batched = new ArrayList<>();
                List<Long> former = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    long begin = System.nanoTime();
                    device.nextEpochs(resources);
                    batched.add(System.nanoTime() - begin);
                    begin = System.nanoTime();
                    oneReadEach(client, resources);
                    former.add(System.nanoTime() - begin);
                }
                rows.put(n + " resources: nextEpochs (one read-only multi + transaction)", batched);
                rows.put(n + " resources: baseline, one getData each + the same transaction", former);
            }
        }
        return rows;
    }

    /** The device's former way: one versioned read per counter, then one conditional transaction. */
    private static void oneReadEach(CuratorFramework client, List<ResourceId> resources) throws Exception {
        List<CuratorOp> writes = new ArrayList<>();
        for (ResourceId r : resources) {
            String path = "/hastack/step-costs/epochs/" + r.value();
            Stat stat = new Stat();
            long epoch = Long.parseLong(
                    new String(client.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8));
            writes.add(client.transactionOp()
                    .setData()
                    .withVersion(stat.getVersion())
                    .forPath(path, Long.toString(epoch + 1).getBytes(StandardCharsets.UTF_8)));
        }
        client.transaction().forOperations(writes);
    }

    /** Bursts of 100 spawns on four threads, through setpriv and without it. */
    static Map<String, List<Long>> spawns(int bursts) throws Exception {
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        if (!Files.isExecutable(SETPRIV)) {
            System.out.println("spawn: skipped, " + SETPRIV + " (util-linux) is not installed");
            return rows;
        }
        List<String> viaSetpriv = List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--", "sleep", "300");
        List<String> plain = List.of("sleep", "300");
        List<Long> setprivTimes = new ArrayList<>();
        List<Long> plainTimes = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            burst(threads, viaSetpriv); // discarded: the JVM's first spawns
            burst(threads, plain);
            for (int b = 0; b < bursts; b++) {
                setprivTimes.add(burst(threads, viaSetpriv));
                plainTimes.add(burst(threads, plain));
            }
        } finally {
            threads.shutdownNow();
        }
        rows.put("100 spawns of setpriv --pdeathsig KILL -- sleep, 4 threads", setprivTimes);
        rows.put("baseline: 100 spawns of sleep alone, 4 threads", plainTimes);
        return rows;
    }

    private static long burst(ExecutorService threads, List<String> command) throws Exception {
        List<Future<Process>> spawned = new ArrayList<>();
        List<Process> processes = Collections.synchronizedList(new ArrayList<>());
        try {
            long begin = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                spawned.add(threads.submit(() -> {
                    Process p = new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .start();
                    processes.add(p);
                    return p;
                }));
            }
            for (Future<Process> f : spawned) {
                f.get();
            }
            return System.nanoTime() - begin;
        } finally {
            // Also after a failed spawn: let the others finish, then every child started goes.
            for (Future<Process> f : spawned) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // it started nothing, or what it started is destroyed below
                }
            }
            List<Process> started = List.copyOf(processes);
            started.forEach(Process::destroyForcibly);
            for (Process p : started) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Fresh node-like JVMs: "listening" to the first answered page, warmed and cold, alternating. */
    static Map<String, List<Long>> firstRequest(int trials) throws Exception {
        warmClient();
        listeningToAnswer(true); // discarded: the first child JVMs of this run
        listeningToAnswer(false);
        List<Long> warm = new ArrayList<>();
        List<Long> cold = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            if (t % 2 == 0) {
                warm.add(listeningToAnswer(true));
                cold.add(listeningToAnswer(false));
            } else {
                cold.add(listeningToAnswer(false));
                warm.add(listeningToAnswer(true));
            }
        }
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        rows.put("embedded web server, listening -> first page, after a probe", warm);
        rows.put("baseline: the same without the probe's warm-up", cold);
        return rows;
    }

    /** This JVM's client code reads a page before any sample counts. */
    private static void warmClient() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        try {
            s.createContext("/", exchange -> {
                byte[] body = "Served by warm-up\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            DemoPage page = new DemoPage(s.getAddress().getPort());
            for (int i = 0; i < 20; i++) {
                page.body();
            }
        } finally {
            s.stop(0);
        }
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
        long spawnedAt = System.nanoTime();
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
                            listening.completeExceptionally(new IllegalStateException(
                                    "the child JVM ended before it listened (its error" + " output is above)"));
                        } catch (IOException | RuntimeException e) {
                            listening.completeExceptionally(e);
                        }
                    },
                    "step-costs-child-reader");
            reader.setDaemon(true);
            reader.start();
            // Poll only once the child says it listens, so that no answer can come before its mark.
            long listeningAt = listening.get(60, TimeUnit.SECONDS);
            DemoPage page = new DemoPage(port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (page.body().isEmpty()) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the child's page on port " + port + " did not answer within 30 s"
                            + (child.isAlive() ? "" : ": the child JVM exited with " + child.exitValue()));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long answered = System.nanoTime();
            if (listeningAt < spawnedAt || listeningAt > answered) {
                throw new IllegalStateException("the child's clock is not this JVM's: it listened at " + listeningAt
                        + ", spawned at " + spawnedAt + ", answered at " + answered + " (System.nanoTime)");
            }
            return answered - listeningAt;
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The child JVM of {@code first-request}: {@code warm|cold PORT}. It probes the embedded web
     * agent first when warm (and waits for the warm-up to end), then starts it on PORT and prints
     * {@code LISTENING <System.nanoTime()>} (a clock that all processes share on Linux; the parent
     * checks that the mark lies between its spawn and the answer). It exits when its standard input
     * ends, so that it does not outlive its parent.
     */
    public static final class WebChild {
        private WebChild() {}

        /**
         * Runs the child; see the class comment.
         *
         * @param args {@code warm|cold PORT}
         */
        public static void main(String[] args) throws Exception {
            if (args.length != 2
                    || !(args[0].equals("warm") || args[0].equals("cold"))
                    || !args[1].matches("[0-9]{1,5}")) {
                System.err.println("usage: StepCosts$WebChild warm|cold PORT (got " + String.join(" ", args) + ")");
                System.exit(2);
            }
            Map<String, String> params = Map.of("port", args[1]);
            EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent();
            if (args[0].equals("warm")) {
                agent.monitor(call(Operation.MONITOR, params));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (warmUpRunning()) {
                    if (System.nanoTime() > deadline) {
                        System.err.println("the embedded web server's warm-up did not end within 30 s");
                        System.exit(1);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // let the JVM's start-up settle
            AgentOutcome started = agent.start(call(Operation.START, params));
            if (!started.isSuccess()) {
                System.err.println("the embedded web server did not start on port " + args[1] + ": " + started);
                System.exit(1);
            }
            System.out.println("LISTENING " + System.nanoTime());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent closes this pipe by killing this JVM, or by dying
            }
            System.exit(0);
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
