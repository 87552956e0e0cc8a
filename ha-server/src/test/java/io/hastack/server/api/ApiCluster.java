package io.hastack.server.api;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.HaNode;
import io.hastack.server.config.ConfigFile;
import io.hastack.testkit.InProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A two-node in-process cluster (groups {@code web} = resource {@code w}, {@code db} = resource
 * {@code d}, both on the witness agent) started from one configuration file ({@link #FILE}), whose
 * nodes each serve the admin API on a free loopback port, with one token; and a client for it. Close it after the test.
 */
public final class ApiCluster implements AutoCloseable {
    /** The token every node accepts. */
    public static final String TOKEN = "test-token-0123456789abcdef";

    public final InProcessCluster cluster = new InProcessCluster();
    public final Map<String, AdminServer> servers = new LinkedHashMap<>();
    public final Path tokenFile;
    /** The configuration file both nodes were started from (their APIs read it). */
    public final Path configFile;

    public final HttpClient http = HttpClient.newHttpClient();
    public final ObjectMapper mapper = new ObjectMapper();

    /**
     * The configuration file: the nodes' addresses are never used (the nodes run on the in-process
     * stack), MIGRATION is replaced by the migration threshold.
     */
    public static final String FILE = """
            cluster: api-test
            insecure: true
            nodes:
              n1: 127.0.0.1:17801
              n2: 127.0.0.1:17802
            options:
              migration-threshold: MIGRATION
            groups:
              web:
                resources:
                  - id: w
                    agent: witness
                    monitor-interval: 200ms
              db:
                resources:
                  - id: d
                    agent: witness
                    monitor-interval: 200ms
            """;

    /** Starts n1 and n2 with the API, and waits until each group runs on one node. */
    public ApiCluster(Path dir, int migrationThreshold) {
        tokenFile = dir.resolve("admin.token");
        try {
            Files.writeString(tokenFile, TOKEN + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        configFile = dir.resolve("cluster.yaml");
        try {
            Files.writeString(configFile, FILE.replace("MIGRATION", String.valueOf(migrationThreshold)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClusterConfig config = ConfigFile.load(configFile).config();
        for (String n : List.of("n1", "n2")) {
            HaNode node = cluster.start(n, config);
            AdminServer server =
                    new AdminServer(node, AdminSettings.of(tokenFile).withPort(0), configFile);
            server.start();
            servers.put(n, server);
        }
        cluster.awaitView(2);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("w").size() == 1
                        && cluster.witness.runningOn("d").size() == 1);
    }

    /** The node that runs {@code resource}. */
    public String runningOn(String resource) {
        Set<NodeId> on = cluster.witness.runningOn(resource);
        return on.iterator().next().value();
    }

    /** The other node. */
    public static String other(String node) {
        return node.equals("n1") ? "n2" : "n1";
    }

    /** The configuration version every live node holds, in node order, e.g. {@code [0, 0]}. */
    public List<Long> versions() {
        return cluster.liveNodes().stream()
                .map(n -> cluster.node(n).configuration().version())
                .toList();
    }

    /** The coordinator's name. */
    public String coordinator() {
        return cluster.coordinatorStatus().node().value();
    }

    public URI uri(String node, String path) {
        return URI.create(servers.get(node).uri() + path);
    }

    /** A request to {@code node} with the token. */
    public HttpRequest.Builder request(String node, String path) {
        return HttpRequest.newBuilder(uri(node, path)).header("Authorization", "Bearer " + TOKEN);
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode json(HttpResponse<String> response) {
        try {
            return mapper.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    /** GETs {@code path} from {@code node}, expecting 200. */
    public JsonNode get(String node, String path) {
        HttpResponse<String> r = send(request(node, path).GET().build());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on " + node + ": " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    /** POSTs {@code body} to {@code path} on {@code node}. */
    public HttpResponse<String> post(String node, String path, String body) {
        return send(request(node, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Sends a configuration file to {@code path} on {@code node} with {@code method} as YAML. */
    public HttpResponse<String> yaml(String node, String method, String path, String yaml) {
        return send(request(node, path)
                .header("Content-Type", "application/yaml")
                .method(method, HttpRequest.BodyPublishers.ofString(yaml))
                .build());
    }

    /** The running configuration file from {@code node}'s API ({@code GET config/file}'s yaml). */
    public String runningYaml(String node) {
        return get(node, "/api/v1/config/file").path("yaml").asText();
    }

    /** POSTs, expecting 200. */
    public JsonNode ok(String node, String path, String body) {
        HttpResponse<String> r = post(node, path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError("POST " + path + " on " + node + ": " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    /**
     * What must not change when a request is refused: the coordinator's status (members, states,
     * failures, notes, quorum, configuration) and its snapshot (which also holds the moves and bans).
     */
    public String fingerprint() {
        JsonNode s = get(coordinator(), "/api/v1/status");
        return s.path("view") + "|" + s.path("nodes") + "|" + s.path("groups") + "|" + s.path("notes") + "|"
                + s.path("quorum") + "|" + s.path("configHash") + "|" + versions() + "|"
                + cluster.node(coordinator())
                        .snapshotText()
                        .lines()
                        .filter(l -> !l.startsWith("now") && !l.startsWith("#"))
                        .toList();
    }

    @Override
    public void close() {
        servers.values().forEach(AdminServer::close);
        cluster.close();
    }
}
