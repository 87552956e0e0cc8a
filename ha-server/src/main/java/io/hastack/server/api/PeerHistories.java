package io.hastack.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hastack.core.model.NodeId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The other nodes' event histories, read from their admin APIs ({@code GET /api/v1/history}) with
 * this node's token, all at once, each within {@link #TIMEOUT}: what {@code GET /api/v1/timeline}
 * merges into one cluster-wide history. A node that cannot be asked (not in the map, unreachable,
 * another token, a certificate this node does not trust, plain HTTP to another host, which would
 * send the token in clear) is named with the reason, and the rest is answered without it.
 */
final class PeerHistories {
    /** How long each node may take to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One node's events, or why there are none. */
    record Answer(List<ObjectNode> events, Optional<String> problem) {
        Answer {
            events = List.copyOf(events);
        }
    }

    private final Function<NodeId, Optional<URI>> endpoints;
    private final Supplier<String> token;
    private final HttpClient http;
    private final java.util.function.LongSupplier nanoTime;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Reads histories from {@code endpoints} (a node's API base, {@code http(s)://host:port}; empty
     * if not known), sending {@code token}; over TLS, a peer's certificate must be trusted by {@code
     * ssl} (the certificates in this node's keystore).
     */
    PeerHistories(Function<NodeId, Optional<URI>> endpoints, Supplier<String> token, Optional<SSLContext> ssl) {
        this(endpoints, token, ssl, System::nanoTime);
    }

    /** As above, with the clock that ages the reused answers ({@link System#nanoTime()}; tests). */
    PeerHistories(
            Function<NodeId, Optional<URI>> endpoints,
            Supplier<String> token,
            Optional<SSLContext> ssl,
            java.util.function.LongSupplier nanoTime) {
        this.endpoints = endpoints;
        this.token = token;
        this.nanoTime = nanoTime;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        ssl.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** The last answers, reused for {@link #FRESH} by requests for the same nodes and limit. */
    private record Cached(List<NodeId> nodes, int limit, long at, Map<NodeId, Answer> answers) {}

    /** How long answers are reused: every open console asks every second. */
    static final Duration FRESH = Duration.ofMillis(900);

    private volatile Cached cached;

    /**
     * The last {@code limit} events of each of {@code nodes}, by node, in their order; the answers
     * of less than {@link #FRESH} ago if the same were asked.
     */
    Map<NodeId, Answer> read(List<NodeId> nodes, int limit) {
        Cached c = cached;
        long now = nanoTime.getAsLong();
        if (c != null && c.limit() == limit && c.nodes().equals(nodes) && now - c.at() < FRESH.toNanos()) {
            return c.answers();
        }
        Map<NodeId, Answer> answers = ask(nodes, limit);
        cached = new Cached(List.copyOf(nodes), limit, now, answers);
        return answers;
    }

    private Map<NodeId, Answer> ask(List<NodeId> nodes, int limit) {
        Map<NodeId, CompletableFuture<Answer>> asked = new LinkedHashMap<>();
        String bearer;
        try {
            bearer = "Bearer " + token.get();
        } catch (RuntimeException e) {
            Answer none = new Answer(List.of(), Optional.of("this node's token cannot be read: " + e.getMessage()));
            Map<NodeId, Answer> out = new LinkedHashMap<>();
            nodes.forEach(n -> out.put(n, none));
            return out;
        }
        for (NodeId n : nodes) {
            Optional<URI> base = endpoints.apply(n);
            if (base.isEmpty()) {
                asked.put(
                        n,
                        CompletableFuture.completedFuture(
                                new Answer(List.of(), Optional.of("its admin address is not known here"))));
                continue;
            }
            if (!"https".equalsIgnoreCase(base.get().getScheme())
                    && !loopback(base.get().getHost())) {
                asked.put(
                        n,
                        CompletableFuture.completedFuture(new Answer(
                                List.of(),
                                Optional.of("its API at " + base.get() + " is plain HTTP on another host: the token"
                                        + " would cross the network in clear (configure admin.tls)"))));
                continue;
            }
            HttpRequest request = HttpRequest.newBuilder(base.get().resolve("/api/v1/history?limit=" + limit))
                    .timeout(TIMEOUT)
                    .header("Authorization", bearer)
                    .GET()
                    .build();
            asked.put(
                    n,
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            .thenApply(r -> answer(n, base.get(), r))
                            // The request's timeout ends with the headers: a peer stalled in its body
                            // must not hold this thread.
                            .orTimeout(2 * TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                            .exceptionally(e -> new Answer(
                                    List.of(),
                                    Optional.of("unreachable at " + base.get() + ": "
                                            + (e.getCause() != null ? e.getCause() : e)))));
        }
        Map<NodeId, Answer> out = new LinkedHashMap<>();
        asked.forEach((n, f) -> out.put(n, f.join()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Whether {@code host} is a loopback address written as such ({@code 127.x}, {@code ::1}, {@code
     * localhost}): nothing is looked up, so no name can be made to point elsewhere later.
     */
    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !h.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false; // a name: not looked up
        }
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private Answer answer(NodeId node, URI base, HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return new Answer(
                    List.of(),
                    Optional.of(base + " answered HTTP " + r.statusCode()
                            + (r.statusCode() == 401 ? " (its admin token differs from this node's)" : "")));
        }
        try {
            JsonNode body = mapper.readTree(r.body());
            if (!body.path("node").asText().equals(node.value())) {
                return new Answer(
                        List.of(),
                        Optional.of(base + " is node '" + body.path("node").asText() + "', not " + node));
            }
            List<ObjectNode> events = new ArrayList<>();
            for (JsonNode e : body.path("events")) {
                if (e instanceof ObjectNode o && o.path("node").asText().equals(node.value())) {
                    events.add(o);
                }
            }
            return new Answer(events, Optional.empty());
        } catch (java.io.IOException e) {
            return new Answer(List.of(), Optional.of(base + " answered what is not its history: " + e.getMessage()));
        }
    }
}
