package io.hastack.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.ClusterKey;
import io.hastack.server.config.ClusterFile;
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
 * parameter restarts it, a deleted group stops; a fourth node is added with {@code bin/hastack node
 * add}, started from a copy of a node's file and given a group, then stopped and removed with {@code
 * bin/hastack node remove}; then every node is restarted in turn (SIGTERM, start again from its file,
 * which holds the newest version, with the launcher of a second installation, as an upgrade does) while the groups keep running: a group not on the restarting node
 * is never restarted (same process throughout). Runs in {@code mvn verify} after {@code package}.
 */
@Tag("integration")
class ClusterServiceIT {
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private Distribution dist;
    /** A second installation, unpacked as an upgrade unpacks the new archive: the rolling restart starts nodes from it. */
    private Distribution upgrade;

    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    private final String marker = "7" + (System.nanoTime() % 100_000);
    private Path token;
    private String head;

    @BeforeEach
    void setUp() throws Exception {
        dist = new Distribution(dir);
        upgrade = new Distribution(Files.createDirectory(dir.resolve("upgrade")));
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
        // An alert agent, as Pacemaker runs them: every daemon appends its resource events here.
        Path alert = dir.resolve("alert.sh");
        Files.writeString(
                alert,
                "#!/bin/sh\necho \"$CRM_alert_node $CRM_alert_kind $CRM_alert_task $CRM_alert_rsc $CRM_alert_desc\""
                        + " >> \"$CRM_alert_recipient\"\n");
        Files.setPosixFilePermissions(alert, PosixFilePermissions.fromString("rwx------"));
        head = "cluster: service-" + UUID.randomUUID() + "\n"
                + "key-file: " + dir.resolve("cluster.key") + "\n"
                + nodes
                + "membership: {heartbeat-interval: 200ms, heartbeat-timeout: 1500ms}\n"
                + "alerts:\n  log:\n    path: " + alert + "\n    recipients: [" + dir.resolve("alerts.log") + "]\n"
                + "    select: [resource]\n"
                + "admin:\n  token-file: " + token + "\n" + ports;
    }

    @AfterEach
    void tearDown() {
        upgrade.close();
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
        return daemon(dist, node);
    }

    private Process daemon(Distribution from, String node) throws Exception {
        Process p = from.start(
                dir.resolve(node + (from == dist ? "" : "-upgraded") + ".log"),
                from.bin("hastack-node"),
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

    /** The members of {@code node}'s view, from its status; empty if it does not answer. */
    private java.util.Set<String> viewOf(String node) throws Exception {
        Distribution.Result s = cli(node, "status", "--json");
        if (s.code() != 0) {
            return java.util.Set.of();
        }
        java.util.Set<String> members = new java.util.TreeSet<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(s.output())
                .path("view")
                .path("members")
                .forEach(m -> members.add(m.asText()));
        return members;
    }

    private Distribution.Result apply(String node, Map<String, String> groups) throws Exception {
        Path f = dir.resolve("change-" + UUID.randomUUID() + ".yaml");
        Files.writeString(f, file(groups));
        Distribution.Result r = cli(node, "config", "apply", f.toString());
        assertEquals(0, r.code(), r.output());
        return r;
    }

    /** True once every node's file lists exactly {@code nodes} with no change of the node list being committed. */
    private boolean filesList(List<String> nodes) {
        return NODES.stream().allMatch(n -> {
            ClusterFile f = ConfigFile.load(nodeFile(n));
            return f.nodes().keySet().stream().map(NodeId::value).toList().equals(nodes)
                    && f.config().previousNodes().isEmpty();
        });
    }

    /** The node whose daemon runs the one worker of {@code arg}, or empty while there is not exactly one. */
    private Optional<String> ownerOfWorker(String arg) {
        List<ProcessHandle> found = workers(arg);
        if (found.size() != 1) {
            return Optional.empty();
        }
        long parent = found.get(0).parent().map(ProcessHandle::pid).orElse(-1L);
        return daemons.entrySet().stream()
                .filter(e -> e.getValue().isAlive() && e.getValue().pid() == parent)
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /**
     * A node added at run time: {@code hastack node add}, every file lists it once the change is
     * committed, it starts from a copy of n1's file (with its own admin port: the nodes share a
     * host), joins, and runs group a when a is moved there; then it is stopped (its group moves
     * back) and removed, and every file lists the three nodes again.
     */
    private void addAndRemoveAFourthNode() throws Exception {
        int port = io.hastack.testsupport.Ports.freeWithNeighbour(100);
        int admin = io.hastack.testsupport.Ports.freeWithNeighbour(1);
        Distribution.Result added = cli("n2", "node", "add", "n4", "--address", "127.0.0.1:" + port);
        assertEquals(0, added.code(), added.output());
        explained("every node's file lists n4, the change committed", () -> filesList(List.of("n1", "n2", "n3", "n4")));

        String copy = Files.readString(nodeFile("n1"));
        assertTrue(copy.contains("  node-ports:\n"), copy);
        Files.createDirectories(nodeFile("n4").getParent());
        Files.writeString(nodeFile("n4"), copy.replace("  node-ports:\n", "  node-ports:\n    n4: " + admin + "\n"));
        adminPorts.put("n4", admin);
        daemon("n4");
        explained("n4 online in n1's status", () -> online("n1") == 4);

        Distribution.Result moved = cli("n1", "resource", "move", "a", "n4");
        assertEquals(0, moved.code(), moved.output());
        explained("group a runs on n4", () -> ownerOfWorker("2").equals(Optional.of("n4")));
        assertEquals(0, cli("n1", "resource", "clear", "a").code());

        Process n4 = daemons.remove("n4");
        n4.destroy(); // SIGTERM: a is handed over
        assertTrue(n4.waitFor(Distribution.WAIT.toSeconds(), TimeUnit.SECONDS), "n4 ends");
        assertEquals(0, n4.exitValue(), Files.readString(dir.resolve("n4.log")));
        // The view, not the online count: a member may show only itself after a view change in which
        // the coordinator's picture did not change (it shares a picture only when it changes).
        explained(
                "a runs on n1..n3, n4 gone from the view",
                () -> ownerOfWorker("2").isPresent() && viewOf("n1").equals(java.util.Set.of("n1", "n2", "n3")));
        Distribution.Result removed = cli("n3", "node", "remove", "n4");
        assertEquals(0, removed.code(), removed.output());
        explained("no file lists n4, the change committed", () -> filesList(NODES));
    }

    /** Waits until {@code condition} holds; if it does not, fails with n1's status and the end of each log. */
    private void explained(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        try {
            await().atMost(Distribution.WAIT).alias(what).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder sb =
                    new StringBuilder(e.getMessage()).append("\nworkers 2: ").append(workers("2"));
            for (String n : daemons.keySet()) {
                sb.append("\n")
                        .append(n)
                        .append("'s status:\n")
                        .append(cli(n, "status").output());
            }
            for (String n : List.of("n1", "n2", "n3", "n4")) {
                Path log = dir.resolve(n + ".log");
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    sb.append("\n---- ").append(n).append(".log (end) ----\n");
                    lines.subList(Math.max(0, lines.size() - 150), lines.size())
                            .forEach(l -> sb.append(l).append('\n'));
                }
            }
            for (Map.Entry<String, Process> d : daemons.entrySet()) {
                if (d.getValue().isAlive()) {
                    Distribution.Result dump = dist.run(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            String.valueOf(d.getValue().pid()),
                            "Thread.print");
                    sb.append("\n---- ").append(d.getKey()).append(": its node's threads ----\n");
                    for (String thread : dump.output().split("\n\n")) {
                        if (thread.startsWith("\"ha-node-") || thread.startsWith("\"hastack-")) {
                            sb.append(thread).append("\n\n");
                        }
                    }
                }
            }
            throw new AssertionError(sb.toString(), e);
        }
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
        // The view, not the online count (as below): a member's status may show only itself for a
        // while after a view change. On a timeout: each node's status and the end of each log.
        explained("three members in n2's view", () -> viewOf("n2").size() == 3);

        // A group added live runs once; the others are changed through another node.
        apply("n2", Map.of("a", "1"));
        ProcessHandle a = awaitOneWorker("1");
        awaitVersionInEveryFile(1);
        String owner = ownerOf(a);
        await().atMost(Distribution.WAIT)
                .alias("the daemon's alert agent to log the start")
                .until(() -> Files.exists(dir.resolve("alerts.log"))
                        && Files.readString(dir.resolve("alerts.log")).contains(owner + " resource start a-worker OK"));

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
        awaitOneWorker("2");
        awaitOneWorker("3");

        addAndRemoveAFourthNode();
        long version = ConfigFile.load(nodeFile("n1")).version();
        assertEquals(7, version, "3, and two versions each for the addition and the removal (made, committed)");
        awaitVersionInEveryFile(version);
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
            assertEquals(version, ConfigFile.load(nodeFile(n)).version(), n + " restarts from the newest version");
            daemon(upgrade, n); // from the other installation, with the same file
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
                .filter(n -> ConfigFile.load(nodeFile(n)).version() != version)
                .findFirst();
        assertTrue(mismatch.isEmpty(), "every file still holds version " + version + ": " + mismatch);
    }
}
