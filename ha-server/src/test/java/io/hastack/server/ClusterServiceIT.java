package io.hastack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.security.ClusterKey;
import io.hastack.server.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA Stack run as a service, the way an operator runs it: three node daemons started with {@code
 * bin/hastack-node} from the unpacked distribution, each with its own copy of one YAML file, changed
 * at run time with {@code bin/hastack config apply}: a group added live runs once, a changed
 * parameter restarts it, a deleted group stops; then every node is restarted in turn (SIGTERM, start
 * again from its file, which holds the newest version) while the groups keep running: a group not on
 * the restarting node is never restarted (same process throughout). Runs in {@code mvn verify} after
 * {@code package}.
 */
@Tag("integration")
class ClusterServiceIT {
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private Distribution dist;
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    private final String marker = "7" + (System.nanoTime() % 100_000);
    private Path token;
    private String head;

    @BeforeEach
    void setUp() throws Exception {
        dist = new Distribution(dir);
        ClusterKey.generate().writeTo(dir.resolve("cluster.key"));
        token = dir.resolve("admin.token");
        Files.writeString(token, "service-token-" + UUID.randomUUID() + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        StringBuilder nodes = new StringBuilder("nodes:\n");
        StringBuilder ports = new StringBuilder("  node-ports:\n");
        for (String n : NODES) {
            nodes.append("  ")
                    .append(n)
                    .append(": 127.0.0.1:")
                    .append(io.hastack.testsupport.Ports.freeWithNeighbour(100))
                    .append('\n');
            int admin = io.hastack.testsupport.Ports.freeWithNeighbour(1);
            adminPorts.put(n, admin);
            ports.append("    ").append(n).append(": ").append(admin).append('\n');
        }
        head = "cluster: service-" + UUID.randomUUID() + "\n"
                + "key-file: " + dir.resolve("cluster.key") + "\n"
                + nodes
                + "membership: {heartbeat-interval: 200ms, heartbeat-timeout: 1500ms}\n"
                + "admin:\n  token-file: " + token + "\n" + ports;
    }

    @AfterEach
    void tearDown() {
        dist.close();
        workers(null).forEach(ProcessHandle::destroyForcibly);
    }

    /** A configuration file: the head and {@code groups} (each a process agent running {@code sleep <marker><n>}). */
    private String file(Map<String, String> groups) {
        StringBuilder sb = new StringBuilder(head);
        if (!groups.isEmpty()) {
            sb.append("groups:\n");
            groups.forEach((group, arg) -> sb.append("  ")
                    .append(group)
                    .append(":\n    resources:\n")
                    .append("      - id: ")
                    .append(group)
                    .append("-worker\n        agent: process\n")
                    .append("        monitor-interval: 1s\n")
                    .append("        params: {argv.0: sleep, argv.1: '")
                    .append(marker)
                    .append(arg)
                    .append("'}\n"));
        }
        return sb.toString();
    }

    private Path nodeFile(String node) {
        return dir.resolve(node).resolve("cluster.yaml");
    }

    private Process daemon(String node) throws Exception {
        Process p = dist.start(
                dir.resolve(node + ".log"),
                dist.bin("hastack-node"),
                "--config",
                nodeFile(node).toString(),
                "--node",
                node);
        daemons.put(node, p);
        return p;
    }

    private Distribution.Result cli(String node, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                dist.bin("hastack"),
                "--url",
                "http://127.0.0.1:" + adminPorts.get(node),
                "--token-file",
                token.toString()));
        command.addAll(List.of(args));
        return dist.run(command.toArray(String[]::new));
    }

    /** The worker processes whose command line has {@code sleep <marker><arg>} (any if arg is null). */
    private List<ProcessHandle> workers(String arg) {
        String needle = "sleep " + marker + (arg == null ? "" : arg);
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    String line = p.info().commandLine().orElse("");
                    return arg == null ? line.contains(needle) : line.endsWith(needle);
                })
                .toList();
    }

    /** The one worker of {@code arg}, once exactly one runs. */
    private ProcessHandle awaitOneWorker(String arg) {
        await().atMost(Distribution.WAIT)
                .alias("one worker 'sleep " + marker + arg + "'; logs in " + dir)
                .until(() -> workers(arg).size() == 1);
        return workers(arg).get(0);
    }

    /** The node whose daemon is the worker's parent. */
    private String ownerOf(ProcessHandle worker) {
        long parent = worker.parent().map(ProcessHandle::pid).orElse(-1L);
        return daemons.entrySet().stream()
                .filter(e -> e.getValue().pid() == parent)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("no daemon runs " + worker.info().commandLine()));
    }

    /** How many members {@code node}'s status (as JSON, from the CLI) shows online; -1 if it does not answer. */
    private long online(String node) throws Exception {
        Distribution.Result s = cli(node, "status", "--json");
        if (s.code() != 0) {
            return -1;
        }
        return java.util.regex.Pattern.compile("\"status\"\\s*:\\s*\"online\"")
                .matcher(s.output())
                .results()
                .count();
    }

    private Distribution.Result apply(String node, Map<String, String> groups) throws Exception {
        Path f = dir.resolve("change-" + UUID.randomUUID() + ".yaml");
        Files.writeString(f, file(groups));
        Distribution.Result r = cli(node, "config", "apply", f.toString());
        assertEquals(0, r.code(), r.output());
        return r;
    }

    private void awaitVersionInEveryFile(long version) {
        await().atMost(Distribution.WAIT)
                .alias("every node's file holds version " + version)
                .until(() -> NODES.stream()
                        .allMatch(n -> ConfigFile.load(nodeFile(n)).version() == version));
    }

    @Test
    void groupsAreChangedLiveAndEveryNodeIsRestartedInTurnWhileTheOthersKeepRunning() throws Exception {
        for (String n : NODES) {
            Files.createDirectories(nodeFile(n).getParent());
            Files.writeString(nodeFile(n), file(Map.of()));
            daemon(n);
        }
        await().atMost(Distribution.WAIT)
                .alias("three members online; logs in " + dir)
                .until(() -> online("n2") == 3);

        // A group added live runs once; the others are changed through another node.
        apply("n2", Map.of("a", "1"));
        ProcessHandle a = awaitOneWorker("1");
        awaitVersionInEveryFile(1);

        apply("n3", Map.of("a", "2", "b", "3", "c", "4"));
        await().atMost(Distribution.WAIT).until(() -> workers("1").isEmpty());
        awaitOneWorker("2");
        awaitOneWorker("3");
        awaitOneWorker("4");
        assertTrue(!a.isAlive(), "a's worker with the old parameter was stopped");

        apply("n1", Map.of("a", "2", "b", "3"));
        await().atMost(Distribution.WAIT)
                .alias("c stops when deleted")
                .until(() -> workers("4").isEmpty());
        awaitVersionInEveryFile(3);
        ProcessHandle workerA = awaitOneWorker("2");
        ProcessHandle workerB = awaitOneWorker("3");

        // Rolling restart: each node in turn; a group not on it keeps its very process.
        Map<String, String> report = new LinkedHashMap<>();
        for (String n : NODES) {
            Map<String, ProcessHandle> before = Map.of("a", workerA, "b", workerB);
            Map<String, String> owners =
                    before.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> ownerOf(e.getValue())));
            Process node = daemons.get(n);
            node.destroy(); // SIGTERM: hand over, exit 0
            assertTrue(node.waitFor(Distribution.WAIT.toSeconds(), TimeUnit.SECONDS), n + " ends");
            assertEquals(0, node.exitValue(), Files.readString(dir.resolve(n + ".log")));
            assertEquals(3, ConfigFile.load(nodeFile(n)).version(), n + " restarts from version 3, kept in its file");
            daemon(n);
            workerA = awaitOneWorker("2");
            workerB = awaitOneWorker("3");
            for (Map.Entry<String, ProcessHandle> e : before.entrySet()) {
                ProcessHandle now = e.getKey().equals("a") ? workerA : workerB;
                if (!owners.get(e.getKey()).equals(n)) {
                    assertEquals(
                            e.getValue().pid(),
                            now.pid(),
                            "group " + e.getKey() + " on " + owners.get(e.getKey()) + " kept running while " + n
                                    + " restarted");
                }
                report.put(
                        n + ":" + e.getKey(),
                        owners.get(e.getKey()) + (now.pid() == e.getValue().pid() ? " kept" : " moved"));
            }
            String restarted = n;
            await().atMost(Distribution.WAIT).alias(n + " back as a member").until(() -> online(restarted) == 3);
        }
        System.out.println("rolling restart: " + report);
        assertEquals(1, workers("2").size());
        assertEquals(1, workers("3").size());
        Optional<String> mismatch = NODES.stream()
                .filter(n -> ConfigFile.load(nodeFile(n)).version() != 3)
                .findFirst();
        assertTrue(mismatch.isEmpty(), "every file still holds version 3: " + mismatch);
    }
}
