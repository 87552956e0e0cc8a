package io.hastack.resources.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The embedded web server agent on a real loopback port. */
@Tag("functional")
class EmbeddedWebServerAgentTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static AgentContext ctx(String node, Map<String, String> params) {
        return new AgentContext(
                NodeId.of(node),
                ResourceId.of("web"),
                Operation.START,
                params,
                Duration.ofSeconds(10),
                System.nanoTime(),
                7);
    }

    @Test
    void servesAPageNamingItsNodeAndFollowsTheOcfRules() throws Exception {
        int port = freePort();
        Map<String, String> params = Map.of("port", Integer.toString(port), "title", "Demo");
        EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent();
        EmbeddedWebServerAgent rival = new EmbeddedWebServerAgent();
        try {
            assertEquals(
                    AgentResult.NOT_RUNNING, agent.monitor(ctx("n1", params)).result());
            assertEquals(AgentResult.SUCCESS, agent.stop(ctx("n1", params)).result());
            assertEquals(AgentResult.SUCCESS, agent.start(ctx("n1", params)).result());
            assertEquals(AgentResult.SUCCESS, agent.start(ctx("n1", params)).result());
            assertEquals(AgentResult.SUCCESS, agent.monitor(ctx("n1", params)).result());

            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().startsWith("Demo\nServed by n1 (resource web, epoch 7, up since"), page.body());

            // A second copy cannot take the port: the failure says why.
            AgentOutcome second = rival.start(ctx("n2", params));
            assertEquals(AgentResult.ERR_GENERIC, second.result());
            assertTrue(second.message().contains("is another copy running?"), second.message());
            assertEquals(
                    AgentResult.NOT_RUNNING, rival.monitor(ctx("n2", params)).result());
        } finally {
            assertEquals(AgentResult.SUCCESS, agent.stop(ctx("n1", params)).result());
        }
        assertEquals(AgentResult.NOT_RUNNING, agent.monitor(ctx("n1", params)).result());
        assertEquals(AgentResult.SUCCESS, agent.stop(ctx("n1", params)).result());
    }

    @Test
    void aStandbysProbeWarmsTheHttpCodeOnAPortOfItsOwnOnceAndLeavesNothingListening() throws Exception {
        int port = freePort();
        Map<String, String> params = Map.of("port", Integer.toString(port));
        EmbeddedWebServerAgent.Warming warming = new EmbeddedWebServerAgent.Warming();
        EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent(warming);
        AgentContext probe = new AgentContext(
                NodeId.of("n2"),
                ResourceId.of("web"),
                Operation.MONITOR,
                params,
                Duration.ofSeconds(10),
                System.nanoTime(),
                7);
        assertTrue(probe.isProbe());
        EmbeddedWebServerAgent.Warmed warmed;
        // The resource's port stays taken meanwhile, so that the warm-up cannot happen to get it.
        try (ServerSocket held = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, held.getLocalPort());
            assertEquals(AgentResult.NOT_RUNNING, agent.monitor(probe).result());
            // The throwaway server answered the agent's own client, then stopped.
            warmed = warming.ended().get(30, TimeUnit.SECONDS);
        }
        assertEquals(
                AgentResult.SUCCESS, warmed.answer().result(), warmed.answer().message());
        InetSocketAddress used = warmed.address().orElseThrow();
        assertTrue(used.getAddress().isLoopbackAddress(), used.toString());
        assertNotEquals(port, used.getPort(), "the warm-up must not use the resource's port");
        assertThrows(java.net.ConnectException.class, () -> new Socket(used.getAddress(), used.getPort()).close());
        // It warms once: a later probe finds the resource stopped and starts nothing more.
        assertEquals(AgentResult.NOT_RUNNING, agent.monitor(probe).result());
        assertEquals(1, warming.runs());
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, taken.getLocalPort());
        }
    }

    @Test
    void rejectsAMissingOrOutOfRangePort() {
        EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent();
        assertEquals(
                new AgentOutcome(AgentResult.ERR_CONFIGURED, "resource web: required parameter 'port' is missing"),
                agent.validate(ctx("n1", Map.of())));
        assertEquals(
                new AgentOutcome(
                        AgentResult.ERR_CONFIGURED,
                        "resource web: parameter 'port' must be a port number 1-65535, was '70000'"),
                agent.start(ctx("n1", Map.of("port", "70000"))));
    }

    @Test
    void aNodeWithoutItsMembershipLeaseServesNothing() throws Exception {
        int port = freePort();
        Map<String, String> params = Map.of("port", Integer.toString(port));
        java.util.concurrent.atomic.AtomicBoolean lease = new java.util.concurrent.atomic.AtomicBoolean(true);
        AgentContext start = new AgentContext(
                NodeId.of("n1"),
                ResourceId.of("web"),
                Operation.START,
                params,
                Duration.ofSeconds(10),
                System.nanoTime(),
                7,
                Duration.ZERO,
                java.util.Optional.empty(),
                lease::get);
        EmbeddedWebServerAgent agent = new EmbeddedWebServerAgent();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .build();
        try {
            assertEquals(AgentResult.SUCCESS, agent.start(start).result());
            assertEquals(
                    200, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
            lease.set(false);
            HttpResponse<String> refused = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("does not hold its membership lease"), refused.body());
            lease.set(true);
            assertEquals(
                    200, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            agent.stop(ctx("n1", params));
        }
    }
}
