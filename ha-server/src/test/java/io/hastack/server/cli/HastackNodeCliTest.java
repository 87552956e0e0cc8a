package io.hastack.server.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.HaNode;
import io.hastack.server.api.ApiCluster;
import io.hastack.server.config.ClusterFile;
import io.hastack.server.config.ConfigFile;
import io.hastack.testkit.InProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code hastack node add|remove} run in-process against real nodes ({@link ApiCluster}: n1 and
 * n2): a node added, started from a copy of the running file, given a group, stopped and removed;
 * and bad invocations, each ending with its exit code and message, the cluster unchanged.
 */
@Tag("functional")
class HastackNodeCliTest {
    private static Path dir;
    private static ApiCluster api;

    @BeforeAll
    static void startCluster() throws IOException {
        dir = Files.createTempDirectory("hastack-node-cli");
        api = new ApiCluster(dir, 3);
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

    private static CliRun ok(String node, String... args) {
        return CliRun.ok(api, node, args);
    }

    /** True once n1 and n2 hold {@code nodes} with the change committed (no previous node list). */
    private static boolean committed(List<String> nodes) {
        return Stream.of("n1", "n2").allMatch(n -> {
            var c = api.cluster.node(n).config();
            return c.nodes().stream().map(NodeId::value).toList().equals(nodes)
                    && c.previousNodes().isEmpty();
        });
    }

    @Test
    void aNodeIsAddedGivenAGroupStoppedAndRemoved() throws IOException {
        CliRun added = ok("n2", "node", "add", "n3", "--address", " 127.0.0.1:17803 ");
        assertTrue(added.out().startsWith("added node n3 at 127.0.0.1:17803: configuration version "), added.out());
        assertTrue(added.out().contains("node list [n1, n2, n3]"), added.out());
        await().atMost(InProcessCluster.WAIT)
                .alias("the change committed on n1 and n2")
                .until(() -> committed(List.of("n1", "n2", "n3")));
        assertEquals(
                "127.0.0.1:17803",
                api.cluster.node("n1").config().addresses().get(NodeId.of("n3")),
                "the address is replicated, normalized");

        // n3 starts from a copy of the running file, which lists it.
        Path copy = Files.writeString(
                dir.resolve("n3.yaml"), ok("n1", "config", "show").out());
        ClusterFile file = ConfigFile.load(copy);
        assertEquals(3, file.nodes().size());
        assertTrue(!Files.readString(copy).contains("previous-nodes"), Files.readString(copy));
        HaNode n3 = api.cluster.start("n3", file.versioned());
        api.cluster.awaitViewOf("n1", 3);
        await().atMost(InProcessCluster.WAIT)
                .alias("n3 online in n1's status")
                .until(() -> ok("n1", "status").out().matches("(?s).*\\nn3 +online.*"));

        // It takes a share: web moves there.
        ok("n1", "resource", "move", "web", "n3");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of("n3"))));
        ok("n1", "resource", "clear", "web");

        // A live member is not removed.
        CliRun live = at("n1", "node", "remove", "n3");
        assertEquals(1, live.code(), live.toString());
        assertTrue(live.err().contains("stop it first"), live.err());

        // Stopped (its groups handed over), it is still named by a constraint: refused, then removed.
        n3.close();
        api.cluster.awaitViewOf("n1", 2);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").size() == 1);
        ok("n1", "constraint", "add", "avoid", "--group", "db", "--node", "n3", "--score", "10");
        long before = api.cluster.node("n1").configuration().version();
        CliRun named = at("n2", "node", "remove", "n3");
        assertEquals(1, named.code(), named.toString());
        assertTrue(named.err().contains("location constraint avoid-db-n3 names node n3"), named.err());
        assertEquals(before, api.cluster.node("n1").configuration().version(), "nothing changed");
        ok("n1", "constraint", "remove", "avoid-db-n3");

        CliRun removed = ok("n2", "node", "remove", "n3");
        assertTrue(removed.out().startsWith("removed node n3: configuration version "), removed.out());
        await().atMost(InProcessCluster.WAIT)
                .alias("the removal committed on n1 and n2")
                .until(() -> committed(List.of("n1", "n2")));
        assertEquals(
                Set.of(NodeId.of("n1"), NodeId.of("n2")),
                api.cluster.node("n2").config().addresses().keySet());
        CliRun status = ok("n1", "status");
        assertTrue(!status.out().contains("node list: changing"), status.out());
    }

    static Stream<Arguments> badInvocations() {
        return Stream.of(
                // Usage errors: 2
                bad(List.of("node", "add", "n3"), 2, "Missing required option: '--address=HOST:PORT'"),
                bad(List.of("node", "add", "n3", "--address", "nohost"), 2, "'nohost' is not an address"),
                bad(List.of("node", "add", "n3", "--address", "0.0.0.0:7800"), 2, "is a wildcard"),
                bad(List.of("node", "add", "n3", "--address", "127.0.0.1:70000"), 2, "out of range"),
                bad(List.of("node", "add", "n 3", "--address", "127.0.0.1:17803"), 2, "NODE 'n 3'"),
                bad(List.of("node", "remove"), 2, "Missing required parameter: 'NODE'"),
                // Refusals: 1
                bad(
                        List.of("node", "add", "n2", "--address", "127.0.0.1:17809"),
                        1,
                        "node n2 is in the node list [n1, n2] already"),
                bad(
                        List.of("node", "add", "n3", "--address", "127.0.0.1:17801"),
                        1,
                        "address 127.0.0.1:17801 is node n1's"),
                bad(List.of("node", "remove", "n9"), 1, "no node 'n9' in the node list [n1, n2]"),
                bad(List.of("node", "remove", "n2"), 1, "stop it first"),
                bad(List.of("node", "remove", "n1"), 1, "cannot remove itself"));
    }

    private static Arguments bad(List<String> args, int code, String message) {
        return Arguments.of(args, code, message);
    }

    @ParameterizedTest(name = "hastack {0}")
    @MethodSource("badInvocations")
    void aBadInvocationEndsWithItsExitCodeAndChangesNothing(List<String> args, int code, String message) {
        String before = api.fingerprint();
        CliRun r = at("n1", args.toArray(String[]::new));
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(before, api.fingerprint(), "the cluster changed after hastack " + args);
    }

    @Test
    void statusShowsAChangeOfTheNodeListBeingCommitted() throws IOException {
        var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"node": "n1", "coordinator": true, "view": null, "configHash": "abc", "configVersion": 7,
                 "nodeList": ["n1", "n2", "n3"], "previousNodes": ["n1", "n2"]}
                """);
        String text = StatusText.status(status);
        assertTrue(text.contains("config:  version 7 (hash abc)\n"), text);
        assertTrue(text.contains("node list: changing from [n1, n2] to [n1, n2, n3]; committed once"), text);
        ((com.fasterxml.jackson.databind.node.ObjectNode) status).putArray("previousNodes");
        assertTrue(!StatusText.status(status).contains("node list:"), "nothing while no change is committed");
    }

    @Test
    void nodeAddAndRemoveHaveHelp() {
        for (String cmd : List.of("add", "remove")) {
            CliRun help = at("n1", "node", cmd, "--help");
            assertEquals(0, help.code(), help.toString());
            assertTrue(help.out().contains("Exit codes:"), help.out());
        }
        assertTrue(at("n1", "completion").out().contains("--address"), "completion knows node add");
    }
}
