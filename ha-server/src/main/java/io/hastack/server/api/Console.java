package io.hastack.server.api;

import com.sun.net.httpserver.HttpExchange;
import io.hastack.core.security.Refusals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The web console of a node's admin API ({@code docs/operations.md}, "The web console"): its pages
 * at {@code /} (also {@code /console}) and {@code /console/console.js|css}, the login ({@code POST
 * /login}, form field {@code token}) and logout ({@code POST /logout}), and the browser sessions
 * they open.
 *
 * <p>A session is a random 32-byte id (base64url) in a cookie ({@code HttpOnly; SameSite=Strict;
 * Path=/}, {@code Secure} over TLS) named after the port, so that consoles of nodes on one host keep
 * their own. Only the id's SHA-256 is kept, in memory; a session ends after {@link #IDLE} unused,
 * at {@code POST /logout}, or when the node restarts. At most {@link #MAX_SESSIONS} are kept (the
 * least recently used goes). A wrong or missing token at login is counted in the API's refusals
 * like a wrong bearer token. Without a session the pages answer 401 with the login page, which
 * holds no cluster data. Thread-safe.
 */
final class Console {
    /** The header a request made with the session cookie must carry unless it is a GET (CSRF). */
    static final String HEADER = "X-Hastack-Console";
    /** How long an unused session lasts. */
    static final Duration IDLE = Duration.ofHours(12);
    /** The sessions kept at once. */
    static final int MAX_SESSIONS = 64;
    /** The largest login form accepted. */
    private static final int MAX_FORM = 4096;

    private static final String RESOURCES = "/io/hastack/server/api/console/";
    private static final String PAGE_POLICY =
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    private static final String LOGIN_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /** What a request's cookie says. */
    enum Session {
        /** No session cookie. */
        NONE,
        /** A cookie naming no live session (unknown, ended or expired). */
        UNKNOWN,
        /** A live session (now used again). */
        VALID
    }

    private final Predicate<String> tokenMatches;
    private final Refusals refusals;
    private final boolean secure;
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();
    /** Last use (nanoTime) by the SHA-256 of the session id, in base64url; least recently used first. */
    private final LinkedHashMap<String, Long> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param tokenMatches whether a token is the API's, in constant time
     * @param refusals where a refused login is counted
     * @param secure whether the API speaks HTTPS (the cookie is then {@code Secure})
     * @param nanoTime the clock sessions expire by
     */
    Console(Predicate<String> tokenMatches, Refusals refusals, boolean secure, LongSupplier nanoTime) {
        this.tokenMatches = tokenMatches;
        this.refusals = refusals;
        this.secure = secure;
        this.nanoTime = nanoTime;
    }

    /** The sessions live now. */
    int sessions() {
        synchronized (sessions) {
            expire(nanoTime.getAsLong());
            return sessions.size();
        }
    }

    /** Whether {@code path} is the console's (and so answered by {@link #handle}). */
    static boolean isConsolePath(String path) {
        return switch (path) {
            case "/", "/console", "/console/console.js", "/console/console.css", "/login", "/logout" -> true;
            default -> false;
        };
    }

    /**
     * Answers a request for a console path ({@link #isConsolePath}).
     *
     * @throws ApiException for a method the path does not take (405)
     */
    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/login" -> {
                requireMethod(ex, "POST");
                login(ex);
            }
            case "/logout" -> {
                requireMethod(ex, "POST");
                logout(ex);
            }
            default -> {
                requireMethod(ex, "GET");
                if (session(ex) != Session.VALID) {
                    loginPage(ex, 401, Optional.empty());
                } else if (path.equals("/console/console.js")) {
                    sendResource(ex, "console.js", "text/javascript; charset=utf-8");
                } else if (path.equals("/console/console.css")) {
                    sendResource(ex, "console.css", "text/css; charset=utf-8");
                } else {
                    sendResource(ex, "console.html", "text/html; charset=utf-8");
                }
            }
        }
    }

    private static void requireMethod(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new ApiException(
                    405,
                    "method",
                    ex.getRequestMethod() + " is not allowed on "
                            + ex.getRequestURI().getPath() + ": use " + method);
        }
    }

    /** What the request's session cookie names; a live session counts as used now. */
    Session session(HttpExchange ex) {
        Optional<String> id = cookie(ex, cookieName(ex));
        if (id.isEmpty()) {
            return Session.NONE;
        }
        String key = digest(id.get());
        long now = nanoTime.getAsLong();
        synchronized (sessions) {
            expire(now);
            if (sessions.containsKey(key)) {
                sessions.put(key, now);
                return Session.VALID;
            }
        }
        return Session.UNKNOWN;
    }

    private void expire(long now) {
        for (Iterator<Long> it = sessions.values().iterator(); it.hasNext(); ) {
            if (now - it.next() > IDLE.toNanos()) {
                it.remove();
            }
        }
    }

    private void login(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String media = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        byte[] body = AdminServer.bytes(ex, MAX_FORM);
        if (!media.equals("application/x-www-form-urlencoded")) {
            throw new ApiException(
                    415, "Content-Type", "the login form must be sent as application/x-www-form-urlencoded");
        }
        String token = form(new String(body, StandardCharsets.US_ASCII)).getOrDefault("token", "");
        String where = ex.getRemoteAddress().getAddress().getHostAddress() + " POST /login";
        if (token.isBlank()) {
            refusals.refuse("no token", where);
            loginPage(ex, 401, Optional.of("Enter the token from the node's admin token file."));
            return;
        }
        if (!tokenMatches.test(token.strip())) {
            refusals.refuse("wrong token", where);
            loginPage(ex, 401, Optional.of("The token is wrong: use the one in the node's admin token file."));
            return;
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = nanoTime.getAsLong();
        synchronized (sessions) {
            expire(now);
            while (sessions.size() >= MAX_SESSIONS) {
                Iterator<String> eldest = sessions.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            sessions.put(digest(id), now);
        }
        ex.getResponseHeaders().add("Set-Cookie", cookieName(ex) + "=" + id + attributes());
        redirectHome(ex);
    }

    private void logout(HttpExchange ex) throws IOException {
        cookie(ex, cookieName(ex)).ifPresent(id -> {
            synchronized (sessions) {
                sessions.remove(digest(id));
            }
        });
        ex.getResponseHeaders().add("Set-Cookie", cookieName(ex) + "=" + attributes() + "; Max-Age=0");
        redirectHome(ex);
    }

    private String attributes() {
        return "; HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "");
    }

    private static void redirectHome(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Location", "/");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(303, -1);
    }

    /** The cookie's name: one per port, so that two nodes' consoles on one host keep their sessions. */
    private static String cookieName(HttpExchange ex) {
        return "hastack-session-" + ex.getLocalAddress().getPort();
    }

    private static Optional<String> cookie(HttpExchange ex, String name) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return Optional.empty();
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.putIfAbsent(
                            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new ApiException(400, "body", "the login form is not URL-encoded properly");
                }
            }
        }
        return fields;
    }

    private void loginPage(HttpExchange ex, int status, Optional<String> message) throws IOException {
        String page = resource("login.html")
                .replace(
                        "{{message}}",
                        message.map(m -> "<p id=\"login-error\" class=\"error\">" + m + "</p>")
                                .orElse(""));
        ex.getResponseHeaders().set("Content-Security-Policy", LOGIN_POLICY);
        send(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendResource(HttpExchange ex, String name, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
        send(ex, 200, type, resource(name).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Console.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's resource " + RESOURCES + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's resource " + RESOURCES + name, e);
        }
    }

    private static String digest(String id) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
