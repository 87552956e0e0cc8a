package io.hastack.server.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hastack.core.internal.Durations;
import io.hastack.core.internal.Names;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.Score;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.runtime.HaConfigurationException;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.security.PrivateFiles;
import io.hastack.core.security.Refusals;
import io.hastack.core.simulate.Simulator;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.PlacementScore;
import io.hastack.core.spi.plan.Plan;
import io.hastack.server.config.ClusterFile;
import io.hastack.server.config.ConfigException;
import io.hastack.server.config.ConfigFile;
import io.hastack.server.config.ConfigWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's admin HTTP API ({@code docs/operations.md} lists the endpoints, {@code
 * docs/design/admin-api.md} says why it is built this way): JSON under {@code /api/v1/} on the
 * JDK's HTTP server, HTTPS with a PKCS12 keystore when {@link AdminSettings#tls()} is set. Every
 * request must carry {@code Authorization: Bearer <token>} with the token from {@link
 * AdminSettings#tokenFile()}, or the session cookie of the web console ({@link Console}: its
 * pages at {@code /}, a login with the token at {@code POST /login}; with the cookie, a request
 * other than GET must carry {@code X-Hastack-Console: 1}, else 403); any other is answered 401 and
 * counted ({@link #refusals()}). A bad request is answered with {@code {"error": ..., "field":
 * ...}} and changes nothing.
 *
 * <p>The constructor reads the token and the keystore and starts recording the node's events (so
 * create it before the node starts, to keep its first events); {@link #start()} listens; {@link
 * #close()} ends the event streams and stops listening. Commands act through {@link HaNode#admin()}
 * and answer once the node has carried them out, within {@link #COMMAND_TIMEOUT}. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** The largest JSON request body accepted (413 beyond). */
    public static final int MAX_BODY = 64 * 1024;
    /**
     * The largest configuration file accepted by {@code POST config/validate} and {@code PUT config}
     * (413 beyond): the core refuses a configuration over 512 KiB encoded, whose file is larger still.
     */
    public static final int MAX_CONFIG_BODY = 512 * 1024;
    /** The events kept for {@code GET /api/v1/history}. */
    public static final int HISTORY = 1000;
    /** The events {@code GET /api/v1/history} answers without {@code ?limit=}. */
    public static final int DEFAULT_LIMIT = 100;
    /** Event streams open at once (503 beyond). */
    public static final int MAX_STREAMS = 32;
    /** How long a command may take on the node before the request is answered 503. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** The shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final String PREFIX = "/api/v1";
    private static final long KEEPALIVE_MS = 15_000;
    /** A refused body is read up to this much, so that the client sees the 413. */
    private static final int DRAIN_LIMIT = 1 << 20;

    private final HaNode node;
    private final AdminSettings settings;
    private final byte[] tokenDigest;
    private final Optional<SSLContext> ssl;
    private final InetAddress bindAddress;
    private final EventLog events;
    private final Refusals refusals;
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final List<Route> routes = new ArrayList<>();
    /** The configuration file the node was started from, as read when this server was created. */
    private final Optional<RunningFile> file;

    /** The web console's pages, login and sessions. */
    private final Console console;

    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean closed;
    /** The other nodes' histories, for the cluster's timeline ({@link #peers}). */
    private final PeerHistories peerHistories;
    /** Where the other nodes' APIs are ({@link #peers}); none known by default. */
    private volatile java.util.function.Function<NodeId, Optional<java.net.URI>> peers = n -> Optional.empty();
    /** The metrics in Prometheus' text format, if this node serves them ({@link #metrics}). */
    private volatile java.util.function.Supplier<String> metrics;

    /**
     * An API for {@code node}; reads the token file and the keystore, and records the node's events
     * from now on.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (missing,
     *     readable by others, too short, a wrong keystore password), or a bind address that does
     *     not resolve, or that is not a loopback address without TLS
     */
    public AdminServer(HaNode node, AdminSettings settings) {
        this(node, settings, Optional.empty(), Optional.empty());
    }

    /**
     * An API for {@code node}, which was started from the configuration file {@code configFile}:
     * as {@link #AdminServer(HaNode, AdminSettings)}, and it also serves the running configuration
     * as that file ({@code GET /api/v1/config/file}) and takes a changed file ({@code POST
     * /api/v1/config/validate}, {@code PUT /api/v1/config}). The file is read once, now; with the
     * version the node holds written into it ({@link ConfigWriter}), it is what a changed file must
     * keep the parts of that cannot change at run time (the cluster's name, key file, membership,
     * quorum device, admin section) or through a file (the nodes and their addresses, which change
     * through {@code POST /api/v1/nodes/{node}/add|remove}).
     *
     * @throws IllegalArgumentException as {@link #AdminServer(HaNode, AdminSettings)}
     * @throws ConfigException naming the place if the file cannot be read
     */
    public AdminServer(HaNode node, AdminSettings settings, Path configFile) {
        this(
                node,
                settings,
                Optional.of(RunningFile.read(Objects.requireNonNull(configFile, "configFile"))),
                Optional.of(historyFile(configFile, node)));
    }

    /**
     * Where the node's event history is kept across restarts: {@code <node>.history.jsonl} beside its
     * configuration file (the directory the node writes its file in).
     */
    public static Path historyFile(Path configFile, HaNode node) {
        return configFile.toAbsolutePath().resolveSibling(node.id().value() + ".history.jsonl");
    }

    private AdminServer(HaNode node, AdminSettings settings, Optional<RunningFile> file, Optional<Path> history) {
        this.file = file;
        this.events = new EventLog(HISTORY, history);
        this.node = Objects.requireNonNull(node, "node");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tokenDigest = sha256(readToken(settings.tokenFile()));
        this.ssl = settings.tls().map(AdminServer::sslContext);
        try {
            this.bindAddress = InetAddress.getByName(settings.bind());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("admin bind address " + settings.bind() + " does not resolve", e);
        }
        if (!bindAddress.isLoopbackAddress() && ssl.isEmpty()) {
            throw new IllegalArgumentException("admin bind address " + settings.bind()
                    + " is not a loopback address: configure TLS (admin.tls) so that the token does not cross"
                    + " the network in clear, or bind to 127.0.0.1");
        }
        this.refusals = new Refusals("admin API of " + node.id(), LOG, 10_000);
        this.console = new Console(this::tokenMatches, refusals, ssl.isPresent(), System::nanoTime);
        this.peerHistories = new PeerHistories(n -> peers.apply(n), () -> readToken(settings.tokenFile()), ssl);
        routes();
        node.addListener(events, Runnable::run);
    }

    /**
     * Reads the bearer token from {@code file}: readable by its owner only, at least {@value
     * #MIN_TOKEN_LENGTH} printable ASCII characters without spaces; surrounding white space (a final
     * newline) is ignored.
     *
     * @throws IllegalArgumentException naming the file and what is wrong, and how to mend it
     */
    public static String readToken(Path file) {
        String text;
        try {
            PrivateFiles.requirePrivate(file, "admin token file");
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("admin token file " + file + " does not exist: create it with"
                    + " 'head -c 32 /dev/urandom | base64 > " + file + "; chmod 600 " + file + "'");
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("admin token file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (text.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("the token in admin token file " + file + " has " + text.length()
                    + " characters: use at least " + MIN_TOKEN_LENGTH + " ('head -c 32 /dev/urandom | base64')");
        }
        if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the token in admin token file " + file
                    + " contains white space or characters outside printable ASCII");
        }
        return text;
    }

    private static SSLContext sslContext(AdminSettings.Tls tls) {
        char[] password;
        try {
            PrivateFiles.requirePrivate(tls.passwordFile(), "admin TLS password file");
            PrivateFiles.requirePrivate(tls.keystore(), "admin TLS keystore");
            password = Files.readString(tls.passwordFile(), StandardCharsets.UTF_8)
                    .strip()
                    .toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "admin TLS keystore " + tls.keystore() + " or its password file " + tls.passwordFile()
                            + " cannot be read: " + e,
                    e);
        }
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            // Trusting the keystore's own certificates lets this node read the others' histories
            // when they share the certificate, or it names every node's address.
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "admin TLS keystore " + tls.keystore() + " cannot be loaded as PKCS12 with the password in "
                            + tls.passwordFile() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Listens on the configured address and port.
     *
     * @throws IllegalStateException if started before
     * @throws UncheckedIOException naming the address if it cannot listen there (e.g. the port is
     *     taken)
     */
    public synchronized void start() {
        if (server != null || closed) {
            throw new IllegalStateException("the admin API of " + node.id() + " was started before");
        }
        InetSocketAddress address = new InetSocketAddress(bindAddress, settings.port());
        try {
            if (ssl.isPresent()) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(ssl.get()));
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the admin API of " + node.id() + " cannot listen on " + settings.bind() + ":" + settings.port()
                            + ": " + e.getMessage(),
                    e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hastack-admin-" + node.id() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("{}: admin API listening on {}", node.id(), uri());
    }

    /** The port it listens on (the one picked, if configured as 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the admin API of " + node.id() + " is not started");
        }
        return server.getAddress().getPort();
    }

    /** Its base address, e.g. {@code http://127.0.0.1:7870}. */
    public URI uri() {
        String host = bindAddress.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((ssl.isPresent() ? "https" : "http") + "://" + host + ":" + port());
    }

    /** The requests refused for want of a valid token, by reason. */
    public Refusals.Snapshot refusals() {
        return refusals.snapshot();
    }

    /** The event streams open now. */
    public int openStreams() {
        return events.streams();
    }

    /** Ends every event stream and stops listening. Idempotent. */
    @Override
    public void close() {
        HttpServer s;
        synchronized (this) {
            closed = true;
            s = server;
        }
        events.endAll();
        events.close();
        if (s != null) {
            s.stop(1);
            executor.shutdownNow();
            LOG.info("{}: admin API closed", node.id());
        }
    }

    // ---- requests ----

    /** What a handler gets. */
    private record Request(
            HttpExchange exchange,
            Map<String, String> params,
            Map<String, String> query,
            ObjectNode body,
            String text) {}

    /** What a route's body is. */
    private enum Body {
        NONE,
        JSON,
        YAML
    }

    /** Answers a request: the JSON to send with 200, or null if it answered itself. */
    @FunctionalInterface
    private interface Handler {
        JsonNode handle(Request request) throws IOException;
    }

    private record Route(String method, String pattern, Set<String> query, Body body, Handler handler) {
        List<String> segments() {
            return List.of(pattern.substring(1).split("/"));
        }
    }

    private void route(String method, String pattern, Set<String> query, Handler handler) {
        routes.add(new Route(method, PREFIX + pattern, query, method.equals("POST") ? Body.JSON : Body.NONE, handler));
    }

    /** A route whose body is a configuration file (YAML). */
    private void yamlRoute(String method, String pattern, Set<String> query, Handler handler) {
        routes.add(new Route(method, PREFIX + pattern, query, Body.YAML, handler));
    }

    private void routes() {
        route("GET", "/status", Set.of(), r -> Json.status(node.status(), refusals.snapshot()));
        route("GET", "/config", Set.of(), r -> Json.config(node.configuration()));
        route("GET", "/config/file", Set.of(), this::configFile);
        yamlRoute("POST", "/config/validate", Set.of(), this::validateConfig);
        yamlRoute("PUT", "/config", Set.of("base-version"), this::putConfig);
        route("GET", "/history", Set.of("limit"), this::history);
        route("GET", "/timeline", Set.of("limit"), this::timeline);
        route("GET", "/metrics", Set.of(), this::scrape);
        route("GET", "/events", Set.of(), this::stream);
        route("GET", "/why/{group}", Set.of(), this::why);
        route("POST", "/simulate", Set.of(), this::simulate);
        route("POST", "/nodes/{node}/standby", Set.of(), r -> nodeFlag(r, "standby"));
        route("POST", "/nodes/{node}/maintenance", Set.of(), r -> nodeFlag(r, "maintenance"));
        route("POST", "/nodes/{node}/declare-dead", Set.of(), this::declareDead);
        route("POST", "/nodes/{node}/add", Set.of(), this::addNode);
        route("POST", "/nodes/{node}/remove", Set.of(), this::removeNode);
        route("POST", "/cluster/maintenance", Set.of(), this::clusterMaintenance);
        route("POST", "/groups/{group}/move", Set.of(), r -> move(r, false));
        route("POST", "/groups/{group}/ban", Set.of(), r -> move(r, true));
        route("POST", "/groups/{group}/clear", Set.of(), this::clear);
        route("POST", "/resources/{resource}/cleanup", Set.of(), this::cleanup);
        route("POST", "/resources/cleanup", Set.of(), this::cleanup);
    }

    /**
     * Where the other nodes' admin APIs are ({@code http(s)://host:port}, empty if not known), so
     * that {@code GET /api/v1/timeline} merges their histories into this node's (read with this
     * node's token; over TLS, their certificates must be among this node's keystore's). Until then
     * the timeline holds this node's events only.
     */
    public AdminServer peers(java.util.function.Function<NodeId, Optional<java.net.URI>> endpoints) {
        this.peers = Objects.requireNonNull(endpoints, "endpoints");
        return this;
    }

    /**
     * Serves {@code scrape} (the node's meters in Prometheus' text format, {@code docs/metrics.md})
     * at {@code GET /api/v1/metrics}, behind the same token as the rest; until then that answers 404.
     */
    public AdminServer metrics(java.util.function.Supplier<String> scrape) {
        this.metrics = Objects.requireNonNull(scrape, "scrape");
        return this;
    }

    private JsonNode scrape(Request r) throws IOException {
        java.util.function.Supplier<String> m = metrics;
        if (m == null) {
            throw new ApiException(404, null, "node " + node.id() + " serves no metrics (hastack-node does)");
        }
        byte[] bytes = m.get().getBytes(StandardCharsets.UTF_8);
        HttpExchange ex = r.exchange();
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return null;
    }

    private void handle(HttpExchange ex) {
        try {
            try {
                if (Console.isConsolePath(ex.getRequestURI().getPath())) {
                    console.handle(ex);
                    return;
                }
                authenticate(ex);
                List<String> segments = segments(ex.getRequestURI().getPath());
                Map<String, String> params = new LinkedHashMap<>();
                Route route = match(ex, segments, params);
                Map<String, String> query = query(ex.getRequestURI().getRawQuery(), route.query());
                ObjectNode body = route.body() == Body.JSON ? body(ex) : Json.F.objectNode();
                String text = route.body() == Body.YAML ? yaml(ex) : "";
                JsonNode answer = route.handler().handle(new Request(ex, params, query, body, text));
                if (answer != null) {
                    send(ex, 200, answer);
                }
            } catch (ApiException e) {
                send(ex, e.status(), Json.error(e.getMessage(), e.field()));
            } catch (RuntimeException e) {
                LOG.warn("{}: admin API: {} {} failed", node.id(), ex.getRequestMethod(), ex.getRequestURI(), e);
                send(ex, 500, Json.error("the node failed to answer: " + e, null));
            }
        } catch (IOException e) {
            LOG.debug(
                    "{}: admin API: cannot answer {} {}: {}", node.id(), ex.getRequestMethod(), ex.getRequestURI(), e);
        } finally {
            ex.close();
        }
    }

    /**
     * Lets the request through with a bearer token or, without an Authorization header, with a
     * console session (a request other than GET must then carry {@link Console#HEADER}: a form on
     * another site cannot set it).
     */
    private void authenticate(HttpExchange ex) {
        List<String> headers = ex.getRequestHeaders().get("Authorization");
        if (headers == null || headers.isEmpty()) {
            Console.Session session = console.session(ex);
            if (session == Console.Session.VALID) {
                if (!ex.getRequestMethod().equals("GET")
                        && !"1".equals(ex.getRequestHeaders().getFirst(Console.HEADER))) {
                    throw new ApiException(
                            403,
                            Console.HEADER,
                            "a " + ex.getRequestMethod() + " with the console's session cookie must carry the header '"
                                    + Console.HEADER + ": 1' (the console sends it; a form on another site"
                                    + " cannot): refused as a possible cross-site request");
                }
                return;
            }
            if (session == Console.Session.UNKNOWN) {
                refuse(
                        ex,
                        "unknown session",
                        "the console's session is unknown or has expired: log in again at /, or send"
                                + " 'Authorization: Bearer <token>'");
            }
            refuse(
                    ex,
                    "no token",
                    "no Authorization header: send 'Authorization: Bearer <token>' with the token"
                            + " from the admin token file");
        }
        if (headers.size() > 1) {
            refuse(ex, "malformed header", "more than one Authorization header");
        }
        String value = headers.get(0);
        if (value.length() <= 7
                || !value.regionMatches(true, 0, "Bearer ", 0, 7)
                || value.substring(7).isBlank()) {
            refuse(ex, "malformed header", "the Authorization header is not 'Bearer <token>'");
        }
        if (!tokenMatches(value.substring(7).strip())) {
            refuse(ex, "wrong token", "the token is wrong: use the one in the node's admin token file");
        }
    }

    /** Whether {@code token} is the API's: SHA-256 digests compared in constant time. */
    private boolean tokenMatches(String token) {
        return MessageDigest.isEqual(sha256(token), tokenDigest);
    }

    private void refuse(HttpExchange ex, String reason, String message) {
        refusals.refuse(
                reason,
                ex.getRemoteAddress().getAddress().getHostAddress() + " " + ex.getRequestMethod() + " "
                        + ex.getRequestURI().getRawPath());
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"hastack\"");
        throw new ApiException(401, "Authorization", message);
    }

    private static List<String> segments(String path) {
        if (path == null || !path.startsWith("/")) {
            return List.of();
        }
        return List.of(path.substring(1).split("/", -1));
    }

    private Route match(HttpExchange ex, List<String> segments, Map<String, String> params) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> found = new LinkedHashMap<>();
            if (matches(r.segments(), segments, found)) {
                if (r.method().equals(ex.getRequestMethod())) {
                    params.putAll(found);
                    return r;
                }
                allowed.add(r.method());
            }
        }
        String path = ex.getRequestURI().getPath();
        if (!allowed.isEmpty()) {
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            throw new ApiException(
                    405,
                    "method",
                    ex.getRequestMethod() + " is not allowed on " + path + ": use " + String.join(" or ", allowed));
        }
        Set<String> known = new LinkedHashSet<>();
        routes.forEach(r -> known.add(r.pattern()));
        Optional<String> close = Names.closest(path, known);
        throw new ApiException(
                404,
                "path",
                "no endpoint " + path
                        + close.map(c -> "; did you mean " + c + "?")
                                .orElse("; the endpoints are under " + PREFIX + "/ (docs/operations.md)"));
    }

    private static boolean matches(List<String> pattern, List<String> segments, Map<String, String> params) {
        if (pattern.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = segments.get(i);
            if (p.startsWith("{")) {
                if (s.isEmpty()) {
                    return false;
                }
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> query(String raw, Set<String> known) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!known.contains(name)) {
                throw new ApiException(
                        400,
                        name,
                        "unknown query parameter '" + name + "'"
                                + (known.isEmpty()
                                        ? ": this endpoint takes none"
                                        : Names.closest(name, known)
                                                .map(c -> "; did you mean '" + c + "'?")
                                                .orElse(" (known: " + String.join(", ", known) + ")")));
            }
            if (query.put(name, value) != null) {
                throw new ApiException(400, name, "query parameter '" + name + "' is given twice");
            }
        }
        return query;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "query", "the query is not URL-encoded properly: " + e.getMessage());
        }
    }

    private ObjectNode body(HttpExchange ex) throws IOException {
        byte[] bytes = bytes(ex, MAX_BODY);
        if (bytes.length == 0) {
            return Json.F.objectNode();
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String media = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new ApiException(
                    415,
                    "Content-Type",
                    "the body must be JSON sent as 'Content-Type: application/json'"
                            + (type == null ? " (no Content-Type was sent)" : ", not '" + type + "'"));
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiException(
                    400,
                    "body",
                    "the body is not valid JSON"
                            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                            + ": " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ApiException(
                    400,
                    "body",
                    "the body must be a JSON object ({...}), found "
                            + tree.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return object;
    }

    /** The media types a configuration file may be sent as; the first is the one to use. */
    private static final List<String> YAML_TYPES = List.of("application/yaml", "application/x-yaml", "text/yaml");

    /** A body that is a whole configuration file: YAML in UTF-8, at most {@link #MAX_CONFIG_BODY}. */
    private static String yaml(HttpExchange ex) throws IOException {
        byte[] bytes = bytes(ex, MAX_CONFIG_BODY);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String media = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!YAML_TYPES.contains(media)) {
            throw new ApiException(
                    415,
                    "Content-Type",
                    "the body must be a configuration file (YAML) sent as 'Content-Type: application/yaml'"
                            + (type == null ? " (no Content-Type was sent)" : ", not '" + type + "'"));
        }
        if (bytes.length == 0) {
            throw new ApiException(
                    400, "body", "the body is empty: send the whole configuration file (hastack config show)");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ApiException(400, "body", "the configuration file is not UTF-8 text");
        }
    }

    /** The body's bytes, at most {@code limit} (413 beyond). */
    static byte[] bytes(HttpExchange ex, int limit) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "Content-Length", "'" + length + "' is not a length");
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            if (declared > limit) {
                drain(in, declared);
                throw new ApiException(
                        413, "body", "the body has " + declared + " bytes: at most " + limit + " are accepted");
            }
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                drain(in, DRAIN_LIMIT);
                throw new ApiException(
                        413, "body", "the body has over " + limit + " bytes: at most " + limit + " are accepted");
            }
            return bytes;
        }
    }

    /**
     * Reads up to {@code length} bytes of a refused body (at most {@link #DRAIN_LIMIT}), so that the
     * client, still sending, sees the answer rather than a reset connection; a larger body is left,
     * and the server drops the connection.
     */
    private static void drain(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[8192];
        long left = Math.min(length, DRAIN_LIMIT);
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- the endpoints ----

    private JsonNode history(Request r) {
        int limit = limit(r);
        ObjectNode o = Json.F.objectNode();
        o.put("node", node.id().value());
        o.put("capacity", HISTORY);
        ArrayNode list = o.putArray("events");
        events.last(limit).forEach(e -> list.add(Json.event(e)));
        return o;
    }

    private JsonNode stream(Request r) throws IOException {
        if (events.streams() >= MAX_STREAMS) {
            throw new ApiException(
                    503,
                    null,
                    MAX_STREAMS + " event streams are open on node " + node.id() + ": close one, or read GET " + PREFIX
                            + "/history");
        }
        if (closed) {
            throw new ApiException(503, null, "the admin API of " + node.id() + " is closing");
        }
        HttpExchange ex = r.exchange();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        EventLog.Stream stream = events.open();
        try {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            write(out, ": events of node " + node.id() + "\n\n");
            while (!closed) {
                Optional<EventLog.Recorded> next = stream.next(KEEPALIVE_MS);
                if (next.isEmpty()) {
                    write(out, ": keep-alive\n\n");
                } else if (next.get().seq() < 0) {
                    if (stream.overflowed()) {
                        write(
                                out,
                                "event: overflow\ndata: "
                                        + mapper.writeValueAsString(Json.error(
                                                "this stream fell " + EventLog.STREAM_BACKLOG
                                                        + " events behind and was ended: reconnect, and read the history",
                                                null))
                                        + "\n\n");
                    }
                    break;
                } else {
                    EventLog.Recorded e = next.get();
                    write(
                            out,
                            "id: " + e.seq() + "\nevent: "
                                    + e.json().path("type").asText() + "\ndata: "
                                    + mapper.writeValueAsString(Json.event(e)) + "\n\n");
                }
            }
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("{}: admin API: an event stream ended: {}", node.id(), e.toString());
        } finally {
            events.end(stream);
        }
        return null;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * {@code POST simulate}: what the cluster would do after the events, from its live state, with
     * its own planner, changing nothing ({@code crm_simulate} on the live CIB); on the coordinator.
     */
    private JsonNode simulate(Request r) {
        Fields f = new Fields(r.body(), Set.of("events", "scores"));
        List<String> texts = f.texts("events", 1, 50);
        boolean scores = f.optionalBool("scores").orElse(false);
        List<io.hastack.core.simulate.SimEvent> events;
        try {
            events = Simulator.parseEvents(texts);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "events", e.getMessage());
        }
        Simulator.Simulation sim;
        try {
            sim = node.whatIf(events);
        } catch (IllegalStateException e) {
            String coordinator =
                    node.status().view().map(v -> v.coordinator().value()).orElse("the coordinator");
            throw new ApiException(409, null, e.getMessage() + ": ask " + coordinator + "'s admin endpoint");
        }
        ObjectNode o = Json.F.objectNode();
        o.put("coordinator", node.id().value());
        ArrayNode given = o.putArray("events");
        texts.forEach(given::add);
        o.put("steps", sim.steps().size());
        o.put("text", sim.render(scores));
        return o;
    }

    /** The {@code limit} query parameter: 1 to {@value #HISTORY}, {@value #DEFAULT_LIMIT} if left out. */
    private static int limit(Request r) {
        int limit = DEFAULT_LIMIT;
        String text = r.query().get("limit");
        if (text != null) {
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new ApiException(400, "limit", "'" + text + "' is not a whole number (1-" + HISTORY + ")");
            }
            if (limit < 1 || limit > HISTORY) {
                throw new ApiException(400, "limit", "limit " + limit + " is out of range 1-" + HISTORY);
            }
        }
        return limit;
    }

    /**
     * The cluster's history: this node's last {@code limit} events and those of every other node
     * in the node list that answers ({@link PeerHistories}), merged by time; {@code nodes} says, per
     * node, {@code ok} or why its events are missing. Times are each node's clock.
     */
    private JsonNode timeline(Request r) {
        int limit = limit(r);
        List<NodeId> others = node.configuration().config().nodes().stream()
                .filter(n -> !n.equals(node.id()))
                .toList();
        Map<NodeId, PeerHistories.Answer> answers = peerHistories.read(others, limit);
        List<ObjectNode> all = new ArrayList<>();
        events.last(limit).forEach(e -> all.add(Json.event(e)));
        ObjectNode o = Json.F.objectNode();
        o.put("node", node.id().value());
        ObjectNode sources = o.putObject("nodes");
        sources.put(node.id().value(), "ok");
        answers.forEach((n, a) -> {
            sources.put(n.value(), a.problem().orElse("ok"));
            all.addAll(a.events());
        });
        all.sort(Comparator.comparing((ObjectNode e) -> eventTime(e)));
        ArrayNode list = o.putArray("events");
        all.forEach(list::add);
        return o;
    }

    private static java.time.Instant eventTime(ObjectNode e) {
        try {
            return java.time.Instant.parse(e.path("time").asText());
        } catch (java.time.format.DateTimeParseException x) {
            return java.time.Instant.EPOCH;
        }
    }

    private JsonNode why(Request r) {
        GroupId group = group(r);
        Simulator.Simulation sim;
        try {
            sim = node.whatIf(List.of());
        } catch (IllegalStateException e) {
            String coordinator =
                    node.status().view().map(v -> v.coordinator().value()).orElse("the coordinator");
            throw new ApiException(409, null, e.getMessage() + ": ask " + coordinator + "'s admin endpoint");
        }
        Plan plan = sim.steps().get(0).plan();
        ObjectNode o = Json.F.objectNode();
        o.put("group", group.value());
        o.put("coordinator", node.id().value());
        ArrayNode running = o.putArray("runningOn");
        ClusterStatus status = node.status();
        node.config().group(group).orElseThrow().resources().stream()
                .flatMap(res -> status.runningOn(res.id()).stream())
                .map(NodeId::value)
                .distinct()
                .forEach(running::add);
        ArrayNode scores = o.putArray("scores");
        plan.scores().stream()
                .filter(s -> s.group().equals(group))
                .sorted(Comparator.comparingInt(PlacementScore::total).reversed())
                .forEach(s -> {
                    ObjectNode j = scores.addObject();
                    j.put("node", s.node().value());
                    j.put("score", Score.format(s.total()));
                    j.put("eligible", s.total() >= 0);
                    ArrayNode parts = j.putArray("parts");
                    s.parts().forEach(parts::add);
                });
        ArrayNode actions = o.putArray("pending");
        plan.actions().stream().filter(a -> a.group().equals(group)).forEach(a -> actions.add(a.describe()));
        ArrayNode notes = o.putArray("notes");
        plan.notes().stream().filter(n -> n.contains(group.value())).forEach(notes::add);
        return o;
    }

    private JsonNode nodeFlag(Request r, String what) {
        NodeId target = knownNode(r.params().get("node"), "node", 404);
        boolean on = new Fields(r.body(), Set.of("on")).bool("on");
        requireRunning();
        ObjectNode o = Json.F.objectNode();
        o.put("node", target.value());
        o.put(what, on);
        if (target.equals(node.id())) {
            var status = await(
                    what.equals("standby")
                            ? node.admin().standby(on)
                            : node.admin().maintenance(on),
                    what + (on ? " on" : " off"));
            o.put("status", Json.status(status));
        } else {
            // Another member: it is sent the order and applies it as its own (pcs node standby NODE).
            try {
                (what.equals("standby")
                                ? node.admin().standby(target, on)
                                : node.admin().maintenance(target, on))
                        .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IllegalStateException notMember) {
                    throw new ApiException(409, "node", notMember.getMessage());
                }
                throw new ApiException(
                        503, null, what + " of " + target + " failed on node " + node.id() + ": " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, null, what + " was interrupted on node " + node.id());
            } catch (TimeoutException e) {
                throw new ApiException(503, null, "node " + node.id() + " did not send the " + what + " order");
            }
            o.put("sentTo", target.value());
        }
        LOG.info("{}: admin API: {} {} of {} (from {})", node.id(), what, on ? "on" : "off", target, remote(r));
        return o;
    }

    private JsonNode clusterMaintenance(Request r) {
        boolean on = new Fields(r.body(), Set.of("on")).bool("on");
        requireRunning();
        Instant issued = await(node.admin().clusterMaintenance(on), "cluster maintenance " + (on ? "on" : "off"));
        LOG.info("{}: admin API: cluster maintenance {} (from {})", node.id(), on ? "on" : "off", remote(r));
        ObjectNode o = Json.F.objectNode();
        o.put("maintenance", on);
        o.put("issued", issued.toString());
        return o;
    }

    private JsonNode move(Request r, boolean ban) {
        GroupId group = group(r);
        Fields f = new Fields(r.body(), Set.of("node", "lifetime"));
        String target = f.text("node");
        NodeId to = knownNode(target, "node", 400);
        Optional<Duration> lifetime = f.optionalText("lifetime").map(text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "lifetime", e.getMessage());
            }
        });
        requireRunning();
        String what = (ban ? "ban of " : "move of ") + group;
        CompletableFuture<Move> future = admin(
                "lifetime",
                () -> lifetime.isPresent()
                        ? (ban
                                ? node.admin().ban(group, to, lifetime.get())
                                : node.admin().move(group, to, lifetime.get()))
                        : (ban ? node.admin().ban(group, to) : node.admin().move(group, to)));
        Move move = await(future, what);
        LOG.info("{}: admin API: {} (from {})", node.id(), move.describe(), remote(r));
        ObjectNode o = Json.F.objectNode();
        o.put("group", move.group().value());
        o.put("node", move.node().value());
        o.put("ban", move.ban());
        if (move.until().isPresent()) {
            o.put("until", move.until().get().toString());
        } else {
            o.putNull("until");
        }
        return o;
    }

    private JsonNode clear(Request r) {
        GroupId group = group(r);
        new Fields(r.body(), Set.of());
        requireRunning();
        Instant issued = await(node.admin().clearMove(group), "clearing the move of " + group);
        LOG.info("{}: admin API: clear {} (from {})", node.id(), group, remote(r));
        ObjectNode o = Json.F.objectNode();
        o.put("group", group.value());
        o.put("cleared", issued.toString());
        return o;
    }

    private JsonNode cleanup(Request r) {
        Optional<ResourceId> resource = Optional.ofNullable(r.params().get("resource"))
                .map(name -> {
                    ResourceId id = id("resource", name, ResourceId::of);
                    if (node.config().resource(id).isEmpty()) {
                        List<String> known = node.config().groups().stream()
                                .flatMap(g -> g.resources().stream())
                                .map(s -> s.id().value())
                                .toList();
                        throw new ApiException(
                                404, "resource", "no resource '" + name + "' is configured" + suggestion(name, known));
                    }
                    return id;
                });
        new Fields(r.body(), Set.of());
        requireRunning();
        List<NodeId> sent = await(
                resource.map(id -> node.admin().cleanup(id))
                        .orElseGet(() -> node.admin().cleanupAll()),
                "cleanup of " + resource.map(ResourceId::value).orElse("every resource"));
        LOG.info(
                "{}: admin API: cleanup {} (from {})",
                node.id(),
                resource.map(ResourceId::value).orElse("all"),
                remote(r));
        ObjectNode o = Json.F.objectNode();
        if (resource.isPresent()) {
            o.put("resource", resource.get().value());
        } else {
            o.putNull("resource");
        }
        ArrayNode to = o.putArray("sentTo");
        sent.forEach(n -> to.add(n.value()));
        return o;
    }

    private JsonNode declareDead(Request r) {
        NodeId dead = knownNode(r.params().get("node"), "node", 404);
        String reason = new Fields(r.body(), Set.of("reason")).text("reason");
        if (reason.isBlank()) {
            throw new ApiException(400, "reason", "the reason is blank: say what shows the node is down");
        }
        if (dead.equals(node.id())) {
            throw new ApiException(
                    409,
                    "node",
                    "node " + dead + " cannot declare itself dead: run this against another node's endpoint");
        }
        requireRunning();
        List<NodeId> sent =
                await(admin("node", () -> node.admin().declareDead(dead, reason)), "declaring " + dead + " dead");
        LOG.warn("{}: admin API: {} declared dead: {} (from {})", node.id(), dead, reason, remote(r));
        ObjectNode o = Json.F.objectNode();
        o.put("node", dead.value());
        ArrayNode to = o.putArray("sentTo");
        sent.forEach(n -> to.add(n.value()));
        return o;
    }

    // ---- the node list (Admin.addNode, Admin.removeNode) ----

    /**
     * {@code POST nodes/{node}/add}: adds {@code node} at the end of the node list, at the address
     * in the body ({@code host:port}, required when the nodes have addresses, as a file's nodes
     * do). Answers once the coordinator made the new version; the change is committed once every
     * node of the old list holds it.
     */
    private JsonNode addNode(Request r) {
        String name = r.params().get("node");
        NodeId added = id("node", name, NodeId::of);
        Optional<String> given = new Fields(r.body(), Set.of("address")).optionalText("address");
        io.hastack.core.model.ClusterConfig config = node.config();
        if (config.nodes().contains(added)) {
            throw new ApiException(
                    409, "node", "node " + added + " is in the node list " + config.nodes() + " already");
        }
        Optional<String> address = given.map(text -> {
            try {
                return ConfigFile.normalizeAddress(text);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "address", e.getMessage());
            }
        });
        if (!config.addresses().isEmpty() && address.isEmpty()) {
            throw new ApiException(
                    400,
                    "address",
                    "missing field 'address': node " + added + " needs the host:port its membership listens on"
                            + " (the other nodes are at " + config.addresses().values() + ")");
        }
        if (config.addresses().isEmpty() && address.isPresent()) {
            throw new ApiException(
                    400,
                    "address",
                    "the nodes have no addresses (their membership finds them itself): leave 'address' out");
        }
        if (address.isPresent()) {
            config.addresses().forEach((n, a) -> {
                if (a.equals(address.get())) {
                    throw new ApiException(409, "address", "address " + a + " is node " + n + "'s");
                }
            });
        }
        requireRunning();
        VersionedConfig before = node.configuration();
        VersionedConfig after =
                configured(conflict("node", () -> node.admin().addNode(added, address)), "adding node " + added, r);
        LOG.info(
                "{}: admin API: node {} added at {}: {} (from {})",
                node.id(),
                added,
                address.orElse("no address"),
                after,
                remote(r));
        ObjectNode o = nodeChange(added, before, after);
        address.ifPresent(a -> o.put("address", a));
        return o;
    }

    /**
     * {@code POST nodes/{node}/remove}: removes {@code node} from the node list; it must not be a
     * member (stop it first), nor the node serving the request, nor named by a location constraint.
     */
    private JsonNode removeNode(Request r) {
        NodeId removed = knownNode(r.params().get("node"), "node", 404);
        new Fields(r.body(), Set.of());
        if (removed.equals(node.id())) {
            throw new ApiException(
                    409,
                    "node",
                    "node " + removed + " serves this request and cannot remove itself: stop it (SIGTERM hands its"
                            + " groups over), then remove it through another node's API");
        }
        requireRunning();
        VersionedConfig before = node.configuration();
        VersionedConfig after =
                configured(conflict("node", () -> node.admin().removeNode(removed)), "removing node " + removed, r);
        LOG.info("{}: admin API: node {} removed: {} (from {})", node.id(), removed, after, remote(r));
        return nodeChange(removed, before, after);
    }

    private static ObjectNode nodeChange(NodeId changed, VersionedConfig before, VersionedConfig after) {
        ObjectNode o = Json.F.objectNode();
        o.put("node", changed.value());
        o.put("version", after.version());
        o.put("hash", after.hash());
        o.put("previousVersion", before.version());
        o.set("nodes", Json.ids(after.config().nodes()));
        o.set("previousNodes", Json.ids(after.config().previousNodes()));
        return o;
    }

    /** Calls the Admin; its refusal of the change at once (the cluster's state forbids it) is a 409 at {@code field}. */
    private static <T> T conflict(String field, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, field, e.getMessage());
        }
    }

    /**
     * Waits for a configuration change: a refusal by an agent or the coordinator is a 409 with its
     * reason, a failure or no answer within {@link #COMMAND_TIMEOUT} a 503.
     */
    private VersionedConfig configured(CompletableFuture<VersionedConfig> future, String what, Request r) {
        try {
            return future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, null, what + " was interrupted on node " + node.id());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HaConfigurationException refused) {
                LOG.info("{}: admin API: {} refused: {} (from {})", node.id(), what, refused.getMessage(), remote(r));
                throw new ApiException(409, null, refused.getMessage());
            }
            throw new ApiException(
                    503,
                    null,
                    what + " failed on node " + node.id() + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ApiException(
                    503,
                    null,
                    "node " + node.id() + " did not finish " + what + " within " + COMMAND_TIMEOUT.toSeconds()
                            + " s; it may have been made: read GET " + PREFIX + "/config");
        }
    }

    // ---- the configuration (docs/design/replicated-config.md) ----

    /**
     * The configuration file the node was started from, as read once: its text (into which {@link
     * ConfigWriter} renders each version) and what it says.
     */
    private record RunningFile(Path path, String text, ClusterFile parsed) {
        static RunningFile read(Path path) {
            ClusterFile parsed = ConfigFile.load(path);
            try {
                return new RunningFile(path, Files.readString(path, StandardCharsets.UTF_8), parsed);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the configuration file " + path, e);
            }
        }

        Path base() {
            return path.toAbsolutePath().getParent();
        }
    }

    private RunningFile runningFile() {
        return file.orElseThrow(() -> new ApiException(
                409,
                null,
                "node " + node.id() + " was not started from a configuration file: its configuration changes"
                        + " through Admin.configure (Java) only"));
    }

    /** {@code GET config/file}: the running configuration as this node's configuration file. */
    private JsonNode configFile(Request r) {
        RunningFile running = runningFile();
        VersionedConfig v = node.configuration();
        String yaml = ConfigWriter.render(running.path().toString(), running.text(), v, running.base());
        ObjectNode o = Json.F.objectNode();
        o.put("node", node.id().value());
        o.put("file", running.path().toString());
        o.put("version", v.version());
        o.put("hash", v.hash());
        o.put("yaml", yaml);
        return o;
    }

    /**
     * The configuration file in the body, read with {@link ConfigFile}; it must keep what cannot
     * change at run time, or through a file.
     */
    private ClusterFile proposedFile(Request r) {
        RunningFile running = runningFile();
        ClusterFile proposed;
        try {
            proposed = ConfigFile.parse("body", r.text(), running.base());
        } catch (ConfigException e) {
            throw new ApiException(400, e.path().isEmpty() ? "body" : e.path(), e.getMessage());
        }
        requireFixedPartsKept(running, current(running), proposed);
        return proposed;
    }

    /**
     * The running file as it is now: the file the node started from with the version it holds
     * (whose node list may have changed since it started).
     */
    private ClusterFile current(RunningFile running) {
        String text =
                ConfigWriter.render(running.path().toString(), running.text(), node.configuration(), running.base());
        return ConfigFile.parse(running.path().toString(), text, running.base());
    }

    /**
     * The model of {@code proposed} as a change proposes it: the list a change of the node list
     * being committed changes from is the cluster's to set, so the file's {@code previous-nodes}
     * is replaced by the running one's.
     */
    private ClusterConfig proposedConfig(ClusterFile proposed) {
        List<NodeId> previous = node.config().previousNodes();
        ClusterConfig c = proposed.config();
        return c.previousNodes().equals(previous)
                ? c
                : admin(
                        "previous-nodes",
                        () -> c.toBuilder().previousNodes(previous).build());
    }

    /**
     * Refuses (409) a file that changes what the running cluster cannot change without a restart,
     * or the node list (which changes through its own endpoints, one node at a time).
     */
    private static void requireFixedPartsKept(RunningFile running, ClusterFile was, ClusterFile proposed) {
        String restart = ": it cannot change at run time; change it in every node's file and restart the nodes"
                + " one at a time";
        if (!proposed.config().nodes().equals(was.config().nodes())
                || !proposed.config().addresses().equals(was.config().addresses())) {
            throw new ApiException(
                    409,
                    "nodes",
                    "the node list cannot change through a configuration file: the running configuration has "
                            + addresses(was) + ", this file " + addresses(proposed)
                            + "; add or remove one node at a time with 'hastack node add NAME --address HOST:PORT'"
                            + " or 'hastack node remove NAME' (POST " + PREFIX + "/nodes/{node}/add or /remove)");
        }
        if (!proposed.cluster().equals(was.cluster())) {
            throw new ApiException(
                    409,
                    "cluster",
                    "the cluster's name is '" + proposed.cluster() + "' here but '" + was.cluster()
                            + "' in the running file " + running.path() + restart);
        }
        if (!proposed.keyFile().equals(was.keyFile())) {
            throw new ApiException(
                    409,
                    "key-file",
                    "the key file is " + proposed.keyFile().map(Path::toString).orElse("none (insecure)")
                            + " here but " + was.keyFile().map(Path::toString).orElse("none (insecure)")
                            + " in the running file " + running.path() + restart);
        }
        if (!proposed.membership().equals(was.membership())) {
            throw new ApiException(
                    409, "membership", "the 'membership' section differs from the running file's" + restart);
        }
        if (!proposed.device().equals(was.device())) {
            throw new ApiException(409, "quorum.device", "the quorum device differs from the running file's" + restart);
        }
        if (!proposed.admin().equals(was.admin())) {
            throw new ApiException(409, "admin", "the 'admin' section differs from the running file's" + restart);
        }
    }

    private static String addresses(ClusterFile f) {
        List<String> list = new ArrayList<>();
        f.config().addresses().forEach((n, a) -> list.add(n.value() + "=" + a));
        return list.toString();
    }

    /**
     * {@code POST config/validate}: the checks a change would meet here without making it: the file,
     * what cannot change at run time, and this node's own checks ({@link
     * io.hastack.core.runtime.Admin#validate}: size, fence device, the agents' validate). The
     * coordinator's checks (quorum, version) are made only when the change is applied.
     */
    private JsonNode validateConfig(Request r) {
        ClusterFile proposed = proposedFile(r);
        VersionedConfig running = node.configuration();
        ObjectNode o = Json.F.objectNode();
        o.put("valid", true);
        o.put("version", running.version());
        o.put("hash", proposed.config().hash());
        o.put("changed", !proposedConfig(proposed).equals(running.config()));
        ArrayNode checked = o.putArray("checked");
        checked.add("the file (syntax, fields, values, references)");
        checked.add("the parts that cannot change at run time or through a file (cluster, key file, nodes and"
                + " addresses, membership, quorum device, admin)");
        checked.add("this node's agents accept every resource the file adds or changes; its size and fence"
                + " on-fail settings");
        List<String> problems = await(node.admin().validate(proposed.config()), "validate");
        if (!problems.isEmpty()) {
            throw new ApiException(409, null, "the configuration is refused: " + String.join("; ", problems));
        }
        o.put(
                "notChecked",
                "the coordinator's checks (quorum, the base version) run when the change is applied (PUT " + PREFIX
                        + "/config)");
        return o;
    }

    /** {@code PUT config}: makes the file's model the cluster's configuration. */
    private JsonNode putConfig(Request r) {
        VersionedConfig before = node.configuration();
        long base = before.version();
        String text = r.query().get("base-version");
        if (text != null) {
            try {
                base = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new ApiException(
                        400, "base-version", "'" + text + "' is not a configuration version (a whole number)");
            }
            if (base < 0) {
                throw new ApiException(
                        400,
                        "base-version",
                        "base-version " + base + " is not a configuration version (0 or more): leave it out to"
                                + " change the version this node holds");
            }
        }
        ClusterFile proposed = proposedFile(r);
        if (base != before.version()) {
            throw new ApiException(
                    409,
                    "base-version",
                    "the configuration changed meanwhile: the change was made against version " + base
                            + " but node " + node.id() + " holds " + before + "; read it again (GET " + PREFIX
                            + "/config/file, hastack config show) and make the change against it");
        }
        requireRunning();
        long baseVersion = base;
        ClusterConfig config = proposedConfig(proposed);
        VersionedConfig after = configured(
                admin("body", () -> node.admin().configure(config, baseVersion)), "the configuration change", r);
        boolean changed = after.version() != before.version();
        LOG.info(
                "{}: admin API: configuration {} (from {})",
                node.id(),
                changed ? "changed from " + before + " to " + after : "unchanged, " + after,
                remote(r));
        ObjectNode o = Json.F.objectNode();
        o.put("version", after.version());
        o.put("hash", after.hash());
        o.put("changed", changed);
        o.put("previousVersion", before.version());
        return o;
    }

    // ---- checks ----

    private NodeId knownNode(String name, String field, int status) {
        NodeId id = id(field, name, NodeId::of);
        if (!node.config().nodes().contains(id)) {
            List<String> known =
                    node.config().nodes().stream().map(NodeId::value).toList();
            throw new ApiException(
                    status, field, "no node '" + name + "' in the node list " + known + suggestion(name, known));
        }
        return id;
    }

    private GroupId group(Request r) {
        String name = r.params().get("group");
        GroupId id = id("group", name, GroupId::of);
        if (node.config().group(id).isEmpty()) {
            List<String> known =
                    node.config().groups().stream().map(g -> g.id().value()).toList();
            throw new ApiException(404, "group", "no group '" + name + "' is configured" + suggestion(name, known));
        }
        return id;
    }

    private static <T> T id(String field, String name, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(400, field, "'" + name + "' is not a " + field + " name: " + e.getMessage());
        }
    }

    private static String suggestion(String name, List<String> known) {
        return Names.closest(name, known)
                .map(c -> "; did you mean '" + c + "'?")
                .orElse("");
    }

    private void requireRunning() {
        HaNode.State state = node.state();
        if (state != HaNode.State.RUNNING) {
            throw new ApiException(503, null, "node " + node.id() + " is " + state + ": it takes no commands");
        }
    }

    /** Calls the Admin; its refusal of an argument is a 400 at {@code field}. */
    private static <T> T admin(String field, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, field, e.getMessage());
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, null, what + " was interrupted on node " + node.id());
        } catch (ExecutionException e) {
            throw new ApiException(503, null, what + " failed on node " + node.id() + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(
                    503,
                    null,
                    "node " + node.id() + " did not carry out the " + what + " within " + COMMAND_TIMEOUT.toSeconds()
                            + " s: see GET " + PREFIX + "/status");
        }
    }

    private static String remote(Request r) {
        return r.exchange().getRemoteAddress().getAddress().getHostAddress();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The fields of a request body, checked against the ones a command takes. */
    private static final class Fields {
        private final ObjectNode body;

        Fields(ObjectNode body, Set<String> known) {
            this.body = body;
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!known.contains(name)) {
                    throw new ApiException(
                            400,
                            name,
                            "unknown field '" + name + "'"
                                    + (known.isEmpty()
                                            ? ": this command takes no fields"
                                            : Names.closest(name, known)
                                                    .map(c -> "; did you mean '" + c + "'?")
                                                    .orElse(" (known: "
                                                            + String.join(", ", new java.util.TreeSet<>(known))
                                                            + ")")));
                }
            }
        }

        boolean bool(String name) {
            JsonNode v = body.get(name);
            if (v == null || v.isNull()) {
                throw new ApiException(400, name, "missing field '" + name + "' (true or false)");
            }
            if (!v.isBoolean()) {
                throw new ApiException(400, name, "'" + name + "' must be true or false, was " + v);
            }
            return v.booleanValue();
        }

        String text(String name) {
            return optionalText(name)
                    .orElseThrow(() -> new ApiException(400, name, "missing field '" + name + "' (a string)"));
        }

        Optional<Boolean> optionalBool(String name) {
            JsonNode v = body.get(name);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(bool(name));
        }

        /** A list of {@code min} to {@code max} strings. */
        List<String> texts(String name, int min, int max) {
            JsonNode v = body.get(name);
            if (v == null || v.isNull()) {
                throw new ApiException(400, name, "missing field '" + name + "' (a list of strings)");
            }
            if (!v.isArray()) {
                throw new ApiException(400, name, "'" + name + "' must be a list of strings, was " + v);
            }
            if (v.size() < min || v.size() > max) {
                throw new ApiException(
                        400,
                        name,
                        "'" + name + "' holds " + v.size() + " items; " + min + " to " + max + " are allowed");
            }
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw new ApiException(400, name + "[" + i + "]", "must be a string, was " + v.get(i));
                }
                out.add(v.get(i).textValue());
            }
            return out;
        }

        Optional<String> optionalText(String name) {
            JsonNode v = body.get(name);
            if (v == null || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw new ApiException(400, name, "'" + name + "' must be a string, was " + v);
            }
            return Optional.of(v.textValue());
        }
    }
}
