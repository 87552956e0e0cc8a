package io.hastack.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CLI's side of the admin API: GET and POST of JSON with the bearer token, the event stream,
 * and errors turned into {@link CliException}s with the exit code and what to do.
 */
final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    ApiClient(URI base, String token, Optional<Path> caCert) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        caCert.ifPresent(file -> b.sslContext(trusting(file)));
        this.http = b.build();
    }

    /** An SSL context that trusts the PEM certificates in {@code file} (and nothing else). */
    private static SSLContext trusting(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new CliException(Hastack.EXIT_USAGE, "--cacert " + file + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(
                    Hastack.EXIT_USAGE, "cannot read the certificate file given by --cacert " + file + ": " + e, e);
        }
    }

    /** {@code segment} encoded for a URL path. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    JsonNode post(String path, ObjectNode body) {
        try {
            return send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
                    .build());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code yaml}, a whole configuration file, with {@code method} ({@code POST}, {@code PUT}). */
    JsonNode yaml(String method, String path, String yaml) {
        return send(request(path)
                .header("Content-Type", "application/yaml")
                .method(method, HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8))
                .build());
    }

    /** Calls {@code onEvent} with the data of every event of the stream at {@code path}, until it ends. */
    void stream(String path, Consumer<JsonNode> onEvent) {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            try (InputStream in = response.body()) {
                throw refused(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        onEvent.accept(mapper.readTree(data.toString()));
                        data.setLength(0);
                    }
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } catch (IOException e) {
            throw new CliException(
                    Hastack.EXIT_UNREACHABLE, "the event stream from " + base + " broke off: " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + "/api/v1" + path);
    }

    /** Sends {@code request}; a node that cannot be reached (or an interrupt) is a {@link CliException}. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Hastack.EXIT_UNREACHABLE, "interrupted");
        }
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw refused(response.statusCode(), response.body());
        }
        try {
            return mapper.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new CliException(
                    Hastack.EXIT_UNREACHABLE,
                    base + " answered something other than JSON: is --url the node's admin API?");
        }
    }

    private CliException refused(int status, String body) {
        String message;
        String field = null;
        try {
            JsonNode json = mapper.readTree(body);
            message = json.path("error").asText(body);
            field = json.path("field").isTextual() ? json.path("field").asText() : null;
        } catch (JsonProcessingException e) {
            message = body.isBlank() ? "(no message)" : body.strip();
        }
        String where = field == null ? "" : " [" + field + "]";
        if (status == 401) {
            return new CliException(
                    Hastack.EXIT_REFUSED,
                    "the node refused the token (401): " + message
                            + "; give the node's token file with --token-file or HASTACK_TOKEN_FILE");
        }
        if (status >= 500) {
            return new CliException(Hastack.EXIT_UNREACHABLE, "the node failed (" + status + "): " + message + where);
        }
        return new CliException(Hastack.EXIT_REFUSED, "refused (" + status + ")" + where + ": " + message);
    }

    private CliException unreachable(IOException e) {
        String why;
        if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof HttpConnectTimeoutException) {
            why = "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof SSLException) {
            why = "TLS failed (" + e.getMessage() + "); for a self-signed certificate give it with --cacert";
        } else {
            why = e.toString();
        }
        return new CliException(
                Hastack.EXIT_UNREACHABLE,
                "cannot reach the node at " + base + ": " + why
                        + "; is hastack-node running there with an admin section, and is --url (or HASTACK_URL)"
                        + " right?",
                e);
    }
}
