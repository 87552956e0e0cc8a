package io.hastack.resources.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HttpServiceCheck} against the JDK's HTTP server on loopback. */
class HttpServiceCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    @Test
    void answersWhileTheServerAnswersBelow400() throws Exception {
        HttpServiceCheck check = new HttpServiceCheck(serve());
        assertTrue(check.answers(TIMEOUT));
        status.set(302);
        assertTrue(check.answers(TIMEOUT), "a redirect is an answer");
        status.set(503);
        assertFalse(check.answers(TIMEOUT));
        status.set(404);
        assertFalse(check.answers(TIMEOUT));
    }

    @Test
    void aClosedPortIsNotAnswering() throws Exception {
        URI url = serve();
        server.stop(0);
        server = null;
        HttpServiceCheck check = new HttpServiceCheck(url);
        assertThrows(IOException.class, () -> check.answers(TIMEOUT));
        assertEquals(url.toString(), check.target());
    }

    @Test
    void theTargetShownKeepsTheQueryOut() throws Exception {
        URI url = URI.create(serve() + "?key=secret-value");
        HttpServiceCheck check = new HttpServiceCheck(url);
        assertTrue(check.answers(TIMEOUT), "the query is sent");
        assertFalse(check.target().contains("secret"), check.target());
        assertTrue(check.target().endsWith("/health?…"), check.target());
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        for (String bad : new String[] {"ftp://h/x", "file:///etc/passwd", "http:///nohost", "/relative"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new HttpServiceCheck(URI.create(bad)), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        IllegalArgumentException secret = assertThrows(
                IllegalArgumentException.class, () -> new HttpServiceCheck(URI.create("http://user:pw@127.0.0.1/")));
        assertFalse(secret.getMessage().contains("pw"), secret.getMessage());
    }
}
