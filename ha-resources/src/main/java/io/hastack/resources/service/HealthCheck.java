package io.hastack.resources.service;

import io.hastack.core.spi.agent.AgentContext;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.check.HttpGet;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP health check: GET {@code status-url}; healthy if the status is {@code expect-status}
 * (200 by default) and, if {@code expect-body} is set, the body contains it (within its first
 * {@value HttpGet#MAX_BODY} bytes for an {@code http} URL, got on the calling thread by {@link
 * HttpGet}; an {@code https} one is got with the JDK's {@code HttpClient}).
 *
 * @param url the URL to get
 * @param status the status that means healthy
 * @param body text the body must contain, if present
 */
record HealthCheck(URI url, int status, Optional<String> body) {
    /** The client for {@code https} URLs, made at the first (its selector thread lives as long as the JVM). */
    private static final class Https {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The check configured by {@code ctx}'s parameters. */
    static HealthCheck of(AgentContext ctx) {
        String raw = Parameters.required(ctx, "status-url");
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new InvalidParameterException(ctx, "parameter 'status-url' is not a URL: '" + raw + "'");
        }
        if ((!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) || url.getHost() == null) {
            throw new InvalidParameterException(
                    ctx,
                    "parameter 'status-url' must be an http:// or https:// URL with a" + " host, was '" + raw + "'");
        }
        long status = Parameters.nonNegative(ctx, "expect-status").orElse(200L);
        if (status < 100 || status > 599) {
            throw new InvalidParameterException(
                    ctx, "parameter 'expect-status' must be an HTTP status 100-599, was " + status);
        }
        return new HealthCheck(url, (int) status, ctx.parameter("expect-body"));
    }

    /** Empty if healthy, else what was wrong. */
    Optional<String> problem(Duration limit) {
        Duration timeout = limit.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : limit;
        if (timeout.isZero() || timeout.isNegative()) {
            return Optional.of("no time left to check " + url);
        }
        try {
            int answered;
            String text;
            if (HttpGet.handles(url)) { // on this thread, without HttpClient's hand-offs between threads
                HttpGet.Answer a = HttpGet.get(url, timeout, body.isPresent());
                answered = a.status();
                text = a.body();
            } else {
                HttpResponse<String> r = Https.CLIENT.send(
                        HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                answered = r.statusCode();
                text = r.body();
            }
            if (answered != status) {
                return Optional.of("GET " + url + " answered " + answered + ", expected " + status);
            }
            if (body.isPresent() && !text.contains(body.get())) {
                return Optional.of("GET " + url + " answered " + status + " without '" + body.get() + "'");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("GET " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("GET " + url + " interrupted");
        }
    }
}
