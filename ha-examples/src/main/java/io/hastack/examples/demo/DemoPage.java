package io.hastack.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo's web page on 127.0.0.1: its body, and which node serves it. Thread-safe. */
public final class DemoPage {
    private static final Pattern SERVED_BY = Pattern.compile("Served by (\\S+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    private final URI uri;

    /** The page served on {@code port}. */
    public DemoPage(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The page's body if it answers 200 now; empty if it does not answer (or on interrupt). */
    public Optional<String> body() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The name of the node serving the page now, if it answers. */
    public Optional<String> servedBy() {
        return body().map(SERVED_BY::matcher).filter(Matcher::find).map(m -> m.group(1));
    }
}
