package io.hastack.server.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hastack.core.model.NodeId;
import io.hastack.server.config.ClusterFile;
import io.hastack.server.config.ConfigFile;
import io.hastack.testkit.InProcessCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the running cluster's configuration through the admin API, on real nodes: the running
 * configuration as a file, a file validated without a change, a file applied (a new group runs once,
 * a changed parameter restarts its resource, every node takes the version), and refusals (an agent's
 * validate, a stale base version) that change nothing.
 */
@Tag("functional")
class ConfigApiTest {
    @TempDir
    Path dir;

    private ApiCluster api;

    @BeforeEach
    void startCluster() {
        api = new ApiCluster(dir, 3);
    }

    @AfterEach
    void tearDown() {
        try {
            assertEquals(List.of(), api.cluster.witness.violations(), "nothing ran twice");
        } finally {
            api.close();
        }
    }

    /** The running file with one more group {@code cache} of resource {@code c} with {@code param}. */
    private static String withCache(String yaml, String param) {
        return yaml.replace(
                "groups:\n",
                "groups:\n  cache:\n    resources:\n    - id: c\n      agent: witness\n      params:\n        " + param
                        + "\n      monitor-interval: 200ms\n");
    }

    @Test
    void theRunningConfigurationReadsAsItsFileWithVersionAndHash() {
        JsonNode config = api.get("n1", "/api/v1/config");
        assertEquals(0, config.path("version").asLong());
        assertEquals(api.cluster.node("n1").config().hash(), config.path("hash").asText());

        JsonNode file = api.get("n2", "/api/v1/config/file");
        assertEquals(0, file.path("version").asLong());
        assertEquals(config.path("hash").asText(), file.path("hash").asText());
        assertEquals(api.configFile.toString(), file.path("file").asText());
        ClusterFile back = ConfigFile.parse("answer", file.path("yaml").asText(), dir);
        assertEquals(api.cluster.node("n2").configuration(), back.versioned());
        assertEquals("api-test", back.cluster());
        assertEquals(
                List.of("n1", "n2"),
                back.nodes().keySet().stream().map(NodeId::value).toList());
    }

    @Test
    void validateChecksAFileAndChangesNothing() {
        String fingerprint = api.fingerprint();
        JsonNode same = api.json(api.yaml("n1", "POST", "/api/v1/config/validate", api.runningYaml("n1")));
        assertTrue(same.path("valid").asBoolean(), same.toString());
        assertFalse(same.path("changed").asBoolean(), same.toString());
        HttpResponse<String> r =
                api.yaml("n2", "POST", "/api/v1/config/validate", withCache(api.runningYaml("n2"), "k: v"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode changed = api.json(r);
        assertTrue(changed.path("changed").asBoolean(), changed.toString());
        assertTrue(changed.path("notChecked").asText().contains("coordinator's checks"), changed.toString());
        // This node's agents are asked, without any change being made.
        HttpResponse<String> refused = api.yaml(
                "n2", "POST", "/api/v1/config/validate", withCache(api.runningYaml("n2"), "invalid: no such disk"));
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(api.json(refused).path("error").asText().contains("no such disk"), refused.body());
        assertEquals(fingerprint, api.fingerprint());
        assertEquals(List.of(0L, 0L), api.versions());
    }

    @Test
    void aFileAppliedChangesTheRunningClusterOnEveryNode() {
        // A new group: probed everywhere, then started once.
        HttpResponse<String> added =
                api.yaml("n2", "PUT", "/api/v1/config", withCache(api.runningYaml("n2"), "flavour: plain"));
        assertEquals(200, added.statusCode(), added.body());
        JsonNode a = api.json(added);
        assertEquals(1, a.path("version").asLong());
        assertTrue(a.path("changed").asBoolean());
        assertEquals(api.cluster.node("n2").config().hash(), a.path("hash").asText());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.versions().equals(List.of(1L, 1L))
                        && api.cluster.witness.runningOn("c").size() == 1);
        String on = api.runningOn("c");
        long starts = api.cluster.witness.starts(on, "c");

        // The same file again: accepted, nothing changes.
        JsonNode again = api.json(api.yaml("n1", "PUT", "/api/v1/config?base-version=1", api.runningYaml("n1")));
        assertFalse(again.path("changed").asBoolean(), again.toString());
        assertEquals(1, again.path("version").asLong());

        // A changed parameter restarts the resource.
        String changedParam = api.runningYaml("n1").replace("flavour: plain", "flavour: spicy");
        JsonNode b = api.json(api.yaml("n1", "PUT", "/api/v1/config?base-version=1", changedParam));
        assertEquals(2, b.path("version").asLong(), b.toString());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.versions().equals(List.of(2L, 2L))
                        && api.cluster.witness.runningOn("c").size() == 1
                        && api.cluster.witness.starts(api.runningOn("c"), "c")
                                > (api.runningOn("c").equals(on) ? starts : 0));
        assertEquals(
                "spicy",
                api.cluster
                        .node("n2")
                        .config()
                        .resource(io.hastack.core.model.ResourceId.of("c"))
                        .orElseThrow()
                        .parameters()
                        .get("flavour"));

        // The file it serves now holds version 2.
        assertEquals(2, api.get("n2", "/api/v1/config/file").path("version").asLong());
    }

    @Test
    void refusalsChangeNothing() {
        String fingerprint = api.fingerprint();
        // The agent's validate refuses the new resource: 409 with its reason.
        HttpResponse<String> invalid =
                api.yaml("n1", "PUT", "/api/v1/config", withCache(api.runningYaml("n1"), "invalid: no such disk"));
        assertEquals(409, invalid.statusCode(), invalid.body());
        assertTrue(api.json(invalid).path("error").asText().contains("no such disk"), invalid.body());
        // A stale base version: 409, read it again.
        HttpResponse<String> stale =
                api.yaml("n1", "PUT", "/api/v1/config?base-version=7", withCache(api.runningYaml("n1"), "k: v"));
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(api.json(stale).path("error").asText().contains("read it again"), stale.body());
        assertEquals(fingerprint, api.fingerprint());
        assertEquals(List.of(0L, 0L), api.versions());
        assertEquals(Set.of(), api.cluster.witness.runningOn("c"));
    }
}
