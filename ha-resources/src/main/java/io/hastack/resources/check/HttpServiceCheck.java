package io.hastack.resources.check;

import io.hastack.core.spi.check.ServiceCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * A service answers when a GET of its URL gets a status below 400 (a redirect counts: the server
 * answered). The URL's scheme is {@code http} or {@code https} (a certificate the JVM does not
 * trust is not answering); nothing else is sent, and the body is not read. An {@code http} URL is
 * got on the calling thread ({@link HttpGet}), an {@code https} one with the JDK's {@code
 * HttpClient}.
 */
public final class HttpServiceCheck implements ServiceCheck {
    private final URI url;
    /** For an {@code https} URL; null for an {@code http} one. */
    private final HttpClient http;

    /**
     * A check of {@code url}.
     *
     * @throws IllegalArgumentException naming what is wrong: not http or https, no host, a user and
     *     password in the URL (they would be logged)
     */
    public HttpServiceCheck(URI url) {
        validate(url);
        this.url = url;
        this.http = HttpGet.handles(url)
                ? null
                : HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(1))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /**
     * Checks {@code url} as {@link #HttpServiceCheck(URI)} does, without making a client.
     *
     * @throws IllegalArgumentException as {@link #HttpServiceCheck(URI)}
     */
    public static void validate(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + url + "' is not an http or https URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' names no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + url.getHost()
                    + "': a user or password in a check URL would be logged and shown: leave it out");
        }
    }

    /**
     * The URL without its query, which may hold a secret (it goes into events, logs and the
     * history), nor its fragment.
     */
    @Override
    public String target() {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?…");
    }

    @Override
    public boolean answers(Duration timeout) throws IOException, InterruptedException {
        if (http == null) {
            boolean answered = HttpGet.get(url, timeout, false).status() < 400;
            if (Thread.interrupted()) { // a socket's read ignores an interrupt: honour it once done
                throw new InterruptedException("interrupted while asking " + target());
            }
            return answered;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() < 400;
    }

    @Override
    public String toString() {
        return "HttpServiceCheck[" + url + "]";
    }
}
