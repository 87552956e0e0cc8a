package io.hastack.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hastack.core.model.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link PeerHistories} makes of the other nodes' answers: their events, or the reason they
 * are missing. (A real cluster's histories merged: {@code ConsoleTest}.)
 */
class PeerHistoriesTest {
    private static final String TOKEN = "peer-token-0123456789abcdef";

    private HttpServer server;
    private final AtomicInteger asked = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A peer that answers {@code status} with {@code body}, counting the requests that carry the token. */
    private URI peer(int status, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/history", ex -> {
            if (("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                asked.incrementAndGet();
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Map<NodeId, PeerHistories.Answer> read(Map<NodeId, URI> endpoints) {
        return new PeerHistories(n -> Optional.ofNullable(endpoints.get(n)), () -> TOKEN, Optional.empty())
                .read(List.of(NodeId.of("n2")), 100);
    }

    @Test
    void takesThePeersOwnEventsOnly() throws Exception {
        URI n2 = peer(
                200,
                "{\"node\": \"n2\", \"events\": [{\"node\": \"n2\", \"type\": \"JOINED\"},"
                        + " {\"node\": \"n9\", \"type\": \"JOINED\"}]}");
        PeerHistories.Answer a = read(Map.of(NodeId.of("n2"), n2)).get(NodeId.of("n2"));
        assertEquals(Optional.empty(), a.problem());
        assertEquals(1, a.events().size(), a.events().toString());
        assertEquals(1, asked.get(), "asked once, with the token");
    }

    @Test
    void namesWhyAPeersEventsAreMissing() throws Exception {
        URI refusing = peer(401, "{\"error\": \"wrong token\"}");
        assertTrue(read(Map.of(NodeId.of("n2"), refusing))
                .get(NodeId.of("n2"))
                .problem()
                .orElseThrow()
                .contains("HTTP 401 (its admin token differs"));
        server.stop(0);
        URI other = peer(200, "{\"node\": \"n3\", \"events\": []}");
        assertTrue(read(Map.of(NodeId.of("n2"), other))
                .get(NodeId.of("n2"))
                .problem()
                .orElseThrow()
                .contains("is node 'n3', not n2"));
        server.stop(0);
        server = null;
        assertTrue(read(Map.of(NodeId.of("n2"), other))
                .get(NodeId.of("n2"))
                .problem()
                .orElseThrow()
                .startsWith("unreachable at " + other));
        assertTrue(read(Map.of()).get(NodeId.of("n2")).problem().orElseThrow().contains("not known"));
    }

    @Test
    void loopbackIsReadFromTheAddressNotLookedUp() {
        for (String h : List.of("127.0.0.1", "127.1.2.3", "[::1]", "::1", "localhost", "LOCALHOST")) {
            assertTrue(PeerHistories.loopback(h), h);
        }
        for (String h : List.of("10.0.0.2", "[2001:db8::1]", "loopback.example.com", "127.0.0.1.example.com")) {
            assertTrue(!PeerHistories.loopback(h), h);
        }
    }

    @Test
    void answersOfLessThanASecondAgoAreReused() throws Exception {
        URI n2 = peer(200, "{\"node\": \"n2\", \"events\": []}");
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        PeerHistories peers = new PeerHistories(n -> Optional.of(n2), () -> TOKEN, Optional.empty(), clock::get);
        peers.read(List.of(NodeId.of("n2")), 100);
        clock.addAndGet(PeerHistories.FRESH.toNanos() - 1);
        peers.read(List.of(NodeId.of("n2")), 100);
        assertEquals(1, asked.get(), "one request for two reads");
        peers.read(List.of(NodeId.of("n2")), 50);
        assertEquals(2, asked.get(), "another limit is asked again");
        clock.addAndGet(PeerHistories.FRESH.toNanos());
        peers.read(List.of(NodeId.of("n2")), 50);
        assertEquals(3, asked.get(), "an answer older than FRESH is not reused");
    }

    @Test
    void neverSendsTheTokenInClearToAnotherHost() {
        String problem = read(Map.of(NodeId.of("n2"), URI.create("http://192.0.2.7:7870")))
                .get(NodeId.of("n2"))
                .problem()
                .orElseThrow();
        assertTrue(problem.contains("plain HTTP on another host"), problem);
    }
}
