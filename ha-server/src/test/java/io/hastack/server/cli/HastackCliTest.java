package io.hastack.server.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastack.core.model.NodeId;
import io.hastack.server.api.AdminServer;
import io.hastack.server.api.AdminSettings;
import io.hastack.server.api.ApiCluster;
import io.hastack.testkit.InProcessCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code hastack} command run in-process against real nodes serving the admin API: its output
 * and exit codes, each command's effect, and a corpus of bad invocations, each ending with the
 * documented exit code and a message that says what to do, the cluster unchanged.
 */
@Tag("functional")
class HastackCliTest {
    private static Path dir;
    private static ApiCluster api;
    private static Path wrongToken;
    private static Path notAToken;
    private static int closedPort;

    @BeforeAll
    static void startCluster() throws IOException {
        dir = Files.createTempDirectory("hastack-cli");
        api = new ApiCluster(dir, 3);
        wrongToken = dir.resolve("wrong.token");
        Files.writeString(wrongToken, "not-the-token-0123456789\n");
        Files.setPosixFilePermissions(wrongToken, PosixFilePermissions.fromString("rw-------"));
        notAToken = dir.resolve("cluster.yaml");
        Files.writeString(notAToken, "cluster: c\nnodes: {}\n");
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stopCluster() {
        api.close();
    }

    private static CliRun run(Map<String, String> env, List<String> args) {
        return CliRun.run(env, args);
    }

    private static CliRun at(String node, String... args) {
        return CliRun.at(api, node, args);
    }

    private static CliRun ok(String node, String... args) {
        return CliRun.ok(api, node, args);
    }

    /** {@code status --watch} redraws the whole status in place, again and again, until interrupted (Ctrl-C). */
    @Test
    void statusWatchRedrawsInPlaceUntilInterrupted() throws Exception {
        String coordinator = api.coordinator();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = {
            "--url",
            api.servers.get(coordinator).uri().toString(),
            "--token-file",
            api.tokenFile.toString(),
            "status",
            "--watch"
        };
        Thread watch = new Thread(() -> Hastack.run(args, Map.of(), new PrintWriter(out), new PrintWriter(err)));
        watch.start();
        String clear = "\033[H\033[2J";
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> out.toString().split(java.util.regex.Pattern.quote(clear), -1).length > 3);
        watch.interrupt();
        watch.join(java.time.Duration.ofSeconds(10).toMillis());
        assertTrue(!watch.isAlive(), "the watch ends when interrupted");
        String[] screens = out.toString().split(java.util.regex.Pattern.quote(clear));
        for (int i = 1; i < screens.length - 1; i++) {
            assertTrue(screens[i].contains("Cluster status from " + coordinator), screens[i]);
            assertTrue(screens[i].contains("RUNNING@" + api.runningOn("w")), screens[i]);
        }
        assertEquals("", err.toString().strip());
    }

    @Test
    void statusFitsEightyColumnsAndJsonIsTheApisAnswer() throws IOException {
        String coordinator = api.coordinator();
        CliRun text = ok(coordinator, "status");
        assertTrue(text.out().startsWith("Cluster status from " + coordinator + " (coordinator)"), text.out());
        assertTrue(text.out().contains("web"), text.out());
        assertTrue(text.out().contains("RUNNING@" + api.runningOn("w")), text.out());
        text.out().lines().forEach(l -> assertTrue(l.length() <= 80, "longer than 80 columns: " + l));

        CliRun json = ok(coordinator, "status", "--json");
        JsonNode s = new ObjectMapper().readTree(json.out());
        assertEquals(coordinator, s.path("node").asText());
        assertEquals(2, s.path("nodes").size());

        CliRun history = ok(coordinator, "history", "--limit", "3");
        // One event a line, wrapped at 80 columns with an indent.
        assertTrue(history.out().lines().filter(l -> !l.startsWith(" ")).count() <= 3, history.out());

        CliRun why = ok(coordinator, "why", "web");
        assertTrue(why.out().contains("SCORE"), why.out());

        // What if the node that runs the group failed? The coordinator simulates, nothing changes.
        String before = api.fingerprint();
        String active = api.runningOn("w");
        CliRun sim = ok(coordinator, "simulate", "node-fails " + active, "--scores");
        assertTrue(sim.out().contains("after node " + active + " fails:"), sim.out());
        assertTrue(sim.out().contains("start w on " + ApiCluster.other(active)), sim.out());
        assertTrue(sim.out().contains("scores:"), sim.out());
        assertEquals(before, api.fingerprint(), "a simulation changes nothing");
        CliRun elsewhere = at(ApiCluster.other(coordinator), "simulate", "node-fails " + active);
        assertEquals(Hastack.EXIT_REFUSED, elsewhere.code(), elsewhere.toString());
        assertTrue(elsewhere.err().contains("ask " + coordinator), elsewhere.err());
    }

    @Test
    void commandsActOnTheCluster() {
        String active = api.runningOn("w");
        String other = ApiCluster.other(active);

        CliRun move = ok("n1", "resource", "move", "web", other, "--lifetime", "10m");
        assertTrue(move.out().startsWith("moved web to " + other + " until "), move.out());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of(other))));
        ok("n2", "resource", "clear", "web");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> !api.cluster.node(api.coordinator()).snapshotText().contains("move web"));

        // Standby at the node's own endpoint moves its groups away; unstandby lets them come back.
        CliRun standby = ok(other, "node", "standby", other);
        assertTrue(standby.out().contains(other + ": standby on"), standby.out());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of(active))));
        ok(other, "node", "unstandby", other);
        ok(other, "node", "maintenance", other);
        ok(other, "node", "unmaintenance", other);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.coordinatorStatus().nodes().stream()
                        .allMatch(n -> n.status() == io.hastack.core.spi.plan.NodeStatus.ONLINE));

        CliRun cleanup = ok("n1", "resource", "cleanup", "w");
        assertTrue(cleanup.out().startsWith("cleanup of w sent to"), cleanup.out());
        ok("n1", "resource", "cleanup");
        ok("n2", "cluster", "maintenance", "on");
        ok("n2", "cluster", "maintenance", "off");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> !api.cluster.node(api.coordinator()).snapshotText().contains("maintenance-mode true"));
    }

    @Test
    void eventsFollowsTheStream() throws Exception {
        // A server of its own, closed at the end, which ends the stream and the command.
        AdminServer extra = new AdminServer(
                api.cluster.node("n1"), AdminSettings.of(api.tokenFile).withPort(0));
        extra.start();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread t = new Thread(() -> code[0] = Hastack.run(
                new String[] {"--url", extra.uri().toString(), "--token-file", api.tokenFile.toString(), "events"},
                Map.of(),
                new PrintWriter(out, true),
                new PrintWriter(err, true)));
        t.start();
        try {
            await().atMost(InProcessCluster.WAIT).until(() -> extra.openStreams() == 1);
            // A move makes n1 start or stop w: its actions are events of n1.
            String to = ApiCluster.other(api.runningOn("w"));
            ok("n1", "resource", "move", "web", to);
            await().atMost(InProcessCluster.WAIT).until(() -> out.toString().contains(" n1 ACTION_"));
            ok("n1", "resource", "clear", "web");
        } finally {
            extra.close();
        }
        await().atMost(InProcessCluster.WAIT).until(() -> !t.isAlive());
        assertEquals(0, code[0], err.toString());
        assertTrue(
                out.toString().lines().allMatch(l -> l.startsWith("    ") || l.matches("\\d{4}-.* n1 [A-Z_]+.*")),
                out.toString());
    }

    @Test
    void helpAndCompletion() {
        CliRun help = run(Map.of(), List.of("--help"));
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Exit codes:"), help.out());
        assertTrue(help.out().contains("cannot reach the node"), help.out());
        CliRun sub = run(Map.of(), List.of("resource", "move", "--help"));
        assertEquals(0, sub.code());
        assertTrue(sub.out().contains("--lifetime"), sub.out());
        assertTrue(sub.out().contains("Exit codes:"), sub.out());
        CliRun completion = run(Map.of(), List.of("completion"));
        assertEquals(0, completion.code());
        assertTrue(completion.out().contains("complete -F"), completion.out());
    }

    static Stream<Arguments> badInvocations() {
        String tf = "TOKEN";
        return Stream.of(
                bad(List.of(), 2, "give a command"),
                bad(List.of("stauts"), 2, "Unmatched argument"),
                bad(List.of("node"), 2, "give a subcommand"),
                bad(List.of("node", "standby"), 2, "Missing required parameter: 'NODE'"),
                bad(List.of("node", "declare-dead", "n2"), 2, "Missing required option: '--reason=TEXT'"),
                bad(List.of("cluster", "maintenance", "maybe"), 2, "expected one of [on, off]"),
                bad(List.of("history", "--limit", "x"), 2, "Invalid value"),
                bad(List.of("status", "--bogus"), 2, "Unknown option: '--bogus'"),
                bad(List.of("resource", "move", "web"), 2, "Missing required parameter: 'NODE'"),
                bad(List.of("resource", "move", "web", "n2", "extra"), 2, "Unmatched argument"),
                bad(List.of("history", "--limit", "0"), 1, "[limit]: limit 0 is out of range"),
                bad(List.of("resource", "move", "webb", "n2"), 1, "no group 'webb' is configured; did you mean 'web'?"),
                bad(List.of("resource", "move", "web", "n9"), 1, "[node]: no node 'n9'"),
                bad(List.of("resource", "ban", "web", "n2", "--lifetime", "forever"), 1, "'forever' is not a duration"),
                bad(List.of("resource", "ban", "web", "n2", "--lifetime", "0s"), 1, "[lifetime]"),
                bad(List.of("resource", "cleanup", "nosuch"), 1, "no resource 'nosuch'"),
                bad(List.of("resource", "clear", "nosuch"), 1, "no group 'nosuch'"),
                bad(List.of("node", "maintenance", "n9"), 1, "no node 'n9'"),
                bad(List.of("node", "declare-dead", "n1", "--reason", "x"), 1, "cannot declare itself dead"),
                bad(List.of("node", "declare-dead", "n2", "--reason", " "), 1, "[reason]"),
                bad(List.of("why", "nosuch"), 1, "no group 'nosuch'"),
                bad(List.of("simulate"), 2, "Missing required parameter: 'EVENT'"),
                bad(List.of("simulate", "explode n1"), 1, "event 'explode n1' is not one of"),
                bad(
                        List.of("--token-file", "/nonexistent/t", "status"),
                        2,
                        "cannot read the token file /nonexistent/t (from --token-file): it does not exist; give the"
                                + " node's admin token file with --token-file FILE or the environment variable"
                                + " HASTACK_TOKEN_FILE"),
                bad(List.of("--token-file", tf, "status"), 1, "the node refused the token (401)"),
                bad(List.of("--token-file", "CONFIG", "status"), 2, "does not hold a token"),
                bad(List.of("--url", "ftp://x", "status"), 2, "is not usable"),
                bad(List.of("--url", "http://127.0.0.1:CLOSED", "status"), 3, "cannot reach the node at"),
                bad(List.of("--url", "http://127.0.0.1:CLOSED", "node", "standby", "n1"), 3, "connection refused"));
    }

    private static Arguments bad(List<String> args, int code, String message) {
        return Arguments.of(args, code, message);
    }

    @ParameterizedTest(name = "hastack {0}")
    @MethodSource("badInvocations")
    void aBadInvocationEndsWithItsExitCodeAndSaysWhatToDo(List<String> args, int code, String message) {
        String before = api.fingerprint();
        List<String> all = new ArrayList<>();
        boolean ownUrl = args.contains("--url");
        boolean ownToken = args.contains("--token-file");
        if (!ownUrl) {
            all.addAll(List.of("--url", api.servers.get("n1").uri().toString()));
        }
        if (!ownToken) {
            all.addAll(List.of("--token-file", api.tokenFile.toString()));
        }
        for (String a : args) {
            if (a.equals("TOKEN")) {
                all.add(wrongToken.toString());
            } else if (a.equals("CONFIG")) {
                all.add(notAToken.toString());
            } else {
                all.add(a.replace("CLOSED", String.valueOf(closedPort)));
            }
        }
        CliRun r = run(Map.of(), all);
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(before, api.fingerprint(), "the cluster changed after hastack " + args);
    }

    @Test
    void theEnvironmentGivesTheDefaults() {
        CliRun missing = run(
                Map.of("HASTACK_URL", api.servers.get("n1").uri().toString(), "HASTACK_TOKEN_FILE", "/no/such"),
                List.of("status"));
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("/no/such (from HASTACK_TOKEN_FILE)"), missing.err());
        CliRun fromEnv = run(
                Map.of(
                        "HASTACK_URL",
                        api.servers.get("n1").uri().toString(),
                        "HASTACK_TOKEN_FILE",
                        api.tokenFile.toString()),
                List.of("status"));
        assertEquals(0, fromEnv.code(), fromEnv.toString());
        CliRun defaults = run(Map.of(), List.of("status"));
        assertTrue(defaults.code() == 2 || defaults.code() == 3, defaults.toString());
        assertTrue(
                defaults.err().contains(Hastack.DEFAULT_TOKEN_FILE + " (from the default)")
                        || defaults.err().contains(Hastack.DEFAULT_URL),
                defaults.err());
    }
}
