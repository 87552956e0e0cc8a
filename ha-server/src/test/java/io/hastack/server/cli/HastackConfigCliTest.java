package io.hastack.server.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.server.api.ApiCluster;
import io.hastack.testkit.InProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The {@code hastack} configuration commands run in-process against real nodes: resources, groups
 * and constraints created, changed and removed with their effect on the cluster (the witness), the
 * version rising on every node; {@code config show|validate|diff|apply} round trips; and a corpus of
 * bad invocations, each ending with its documented exit code and message, the version unchanged.
 */
@Tag("functional")
class HastackConfigCliTest {
    private static Path dir;
    private static ApiCluster api;
    private static Path good;
    private static Path bad;
    private static Path otherNodes;

    @BeforeAll
    static void startCluster() throws IOException {
        dir = Files.createTempDirectory("hastack-config-cli");
        api = new ApiCluster(dir, 3);
        String file = ApiCluster.FILE.replace("MIGRATION", "3");
        good = Files.writeString(dir.resolve("good.yaml"), file);
        bad = Files.writeString(dir.resolve("bad.yaml"), file.replace("agent: witness", "agnet: witness"));
        otherNodes = Files.writeString(dir.resolve("other.yaml"), file.replace("n2: 127.0.0.1", "n3: 127.0.0.1"));
    }

    @AfterAll
    static void stopCluster() {
        try {
            assertEquals(List.of(), api.cluster.witness.violations(), "nothing ran twice");
        } finally {
            api.close();
        }
    }

    private static CliRun at(String node, String... args) {
        return CliRun.at(api, node, args);
    }

    @org.junit.jupiter.api.Test
    void configLintNamesEachGroupsBudgetAndTheContradictions() throws Exception {
        Path clean = dir.resolve("lint-clean.yaml");
        java.nio.file.Files.writeString(clean, """
                cluster: c
                insecure: true
                nodes: {n1: 127.0.0.1:7801, n2: 127.0.0.1:7802, n3: 127.0.0.1:7803}
                rto: {web: 1m}
                groups:
                  web:
                    resources:
                      - id: w
                        agent: process
                        monitor-interval: 10s
                        timeouts: {start: 2s, stop: 2s, monitor: 5s}
                        params: {argv.0: sleep, argv.1: '100'}
                """);
        CliRun good = at("n1", "config", "lint", clean.toString());
        assertEquals(0, good.code(), good.toString());
        assertTrue(good.out().startsWith("group web: worst-case recovery 19 s (rto 60 s): node failure"), good.out());
        assertTrue(good.out().endsWith("no warnings\n"), good.out());

        Path bad = dir.resolve("lint-bad.yaml");
        java.nio.file.Files.writeString(
                bad,
                java.nio.file.Files.readString(clean)
                        .replace(
                                "rto: {web: 1m}",
                                "rto: {web: 5s, gone: 1s}\nchecks: {web: 'http://127.0.0.1:8080/', lost: 'http://127.0.0.1:8081/'}")
                        .replace("monitor-interval: 10s", "monitor-interval: 2s"));
        CliRun warned = at("n1", "config", "lint", bad.toString());
        assertEquals(1, warned.code(), warned.toString());
        assertTrue(warned.out().contains("warning: group web: worst-case recovery"), warned.out());
        assertTrue(warned.out().contains("exceeds its rto 5 s"), warned.out());
        assertTrue(
                warned.out()
                        .contains("warning: resource w: monitor-interval 2 s is shorter than its monitor timeout 5 s"),
                warned.out());
        assertTrue(warned.out().contains("warning: rto.gone: no group gone is configured"), warned.out());
        assertTrue(warned.out().contains("warning: checks.lost: no group lost is configured"), warned.out());
        assertFalse(warned.out().contains("checks.web"), warned.out());
        assertTrue(warned.out().endsWith("4 warnings\n"), warned.out());

        // The lease wait is the configured lease's (1 % drift and a tenth more), not the heartbeat's.
        Path leased = dir.resolve("lint-lease.yaml");
        java.nio.file.Files.writeString(
                leased,
                java.nio.file.Files.readString(clean)
                        .replace("insecure: true", "insecure: true\nmembership: {lease: 10s}"));
        CliRun lease = at("n1", "config", "lint", leased.toString());
        assertTrue(lease.out().contains("the lease wait 11100 ms"), lease.toString());

        CliRun running = at("n1", "config", "lint");
        assertTrue(running.code() == 0 || running.code() == 1, running.toString());
        assertTrue(running.out().contains("worst-case recovery"), "the running configuration: " + running.out());
    }

    private static CliRun ok(String node, String... args) {
        return CliRun.ok(api, node, args);
    }

    private static long starts(String resource) {
        return api.cluster.witness.starts("n1", resource) + api.cluster.witness.starts("n2", resource);
    }

    private static long version() {
        return api.cluster.node("n1").configuration().version();
    }

    /** Waits until every node holds {@code version}. */
    private static void awaitVersion(long version) {
        await().atMost(InProcessCluster.WAIT).until(() -> api.versions().equals(List.of(version, version)));
    }

    @Test
    void resourcesGroupsAndConstraintsChangeTheRunningCluster() {
        long v = version();
        CliRun created = ok(
                "n2",
                "resource",
                "create",
                "c",
                "--agent",
                "witness",
                "--group",
                "cache",
                "--param",
                "flavour=plain",
                "--monitor-interval",
                "200ms",
                "--timeout",
                "start=30s");
        assertTrue(
                created.out().startsWith("created resource c in new group cache: configuration version " + (v + 1)),
                created.out());
        awaitVersion(v + 1);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("c").size() == 1);
        assertEquals(1, starts("c"), "started once");

        CliRun shown = ok("n1", "resource", "show", "c");
        assertTrue(shown.out().contains("group cache, 1 of 1"), shown.out());
        assertTrue(shown.out().contains("params: flavour=plain"), shown.out());
        assertTrue(shown.out().contains("timeouts: start=30s"), shown.out());

        // A changed parameter restarts it; the version rises on every node.
        ok("n1", "resource", "update", "c", "--param", "flavour=spicy");
        awaitVersion(v + 2);
        await().atMost(InProcessCluster.WAIT)
                .until(() ->
                        starts("c") == 2 && api.cluster.witness.runningOn("c").size() == 1);
        assertTrue(ok("n2", "resource", "show", "c").out().contains("flavour=spicy"));

        // A ban moves the group away from its node.
        String on = api.runningOn("c");
        CliRun ban = ok("n1", "constraint", "add", "ban", "--group", "cache", "--node", on);
        assertTrue(ban.out().startsWith("added constraint ban-cache-" + on + ": "), ban.out());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("c").equals(Set.of(NodeId.of(ApiCluster.other(on)))));
        CliRun list = ok("n2", "constraint", "list");
        assertTrue(list.out().contains("ban-cache-" + on + "  ban       cache from " + on), list.out());

        // Disabled, it stops (target-role=stopped); enabled, it runs again.
        CliRun disabled = ok("n2", "resource", "disable", "c");
        assertTrue(disabled.out().startsWith("disabled c: configuration version"), disabled.out());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("c").isEmpty());
        assertTrue(ok("n1", "resource", "show", "c").out().contains("target-role: stopped"));
        ok("n1", "resource", "enable", "c");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("c").equals(Set.of(NodeId.of(ApiCluster.other(on)))));

        // Deleting its only resource deletes the group and the constraints naming it.
        long before = version();
        CliRun deleted = ok("n2", "resource", "delete", "c");
        assertTrue(
                deleted.out()
                        .startsWith("deleted resource c; deleted group cache (it became empty) and the"
                                + " constraints naming it [ban-cache-" + on + "]"),
                deleted.out());
        awaitVersion(before + 1);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("c").isEmpty());
        assertTrue(ok("n1", "constraint", "list").out().startsWith("no constraints"));

        // A group of two, after an order, then deleted as a whole.
        ok("n1", "resource", "create", "x1", "--agent", "witness", "--group", "pair");
        ok("n1", "resource", "create", "x0", "--agent", "witness", "--group", "pair");
        ok("n1", "resource", "create", "x2", "--agent", "witness", "--group", "pair", "--after", "x1");
        ok("n1", "constraint", "add", "order", "--first", "web", "--then", "pair");
        assertTrue(
                api
                        .cluster
                        .node("n2")
                        .config()
                        .group(io.hastack.core.model.GroupId.of("pair"))
                        .orElseThrow()
                        .resources()
                        .stream()
                        .map(r -> r.id().value())
                        .toList()
                        .equals(List.of("x1", "x2", "x0")));
        CliRun groupGone = ok("n2", "group", "delete", "pair");
        assertTrue(
                groupGone.out().contains("deleted group pair and the constraints naming it [order-web-pair]"),
                groupGone.out());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("x1").isEmpty()
                        && api.cluster.witness.runningOn("x2").isEmpty());
    }

    @Test
    void configShowValidateDiffApplyRoundTrip() throws IOException {
        CliRun shown = ok("n1", "config", "show");
        Path file = Files.writeString(dir.resolve("shown.yaml"), shown.out());
        CliRun same = ok("n2", "config", "diff", file.toString());
        assertTrue(same.out().contains("holds the running configuration"), same.out());
        assertTrue(ok("n2", "config", "validate", file.toString()).out().contains("does not change"));

        long v = version();
        String changed = shown.out()
                .replace("groups:\n", "groups:\n  extra:\n    resources:\n    - id: e\n      agent: witness\n");
        Files.writeString(file, changed);
        CliRun diff = at("n1", "config", "diff", file.toString());
        assertEquals(1, diff.code(), diff.toString());
        assertTrue(diff.out().contains("\n+group extra\n+  resource e agent=witness"), diff.out());
        assertTrue(ok("n1", "config", "validate", file.toString()).out().contains("changes the running"));

        CliRun applied = ok("n2", "config", "apply", file.toString(), "--base-version", String.valueOf(v));
        assertTrue(
                applied.out().matches("configuration version " + (v + 1) + " \\(hash [0-9a-f]+\\)\\n"), applied.out());
        awaitVersion(v + 1);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("e").size() == 1);
        assertEquals(0, at("n1", "config", "diff", file.toString()).code());
        CliRun again = ok("n1", "config", "apply", file.toString());
        assertTrue(again.out().endsWith(", unchanged\n"), again.out());

        // Back to the first file: e stops.
        ok("n1", "config", "apply", good.toString());
        awaitVersion(v + 2);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("e").isEmpty());
    }

    static Stream<Arguments> badInvocations() {
        return Stream.of(
                // Usage errors: 2
                bad(List.of("resource", "create", "x", "--group", "g"), 2, "Missing required option: '--agent=TYPE'"),
                bad(List.of("resource", "create", "x", "--agent", "witness"), 2, "Missing required option: '--group"),
                bad(
                        List.of("resource", "create", "x", "--agent", "witness", "--group", "g", "--param", "novalue"),
                        2,
                        "KEY=VALUE"),
                bad(
                        List.of(
                                "resource",
                                "create",
                                "x",
                                "--agent",
                                "witness",
                                "--group",
                                "g",
                                "--monitor-interval",
                                "5x"),
                        2,
                        "'5x' is not a duration"),
                bad(
                        List.of(
                                "resource",
                                "create",
                                "x",
                                "--agent",
                                "witness",
                                "--group",
                                "g",
                                "--timeout",
                                "begin=30s"),
                        2,
                        "--timeout: 'begin' is not an operation"),
                bad(
                        List.of(
                                "resource",
                                "create",
                                "x",
                                "--agent",
                                "witness",
                                "--group",
                                "g",
                                "--timeout",
                                "start=soon"),
                        2,
                        "--timeout start: 'soon' is not a duration"),
                bad(List.of("resource", "update", "w"), 2, "give at least one change"),
                bad(List.of("resource", "disable", "ww"), 1, "did you mean 'w'?"),
                bad(List.of("resource", "enable"), 2, "Missing required parameter: 'ID'"),
                bad(List.of("constraint", "add", "prefer", "--group", "web", "--node", "n1"), 2, "'--score=SCORE'"),
                bad(
                        List.of("constraint", "add", "prefer", "--group", "web", "--node", "n1", "--score", "lots"),
                        2,
                        "Invalid value for option '--score'"),
                bad(
                        List.of("constraint", "add", "order", "--first", "web", "--then", "db", "--kind", "sometimes"),
                        2,
                        "expected one of [mandatory, optional]"),
                bad(List.of("constraint", "add"), 2, "give a subcommand"),
                bad(List.of("config", "validate", "/nonexistent.yaml"), 2, "cannot read /nonexistent.yaml"),
                bad(List.of("config", "diff", "BAD"), 2, "unknown field 'agnet'; did you mean 'agent'?"),
                // Refusals: 1
                bad(
                        List.of("resource", "create", "w", "--agent", "witness", "--group", "g"),
                        1,
                        "resource 'w' exists already (in group web)"),
                bad(
                        List.of("resource", "create", "x", "--agent", "witness", "--group", "web", "--after", "ww"),
                        1,
                        "group web has no resource 'ww'; did you mean 'w'?"),
                bad(
                        List.of(
                                "resource",
                                "create",
                                "x",
                                "--agent",
                                "witness",
                                "--group",
                                "g",
                                "--param",
                                "invalid=no disk"),
                        1,
                        "no disk"),
                bad(List.of("resource", "create", "x", "--agent", "nosuch", "--group", "g"), 1, "refused (409)"),
                bad(
                        List.of(
                                "resource",
                                "create",
                                "x",
                                "--agent",
                                "witness",
                                "--group",
                                "g",
                                "--monitor-interval",
                                "1ms"),
                        1,
                        "monitor interval"),
                bad(
                        List.of("resource", "update", "ww", "--param", "a=b"),
                        1,
                        "no resource 'ww' is configured; did" + " you mean 'w'?"),
                bad(List.of("resource", "update", "w", "--unset-param", "nosuch"), 1, "w has no parameter 'nosuch'"),
                bad(List.of("resource", "delete", "dd"), 1, "did you mean 'd'?"),
                bad(List.of("resource", "show", "ww"), 1, "no resource 'ww'"),
                bad(List.of("group", "delete", "wbe"), 1, "no group 'wbe' is configured; did you mean 'web'?"),
                bad(List.of("constraint", "add", "ban", "--group", "wbe", "--node", "n1"), 1, "did you mean 'web'?"),
                bad(List.of("constraint", "add", "ban", "--group", "web", "--node", "n9"), 1, "no node 'n9'"),
                bad(List.of("constraint", "remove", "nosuch"), 1, "no constraint 'nosuch' is configured"),
                bad(List.of("config", "validate", "BAD"), 1, "bad.yaml:12:9: groups.web.resources[0].agnet"),
                bad(List.of("config", "apply", "OTHER"), 1, "the node list cannot change through a configuration file"),
                bad(List.of("config", "validate", "OTHER"), 1, "[nodes]"),
                bad(List.of("config", "apply", "GOOD", "--base-version", "99"), 1, "read it again"),
                bad(List.of("config", "apply", "GOOD", "--base-version", "-3"), 1, "[base-version]"));
    }

    private static Arguments bad(List<String> args, int code, String message) {
        return Arguments.of(args, code, message);
    }

    @ParameterizedTest(name = "hastack {0}")
    @MethodSource("badInvocations")
    void aBadInvocationEndsWithItsExitCodeAndChangesNothing(List<String> args, int code, String message) {
        String before = api.fingerprint();
        List<String> all = new ArrayList<>();
        for (String a : args) {
            all.add(
                    switch (a) {
                        case "GOOD" -> good.toString();
                        case "BAD" -> bad.toString();
                        case "OTHER" -> otherNodes.toString();
                        default -> a;
                    });
        }
        CliRun r = at("n1", all.toArray(String[]::new));
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(before, api.fingerprint(), "the cluster changed after hastack " + args);
    }

    @Test
    void everyConfigCommandHasHelpAndCompletion() {
        for (List<String> cmd : List.of(
                List.of("config", "apply"),
                List.of("resource", "create"),
                List.of("resource", "update"),
                List.of("resource", "disable"),
                List.of("resource", "enable"),
                List.of("group", "delete"),
                List.of("constraint", "add", "together"),
                List.of("constraint", "list"))) {
            List<String> args = new ArrayList<>(cmd);
            args.add("--help");
            CliRun help = at("n1", args.toArray(String[]::new));
            assertEquals(0, help.code(), help.toString());
            assertTrue(help.out().contains("Exit codes:"), help.out());
        }
        CliRun completion = at("n1", "completion");
        assertTrue(completion.out().contains("constraint"), "completion knows the new commands");
        assertTrue(completion.out().contains("--monitor-interval"), "completion knows their options");
    }
}
