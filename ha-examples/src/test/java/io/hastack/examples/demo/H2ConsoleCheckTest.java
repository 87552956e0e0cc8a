package io.hastack.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastack.resources.check.HttpGet;
import java.net.URI;
import java.time.Duration;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * The demo's H2 database is healthy when its web console answers (without root, the demo runs H2
 * instead of PostgreSQL, checked by the java-app agent's status URL). H2's console answers an
 * HTTP/1.0 request with 400, so the check must ask in HTTP/1.1; this caught it.
 */
class H2ConsoleCheckTest {
    @Test
    void theConsoleAnswersTheHealthCheck() throws Exception {
        int port = 0;
        Server console = null;
        for (int attempt = 0; console == null; attempt++) { // a free port, retried as freePorts asks
            port = NodeProcess.freePorts(1).get(0);
            try {
                console = Server.createWebServer("-webPort", Integer.toString(port))
                        .start();
            } catch (java.sql.SQLException e) {
                if (attempt == 4) {
                    throw e;
                }
            }
        }
        try {
            HttpGet.Answer answer =
                    HttpGet.get(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(30), true);
            assertEquals(200, answer.status(), "the demo's status-url, as DemoCluster sets it: " + answer);
        } finally {
            console.stop();
        }
    }
}
