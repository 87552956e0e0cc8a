package io.hastack.resources.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.LeaseCheck;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.check.HttpGet;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server inside the node's JVM (the JDK's {@code com.sun.net.httpserver}) that serves a
 * page naming the node that serves it and the fencing epoch it was started with. Monitor is an HTTP GET of {@code /health} expecting 200.
 *
 * <p>Parameters: {@code port} (required), {@code bind} (default {@code 127.0.0.1}), {@code title}
 * (text at the top of the page, default {@code HA Stack}).
 *
 * <p>The first probe that finds the server stopped (any node's at its join, a standby's too) warms the JVM's HTTP server
 * and client code once, on a thread of its own: a throwaway server on an ephemeral loopback port
 * answers one request and stops. A failover's start and the page's first request then run warm
 * code ({@code docs/performance.md}, scenario 1).
 */
public final class EmbeddedWebServerAgent implements ResourceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "embedded-web";

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "An HTTP server embedded in the node's JVM that serves a page naming its node.",
            List.of(
                    new AgentMetadata.Parameter("port", true, "", "TCP port to listen on"),
                    new AgentMetadata.Parameter("bind", false, "127.0.0.1", "address to listen on"),
                    new AgentMetadata.Parameter("title", false, "HA Stack", "text at the top of the page")),
            java.util.Map.of(
                    io.hastack.core.model.Operation.START,
                    Duration.ofSeconds(10),
                    io.hastack.core.model.Operation.STOP,
                    Duration.ofSeconds(10),
                    io.hastack.core.model.Operation.MONITOR,
                    Duration.ofSeconds(5)));

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWebServerAgent.class);

    /** The JVM's warm-up: one for every agent of this type, since what it warms is the JVM's code. */
    private static final Warming JVM_WIDE = new Warming();

    private final Warming warming;

    private volatile HttpServer server;
    private volatile Instant startedAt;

    /** An agent whose first probe warms the JVM's HTTP code, unless another agent's did. */
    public EmbeddedWebServerAgent() {
        this(JVM_WIDE);
    }

    /** An agent that warms through {@code warming} (tests give it one of its own). */
    EmbeddedWebServerAgent(Warming warming) {
        this.warming = warming;
    }

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            Parameters.port(ctx, "port");
            InetAddress.getByName(Parameters.optional(ctx, "bind", "127.0.0.1"));
            return AgentOutcome.success();
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (UnknownHostException e) {
            return AgentOutcome.of(
                    AgentResult.ERR_CONFIGURED,
                    "resource " + ctx.resource() + ": parameter 'bind' does not resolve: " + e.getMessage());
        }
    }

    @Override
    public synchronized AgentOutcome start(AgentContext ctx) {
        if (server != null) {
            return AgentOutcome.success("already running");
        }
        AgentOutcome valid = validate(ctx);
        if (!valid.isSuccess()) {
            return valid;
        }
        int port = Parameters.port(ctx, "port");
        String bind = Parameters.optional(ctx, "bind", "127.0.0.1");
        String title = Parameters.optional(ctx, "title", "HA Stack");
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 16);
            Instant since = Instant.now();
            String page = title + "\nServed by " + ctx.node() + " (resource " + ctx.resource() + ", epoch "
                    + ctx.epoch() + ", up since " + since + ")\n";
            // A node without its membership lease may already count as gone: it serves nothing.
            LeaseCheck lease = ctx.lease();
            String refused = "503 not serving: " + ctx.node() + " does not hold its membership lease\n";
            s.createContext(
                    "/", exchange -> respond(exchange, lease.held() ? 200 : 503, lease.held() ? page : refused));
            s.createContext("/health", exchange -> respond(exchange, 200, "ok\n"));
            s.start();
            server = s;
            startedAt = since;
            return AgentOutcome.success("listening on " + bind + ":" + port);
        } catch (BindException e) {
            return AgentOutcome.failed(
                    "cannot listen on " + bind + ":" + port + ": " + e.getMessage() + " (is another copy running?)");
        } catch (IOException e) {
            return AgentOutcome.failed("cannot start HTTP server on " + bind + ":" + port + ": " + e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized AgentOutcome stop(AgentContext ctx) {
        HttpServer s = server;
        if (s == null) {
            return AgentOutcome.success("not running");
        }
        s.stop(0);
        server = null;
        return AgentOutcome.success(
                "stopped after " + Duration.between(startedAt, Instant.now()).toMillis() + " ms");
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        HttpServer s = server;
        if (s == null) {
            if (ctx.isProbe() && warming.begin()) {
                warmUp();
            }
            return AgentOutcome.notRunning("not started on this node");
        }
        Duration budget =
                ctx.remaining().compareTo(Duration.ofSeconds(5)) < 0 ? ctx.remaining() : Duration.ofSeconds(5);
        return get(s.getAddress(), budget);
    }

    private AgentOutcome get(InetSocketAddress address, Duration budget) {
        URI uri;
        try {
            // This constructor brackets an IPv6 literal; string concatenation did not.
            uri = new URI(
                    "http", null, address.getAddress().getHostAddress(), address.getPort(), "/health", null, null);
        } catch (java.net.URISyntaxException e) {
            return AgentOutcome.failed("cannot address " + address + ": " + e.getMessage());
        }
        try {
            // On this thread, without HttpClient's hand-offs between its own threads (HttpGet).
            int status = HttpGet.get(uri, budget, false).status();
            return status == 200 ? AgentOutcome.success() : AgentOutcome.failed("GET " + uri + " returned " + status);
        } catch (IOException e) {
            return AgentOutcome.failed("GET " + uri + " failed: " + e);
        }
    }

    /**
     * Serves one request from a throwaway server on an ephemeral loopback port, then stops it, on a
     * daemon thread: the classes and first-run paths of the JDK's HTTP server and of the check's client ({@link HttpGet}) are then
     * loaded before this node has to start the real server in a failover. Measured in fresh JVMs with
     * the node's options ({@code StepCosts --what first-request} in ha-examples): the first server
     * answered its first page 57 ms p50 after it listened, one after a warm-up 6 ms. A failure only
     * costs the warm-up.
     */
    private void warmUp() {
        warming.runs.incrementAndGet();
        // The node's agent threads go on at once; the warm-up's CPU is spent long before a failover.
        Thread warm = new Thread(
                () -> {
                    InetSocketAddress at = null;
                    AgentOutcome answer = AgentOutcome.failed("warm-up ended abruptly");
                    try {
                        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                        try {
                            s.createContext("/health", exchange -> respond(exchange, 200, "ok\n"));
                            s.start();
                            at = s.getAddress();
                            answer = get(at, Duration.ofSeconds(5));
                        } finally {
                            s.stop(0);
                        }
                        LOG.debug("warmed the embedded web server's code on {}: {}", at, answer);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("warming the embedded web server's code failed: {}", e.toString());
                        answer = AgentOutcome.failed("warm-up failed: " + e);
                    } finally {
                        warming.done(new Warmed(answer, Optional.ofNullable(at))); // even after an Error
                    }
                },
                "ha-embedded-web-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /**
     * What a warm-up did.
     *
     * @param answer its throwaway server's answer to its request
     * @param address where that server listened (stopped by the time this is known), if it did
     */
    record Warmed(AgentOutcome answer, Optional<InetSocketAddress> address) {}

    /** One warm-up: whether it has begun, and what it did once it has ended. */
    static final class Warming {
        private final AtomicBoolean begun = new AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        private final CompletableFuture<Warmed> done = new CompletableFuture<>();

        /** True for the first caller only: that one warms. */
        boolean begin() {
            return begun.compareAndSet(false, true);
        }

        void done(Warmed warmed) {
            done.complete(warmed);
        }

        /** How many warm-ups have begun through this holder (one at most). */
        int runs() {
            return runs.get();
        }

        /** Completes once the warm-up has ended, its throwaway server stopped. */
        CompletableFuture<Warmed> ended() {
            return done.copy();
        }
    }
}
