package io.hastack.server.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hastack.core.model.NodeId;
import io.hastack.testkit.InProcessCluster;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API on real nodes: the status answers, each command has its effect on the cluster, the
 * event stream delivers a failover as it happens, and a request without the right token is refused
 * and changes nothing.
 */
@Tag("functional")
class AdminApiTest {
    @TempDir
    Path dir;

    private ApiCluster api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void statusConfigAndHistoryAnswerWithTheWholePicture() {
        api = new ApiCluster(dir, 3);
        String coordinator = api.coordinator();
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            JsonNode s = api.get(coordinator, "/api/v1/status");
            assertEquals(coordinator, s.path("node").asText());
            assertTrue(s.path("coordinator").asBoolean());
            assertEquals(2, s.path("view").path("members").size());
            assertTrue(s.path("quorum").asText().startsWith("quorate"), s.toString());
            assertEquals(2, s.path("nodes").size());
            assertEquals("online", s.path("nodes").get(0).path("status").asText());
            assertEquals("web", s.path("groups").get(0).path("id").asText());
            assertEquals(
                    api.runningOn("w"),
                    s.path("groups").get(0).path("runningOn").get(0).asText());
            assertEquals(
                    "RUNNING",
                    s.path("groups")
                            .get(0)
                            .path("resources")
                            .get(0)
                            .path("states")
                            .path(api.runningOn("w"))
                            .asText());
            assertEquals(
                    api.cluster.node("n1").config().hash(), s.path("configHash").asText());
        });
        JsonNode config = api.get("n1", "/api/v1/config");
        assertEquals(
                List.of("n1", "n2"),
                List.of(
                        config.path("nodes").get(0).asText(),
                        config.path("nodes").get(1).asText()));
        assertEquals(
                "w",
                config.path("groups").get(0).path("resources").get(0).path("id").asText());
        assertEquals(
                "witness",
                config.path("groups")
                        .get(0)
                        .path("resources")
                        .get(0)
                        .path("agent")
                        .asText());
        assertEquals(3, config.path("options").path("migrationThreshold").asInt());

        // The node that starts a group has recorded its actions, newest last.
        String active = api.runningOn("w");
        JsonNode history = api.get(active, "/api/v1/history?limit=1000");
        List<String> types = history.path("events").findValuesAsText("type");
        assertTrue(types.contains("ACTION_SUCCEEDED"), types.toString());
        JsonNode events = history.path("events");
        long first = events.get(0).path("seq").asLong();
        long last = events.get(events.size() - 1).path("seq").asLong();
        assertTrue(first < last, history.toString());
        assertEquals(
                1, api.get(active, "/api/v1/history?limit=1").path("events").size());
        assertEquals(
                last,
                api.get(active, "/api/v1/history?limit=1")
                        .path("events")
                        .get(0)
                        .path("seq")
                        .asLong());
    }

    @Test
    void standbyMovesTheGroupsAwayAndUnstandbyMakesTheNodeEligibleAgain() {
        api = new ApiCluster(dir, 3);
        String active = api.runningOn("w");
        String other = ApiCluster.other(active);

        JsonNode answer = api.ok(active, "/api/v1/nodes/" + active + "/standby", "{\"on\": true}");
        assertEquals("standby", answer.path("status").asText());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of(other)))
                        && api.cluster.witness.runningOn("d").equals(Set.of(NodeId.of(other))));
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.get(api.coordinator(), "/api/v1/status")
                        .path("nodes")
                        .toString()
                        .contains("\"standby\""));

        // Another node's standby goes through this node's endpoint: the order is sent to it (here
        // "off", which it already is: the effect on a group is LiveConfigurationTest's).
        HttpResponse<String> elsewhere = api.post(active, "/api/v1/nodes/" + other + "/standby", "{\"on\": false}");
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertEquals(other, api.json(elsewhere).path("sentTo").asText(), elsewhere.body());

        api.ok(active, "/api/v1/nodes/" + active + "/standby", "{\"on\": false}");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> !api.get(api.coordinator(), "/api/v1/status")
                        .path("nodes")
                        .toString()
                        .contains("\"standby\""));
        // Groups stay where they run.
        assertEquals(Set.of(NodeId.of(other)), api.cluster.witness.runningOn("w"));
    }

    @Test
    void moveBanAndClearPlaceTheGroup() {
        api = new ApiCluster(dir, 3);
        String active = api.runningOn("w");
        String other = ApiCluster.other(active);

        JsonNode move = api.ok("n1", "/api/v1/groups/web/move", "{\"node\": \"" + other + "\", \"lifetime\": \"10m\"}");
        assertEquals(other, move.path("node").asText());
        assertFalse(move.path("ban").asBoolean());
        assertTrue(move.path("until").isTextual(), move.toString());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of(other))));

        api.ok("n2", "/api/v1/groups/web/ban", "{\"node\": \"" + other + "\"}");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.witness.runningOn("w").equals(Set.of(NodeId.of(active))));

        JsonNode clear = api.ok("n1", "/api/v1/groups/web/clear", "");
        assertEquals("web", clear.path("group").asText());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> !api.cluster.node(api.coordinator()).snapshotText().contains("ban web"));
        assertEquals(Set.of(NodeId.of(active)), api.cluster.witness.runningOn("w"));

        // Why: the coordinator explains the scores behind the placement; another node says whom to ask.
        JsonNode why = api.get(api.coordinator(), "/api/v1/why/web");
        assertEquals(active, why.path("runningOn").get(0).asText());
        assertEquals(2, why.path("scores").size(), why.toString());
        assertEquals(active, why.path("scores").get(0).path("node").asText(), why.toString());
        HttpResponse<String> notCoordinator =
                api.send(api.request(ApiCluster.other(api.coordinator()), "/api/v1/why/web")
                        .GET()
                        .build());
        assertEquals(409, notCoordinator.statusCode(), notCoordinator.body());
        assertTrue(notCoordinator.body().contains("ask " + api.coordinator()), notCoordinator.body());
    }

    @Test
    void cleanupForgetsFailuresAndClusterMaintenanceIsSwitched() {
        api = new ApiCluster(dir, 5);
        String active = api.runningOn("d");
        api.cluster.witness.failMonitor(NodeId.of(active), "d", true);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> failures(active).path("d").asInt() >= 1);
        api.cluster.witness.failMonitor(NodeId.of(active), "d", false);

        JsonNode one = api.ok("n1", "/api/v1/resources/d/cleanup", "{}");
        assertEquals("d", one.path("resource").asText());
        assertEquals(2, one.path("sentTo").size());
        await().atMost(InProcessCluster.WAIT).until(() -> failures(active).isEmpty());

        JsonNode all = api.ok("n2", "/api/v1/resources/cleanup", "");
        assertTrue(all.path("resource").isNull());

        JsonNode on = api.ok("n2", "/api/v1/cluster/maintenance", "{\"on\": true}");
        assertTrue(on.path("maintenance").asBoolean());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> api.cluster.node(api.coordinator()).snapshotText().contains("maintenance-mode true"));
        api.ok("n1", "/api/v1/cluster/maintenance", "{\"on\": false}");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> !api.cluster.node(api.coordinator()).snapshotText().contains("maintenance-mode true"));
    }

    private JsonNode failures(String node) {
        for (JsonNode n : api.get(api.coordinator(), "/api/v1/status").path("nodes")) {
            if (n.path("node").asText().equals(node)) {
                return n.path("failures");
            }
        }
        throw new AssertionError("no node " + node);
    }

    @Test
    void theEventStreamDeliversAFailoverAsItHappens() throws Exception {
        api = new ApiCluster(dir, 1);
        String active = api.runningOn("w");
        String other = ApiCluster.other(active);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = api.http.send(
                api.request(other, "/api/v1/events").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals(
                "text/event-stream; charset=utf-8",
                stream.headers().firstValue("Content-Type").orElse(""));
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("closed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(InProcessCluster.WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith(": events of")));

        api.cluster.witness.failMonitor(NodeId.of(active), "w", true);

        await().atMost(InProcessCluster.WAIT)
                .alias("the start of w on " + other + " in the stream")
                .until(() -> lines.stream()
                        .anyMatch(l -> l.startsWith("data:")
                                && l.contains("\"type\":\"ACTION_SUCCEEDED\"")
                                && l.contains("\"subject\":\"w\"")
                                && l.contains("\"node\":\"" + other + "\"")));
        assertTrue(lines.contains("event: ACTION_SUCCEEDED"), lines.toString());
        JsonNode event = api.mapper.readTree(lines.stream()
                .filter(l -> l.startsWith("data:") && l.contains("ACTION_SUCCEEDED"))
                .findFirst()
                .orElseThrow()
                .substring(5));
        assertEquals("START", event.path("data").path("action").asText(), event.toString());
        api.servers.get(other).close();
        await().atMost(InProcessCluster.WAIT).until(() -> !reader.isAlive());
    }

    @Test
    void requestsWithoutTheRightTokenAreRefusedCountedAndChangeNothing() {
        api = new ApiCluster(dir, 3);
        String before = api.fingerprint();
        String node = api.runningOn("w");
        String path = "/api/v1/nodes/" + node + "/standby";
        HttpRequest.BodyPublisher on = HttpRequest.BodyPublishers.ofString("{\"on\": true}");
        List<HttpRequest> requests = List.of(
                HttpRequest.newBuilder(api.uri(node, path)).POST(on).build(),
                HttpRequest.newBuilder(api.uri(node, path))
                        .header("Authorization", "Bearer wrong-token-0123456789")
                        .POST(on)
                        .build(),
                HttpRequest.newBuilder(api.uri(node, path))
                        .header("Authorization", "Basic dXNlcjpwYXNz")
                        .POST(on)
                        .build(),
                HttpRequest.newBuilder(api.uri(node, path))
                        .header("Authorization", "Bearer ")
                        .POST(on)
                        .build(),
                HttpRequest.newBuilder(api.uri(node, path))
                        .header("Authorization", ApiCluster.TOKEN)
                        .POST(on)
                        .build(),
                HttpRequest.newBuilder(api.uri(node, "/api/v1/status")).GET().build(),
                HttpRequest.newBuilder(api.uri(node, "/nothing/here")).GET().build());
        for (HttpRequest r : requests) {
            HttpResponse<String> answer = api.send(r);
            assertEquals(401, answer.statusCode(), r + " " + answer.body());
            assertEquals(
                    "application/json; charset=utf-8",
                    answer.headers().firstValue("Content-Type").orElse(""));
            JsonNode error = api.json(answer);
            assertEquals("Authorization", error.path("field").asText(), answer.body());
            assertFalse(error.path("error").asText().isEmpty());
            assertFalse(answer.body().contains(ApiCluster.TOKEN), "the answer must not echo the token");
        }
        assertEquals(requests.size(), api.servers.get(node).refusals().total());
        assertEquals(1, api.servers.get(node).refusals().count("wrong token"));
        assertEquals(
                requests.size(),
                api.get(node, "/api/v1/status")
                        .path("api")
                        .path("refused")
                        .path("total")
                        .asLong());
        assertEquals(before, api.fingerprint());
        assertEquals(Set.of(NodeId.of(node)), api.cluster.witness.runningOn("w"));
    }
}
