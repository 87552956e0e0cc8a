package io.hastack.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad requests to a real node's API (n1, in a cluster of n1 and n2): each is refused
 * with the right status, a JSON error naming the place ({@code field}) and the reason, and the
 * cluster is the same afterwards (the coordinator's status and snapshot, moves and bans included).
 */
@Tag("functional")
class BadRequestsTest {
    private static final String JSON = "application/json";
    private static Path dir;
    private static ApiCluster api;

    @BeforeAll
    static void startCluster() throws IOException {
        dir = Files.createTempDirectory("bad-requests");
        api = new ApiCluster(dir, 3);
    }

    @AfterAll
    static void stopCluster() {
        api.close();
    }

    /**
     * A bad request.
     *
     * @param method the HTTP method
     * @param path the path and query
     * @param type the Content-Type, or null for none
     * @param body the body, or null for none
     * @param status the status it must get
     * @param field the field the error must name
     * @param reason a part of the error's message
     */
    record Bad(String method, String path, String type, String body, int status, String field, String reason) {
        @Override
        public String toString() {
            String b = body == null ? "" : " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body);
            return method + " " + path + (type == null || type.equals(JSON) ? "" : " [" + type + "]") + b;
        }
    }

    private static Arguments bad(String method, String path, String body, int status, String field, String reason) {
        return Arguments.of(new Bad(method, path, body == null ? null : JSON, body, status, field, reason));
    }

    private static Arguments typed(String path, String type, String body, int status, String field, String reason) {
        return Arguments.of(new Bad("POST", path, type, body, status, field, reason));
    }

    private static final String YAML = "application/yaml";
    /** The file the nodes were started from. */
    private static final String FILE = ApiCluster.FILE.replace("MIGRATION", "3");

    private static Arguments yaml(
            String method, String path, String type, String body, int status, String field, String reason) {
        return Arguments.of(new Bad(method, path, type, body, status, field, reason));
    }

    /** The running file changed: {@code from} replaced by {@code to}. */
    private static String file(String from, String to) {
        if (!FILE.contains(from)) {
            throw new IllegalArgumentException(from);
        }
        return FILE.replace(from, to);
    }

    static Stream<Arguments> configCorpus() {
        String put = "/api/v1/config";
        String validate = "/api/v1/config/validate";
        String added = file("groups:\n", "groups:\n  cache:\n    resources:\n      - id: c\n        agent: witness\n");
        return Stream.of(
                // Paths and methods
                bad("GET", "/api/v1/config/fil", null, 404, "path", "did you mean /api/v1/config/file?"),
                bad("DELETE", put, null, 405, "method", "use GET or PUT"),
                bad("POST", "/api/v1/config/file", "{}", 405, "method", "use GET"),
                yaml("GET", validate, null, null, 405, "method", "use POST"),
                // Content type and size
                yaml("PUT", put, JSON, FILE, 415, "Content-Type", "'Content-Type: application/yaml', not"),
                yaml("POST", validate, null, FILE, 415, "Content-Type", "no Content-Type was sent"),
                yaml("POST", validate, "text/plain", FILE, 415, "Content-Type", "not 'text/plain'"),
                yaml("PUT", put, YAML, "", 400, "body", "the body is empty"),
                yaml("POST", validate, YAML, "", 400, "body", "the body is empty"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        FILE + "#".repeat(AdminServer.MAX_CONFIG_BODY),
                        413,
                        "body",
                        "at most " + AdminServer.MAX_CONFIG_BODY),
                // The file: its line and column, the field's path
                yaml("POST", validate, YAML, "cluster: [x\n", 400, "body", "body:2:1: not valid YAML"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        file("agent: witness", "agnet: witness"),
                        400,
                        "groups.web.resources[0].agnet",
                        "body:12:9: groups.web.resources[0].agnet: unknown field 'agnet'; did you mean 'agent'?"),
                yaml(
                        "POST",
                        validate,
                        YAML,
                        file("monitor-interval: 200ms", "monitor-interval: 10 minutes"),
                        400,
                        "groups.web.resources[0].monitor-interval",
                        "'10 minutes' is not a duration"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        FILE + "constraints:\n  - ban: {id: b, group: wbe, node: n1}\n",
                        400,
                        "constraints[0].ban.group",
                        "no group 'wbe' in 'groups'; did you mean 'web'?"),
                yaml("PUT", put, YAML, "- a list\n", 400, "body", "expected a mapping"),
                // What cannot change at run time
                yaml(
                        "PUT",
                        put,
                        YAML,
                        file("n2: 127.0.0.1:17802", "n3: 127.0.0.1:17802"),
                        409,
                        "nodes",
                        "the node list cannot change through a configuration file"),
                yaml(
                        "POST",
                        validate,
                        YAML,
                        file("127.0.0.1:17802", "127.0.0.2:17802"),
                        409,
                        "nodes",
                        "n2=127.0.0.2:17802"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        file("n2: 127.0.0.1:17802\n", "n2: 127.0.0.1:17802\n  n3: 127.0.0.1:17803\n"),
                        409,
                        "nodes",
                        "hastack node add NAME --address HOST:PORT"),
                yaml("PUT", put, YAML, file("cluster: api-test", "cluster: other"), 409, "cluster", "cannot change"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        FILE + "membership:\n  heartbeat-interval: 1s\n",
                        409,
                        "membership",
                        "restart the nodes one at a time"),
                yaml(
                        "PUT",
                        put,
                        YAML,
                        FILE + "admin:\n  token-file: /etc/t\n",
                        409,
                        "admin",
                        "the 'admin' section differs"),
                // The base version
                yaml("PUT", put + "?base-version=5", YAML, added, 409, "base-version", "read it again"),
                yaml("PUT", put + "?base-version=-1", YAML, added, 400, "base-version", "not a configuration version"),
                yaml("PUT", put + "?base-version=one", YAML, added, 400, "base-version", "'one' is not"),
                yaml("PUT", put + "?base-versoin=0", YAML, added, 400, "base-versoin", "did you mean 'base-version'?"),
                yaml("POST", validate + "?base-version=0", YAML, added, 400, "base-version", "takes none"));
    }

    static Stream<Arguments> corpus() {
        String move = "/api/v1/groups/web/move";
        return Stream.of(
                // Paths and methods
                bad("GET", "/api/v1/stats", null, 404, "path", "did you mean /api/v1/status?"),
                bad("GET", "/api/v2/status", null, 404, "path", "no endpoint /api/v2/status"),
                // "/" is the web console (ConsoleTest)
                bad("GET", "/index.html", null, 404, "path", "no endpoint /index.html"),
                bad("GET", "/api/v1/status/", null, 404, "path", "no endpoint /api/v1/status/"),
                bad("GET", "/api/v1/groups//move", null, 404, "path", "no endpoint"),
                bad("POST", "/api/v1/status", "{}", 405, "method", "POST is not allowed on /api/v1/status: use GET"),
                bad("DELETE", move, null, 405, "method", "use POST"),
                bad("GET", "/api/v1/nodes/n1/standby", null, 405, "method", "use POST"),
                bad("PUT", "/api/v1/cluster/maintenance", "{\"on\": true}", 405, "method", "use POST"),
                bad("GET", move, null, 405, "method", "GET is not allowed"),
                // Query parameters
                bad("GET", "/api/v1/history?limit=abc", null, 400, "limit", "'abc' is not a whole number"),
                bad("GET", "/api/v1/history?limit=0", null, 400, "limit", "out of range 1-1000"),
                bad("GET", "/api/v1/history?limit=1001", null, 400, "limit", "out of range 1-1000"),
                bad("GET", "/api/v1/history?limt=5", null, 400, "limt", "did you mean 'limit'?"),
                bad("GET", "/api/v1/status?verbose=1", null, 400, "verbose", "this endpoint takes none"),
                bad("GET", "/api/v1/history?limit=1&limit=2", null, 400, "limit", "given twice"),
                // Unknown groups, nodes, resources
                bad("GET", "/api/v1/why/nosuch", null, 404, "group", "no group 'nosuch' is configured"),
                bad("POST", "/api/v1/groups/webb/move", "{\"node\": \"n2\"}", 404, "group", "did you mean 'web'?"),
                bad("POST", move, "{\"node\": \"n9\"}", 400, "node", "no node 'n9' in the node list [n1, n2]"),
                bad("POST", "/api/v1/nodes/n9/standby", "{\"on\": true}", 404, "node", "no node 'n9'"),
                bad("POST", "/api/v1/nodes/n9/declare-dead", "{\"reason\": \"x\"}", 404, "node", "no node 'n9'"),
                bad("POST", "/api/v1/resources/nosuch/cleanup", "{}", 404, "resource", "no resource 'nosuch'"),
                bad("POST", "/api/v1/groups/nosuch/clear", "", 404, "group", "no group 'nosuch'"),
                // Fields
                bad("POST", move, "{}", 400, "node", "missing field 'node'"),
                bad("POST", move, "{\"node\": 7}", 400, "node", "'node' must be a string, was 7"),
                bad(
                        "POST",
                        move,
                        "{\"node\": \"n2\", \"lifetme\": \"10m\"}",
                        400,
                        "lifetme",
                        "did you mean 'lifetime'?"),
                bad(
                        "POST",
                        move,
                        "{\"node\": \"n2\", \"lifetime\": \"10 minutes\"}",
                        400,
                        "lifetime",
                        "not a duration"),
                bad("POST", move, "{\"node\": \"n2\", \"lifetime\": \"0s\"}", 400, "lifetime", "lifetime of the move"),
                bad(
                        "POST",
                        "/api/v1/groups/web/ban",
                        "{\"node\": \"n2\", \"lifetime\": \"400d\"}",
                        400,
                        "lifetime",
                        "lifetime of the ban"),
                bad("POST", move, "{\"node\": \"n2\", \"lifetime\": 600}", 400, "lifetime", "must be a string"),
                bad("POST", "/api/v1/groups/web/clear", "{\"force\": true}", 400, "force", "takes no fields"),
                bad("POST", "/api/v1/nodes/n1/standby", "{}", 400, "on", "missing field 'on'"),
                bad("POST", "/api/v1/nodes/n1/standby", "{\"on\": \"yes\"}", 400, "on", "must be true or false"),
                bad("POST", "/api/v1/nodes/n1/maintenance", "{\"of\": true}", 400, "of", "did you mean 'on'?"),
                bad("POST", "/api/v1/cluster/maintenance", "{\"on\": 1}", 400, "on", "must be true or false"),
                bad("POST", "/api/v1/resources/cleanup", "{\"resource\": \"w\"}", 400, "resource", "takes no fields"),
                bad("POST", "/api/v1/nodes/n2/declare-dead", "{}", 400, "reason", "missing field 'reason'"),
                bad("POST", "/api/v1/nodes/n2/declare-dead", "{\"reason\": \"  \"}", 400, "reason", "blank"),
                // Simulations
                bad("POST", "/api/v1/simulate", "{}", 400, "events", "missing field 'events'"),
                bad("POST", "/api/v1/simulate", "{\"events\": \"node-fails n1\"}", 400, "events", "must be a list"),
                bad("POST", "/api/v1/simulate", "{\"events\": []}", 400, "events", "1 to 50 are allowed"),
                bad("POST", "/api/v1/simulate", "{\"events\": [3]}", 400, "events[0]", "must be a string"),
                bad(
                        "POST",
                        "/api/v1/simulate",
                        "{\"events\": [\"node-fails n1\"], \"score\": true}",
                        400,
                        "score",
                        "did you mean 'scores'?"),
                bad("POST", "/api/v1/simulate", "{\"events\": [\"boom\"]}", 400, "events", "is not one of"),
                // The node list
                bad("GET", "/api/v1/nodes/n3/add", null, 405, "method", "use POST"),
                bad("POST", "/api/v1/nodes/n3/add", "{}", 400, "address", "missing field 'address'"),
                bad("POST", "/api/v1/nodes/n3/add", "{\"address\": 7803}", 400, "address", "must be a string"),
                bad(
                        "POST",
                        "/api/v1/nodes/n3/add",
                        "{\"address\": \"127.0.0.1\"}",
                        400,
                        "address",
                        "'127.0.0.1' is not an address: write host:port"),
                bad("POST", "/api/v1/nodes/n3/add", "{\"address\": \"*:7803\"}", 400, "address", "'*' is a wildcard"),
                bad(
                        "POST",
                        "/api/v1/nodes/n3/add",
                        "{\"address\": \"127.0.0.1:7803\", \"adress\": \"x\"}",
                        400,
                        "adress",
                        "did you mean 'address'?"),
                bad(
                        "POST",
                        "/api/v1/nodes/n%203/add",
                        "{\"address\": \"127.0.0.1:17803\"}",
                        400,
                        "node",
                        "'n 3' is not a node name"),
                bad(
                        "POST",
                        "/api/v1/nodes/n2/add",
                        "{\"address\": \"127.0.0.1:17803\"}",
                        409,
                        "node",
                        "node n2 is in the node list [n1, n2] already"),
                bad(
                        "POST",
                        "/api/v1/nodes/n3/add",
                        "{\"address\": \"127.0.0.1:17802\"}",
                        409,
                        "address",
                        "address 127.0.0.1:17802 is node n2's"),
                bad("POST", "/api/v1/nodes/n9/remove", "{}", 404, "node", "no node 'n9' in the node list [n1, n2]"),
                bad("POST", "/api/v1/nodes/n2/remove", "{\"force\": true}", 400, "force", "takes no fields"),
                bad("POST", "/api/v1/nodes/n1/remove", "{}", 409, "node", "cannot remove itself"),
                bad("POST", "/api/v1/nodes/n2/remove", "{}", 409, "null", "stop it first"),
                // Commands a node cannot carry out
                bad(
                        "POST",
                        "/api/v1/nodes/n1/declare-dead",
                        "{\"reason\": \"x\"}",
                        409,
                        "node",
                        "cannot declare itself dead"),
                // Bodies
                bad("POST", move, "{\"node\": \"n2\"", 400, "body", "not valid JSON at line 1"),
                bad("POST", move, "[1, 2]", 400, "body", "must be a JSON object"),
                bad("POST", move, "null", 400, "body", "must be a JSON object"),
                bad("POST", move, "{\"node\": \"n2\", \"node\": \"n1\"}", 400, "body", "Duplicate field 'node'"),
                bad("POST", move, "{\"node\": \"n2\"} {}", 400, "body", "not valid JSON"),
                bad(
                        "POST",
                        move,
                        "{\"node\": \"n2\"}" + " ".repeat(AdminServer.MAX_BODY),
                        413,
                        "body",
                        "at most 65536"),
                typed(move, "text/plain", "{\"node\": \"n2\"}", 415, "Content-Type", "not 'text/plain'"),
                typed(move, null, "{\"node\": \"n2\"}", 415, "Content-Type", "no Content-Type was sent"),
                typed(move, "application/x-www-form-urlencoded", "node=n2", 415, "Content-Type", "application/json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"corpus", "configCorpus"})
    void isRefusedNamingThePlaceAndChangesNothing(Bad bad) {
        String before = api.fingerprint();
        HttpRequest.Builder r = api.request("n1", bad.path());
        if (bad.type() != null) {
            r.header("Content-Type", bad.type());
        }
        r.method(
                bad.method(),
                bad.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(bad.body()));
        HttpResponse<String> answer = api.send(r.build());
        assertEquals(bad.status(), answer.statusCode(), answer.body());
        assertEquals(
                "application/json; charset=utf-8",
                answer.headers().firstValue("Content-Type").orElse(""));
        JsonNode error;
        try {
            error = api.mapper.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(bad.field(), error.path("field").asText(), answer.body());
        assertTrue(error.path("error").asText().contains(bad.reason()), answer.body());
        if (bad.status() == 405) {
            assertTrue(
                    answer.headers().firstValue("Allow").isPresent(),
                    answer.headers().toString());
        }
        assertEquals(before, api.fingerprint(), "the cluster changed after " + bad);
    }
}
