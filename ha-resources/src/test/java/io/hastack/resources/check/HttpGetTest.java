package io.hastack.resources.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HttpGet} against the JDK's HTTP server and against raw sockets that answer badly. */
class HttpGetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HttpServer server;
    private final List<AutoCloseable> closing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(0);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Whether {@link #serve} sends its bodies in chunks. */
    private volatile boolean chunked;

    private URI serve(String path, int status, byte[] body) throws IOException {
        return serve(path, status, body, null);
    }

    private URI serve(String path, int status, byte[] body, String contentType) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + ex.getRequestURI().getRawQuery())
                    + " Host=" + ex.getRequestHeaders().getFirst("Host"));
            if (contentType != null) {
                ex.getResponseHeaders().add("Content-Type", contentType);
            }
            if (status == 302) {
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            // a negative length: none; 0: chunked (the JDK's server); else Content-Length
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : chunked ? 0 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** A server that accepts one connection, reads the request's first line, and sends {@code answer} (if any). */
    private int raw(byte[] answer, boolean thenClose) throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        closing.add(socket);
        Thread t = new Thread(
                () -> {
                    try {
                        Socket s = socket.accept();
                        closing.add(s);
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                        requests.add(in.readLine());
                        if (answer != null) {
                            s.getOutputStream().write(answer);
                            s.getOutputStream().flush();
                        }
                        if (thenClose) {
                            s.close();
                        }
                    } catch (IOException e) {
                        requests.add("server failed: " + e);
                    }
                },
                "raw-http-server");
        t.setDaemon(true);
        t.start();
        return socket.getLocalPort();
    }

    @Test
    void getsTheStatusAndTheBodyAndSendsThePathQueryAndHost() throws Exception {
        URI url = serve("/health", 200, "all good\n".getBytes(StandardCharsets.UTF_8));
        URI withQuery = URI.create(url + "?deep=1");
        HttpGet.Answer answer = HttpGet.get(withQuery, TIMEOUT, true);
        assertEquals(new HttpGet.Answer(200, "all good\n"), answer);
        assertEquals("GET /health?deep=1 Host=127.0.0.1:" + url.getPort(), requests.poll(10, TimeUnit.SECONDS));
        assertEquals(new HttpGet.Answer(200, ""), HttpGet.get(url, TIMEOUT, false), "the body only when asked");
    }

    @Test
    void reportsAnErrorStatusAndDoesNotFollowARedirect() throws Exception {
        URI failing = serve("/down", 503, new byte[0]);
        assertEquals(503, HttpGet.get(failing, TIMEOUT, true).status());
        server.stop(0);
        URI moved = serve("/moved", 302, new byte[0]);
        assertEquals(302, HttpGet.get(moved, TIMEOUT, false).status(), "a redirect is the answer");
    }

    @Test
    void readsTheBodyInItsCharsetAndSendsAPathOutsideAsciiEncoded() throws Exception {
        URI url = serve("/", 200, "café".getBytes(StandardCharsets.ISO_8859_1), "text/plain; charset=\"ISO-8859-1\"");
        assertEquals(
                "café", HttpGet.get(URI.create(url + "menü?q=ä"), TIMEOUT, true).body());
        assertEquals("GET /men%C3%BC?q=%C3%A4 Host=127.0.0.1:" + url.getPort(), requests.poll(10, TimeUnit.SECONDS));
        assertEquals(
                StandardCharsets.UTF_8,
                HttpGet.charset("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=nonesuch\r\n"));
        assertEquals(StandardCharsets.UTF_8, HttpGet.charset("HTTP/1.1 200 OK\r\n"));
    }

    @Test
    void readsAChunkedBodyAndCutsALongOne() throws Exception {
        chunked = true;
        URI url = serve("/chunks", 200, "hello in chunks".getBytes(StandardCharsets.UTF_8));
        assertEquals(new HttpGet.Answer(200, "hello in chunks"), HttpGet.get(url, TIMEOUT, true));
        server.stop(0);
        byte[] big = new byte[HttpGet.MAX_BODY + 100_000];
        java.util.Arrays.fill(big, (byte) 'y');
        URI long_ = serve("/long", 200, big);
        assertEquals(
                "y".repeat(HttpGet.MAX_BODY), HttpGet.get(long_, TIMEOUT, true).body());

        byte[] head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFF\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] oneHugeChunk = java.util.Arrays.copyOf(head, head.length + HttpGet.MAX_BODY + 10);
        java.util.Arrays.fill(oneHugeChunk, head.length, oneHugeChunk.length, (byte) 'z');
        int port = raw(oneHugeChunk, true);
        assertEquals(
                "z".repeat(HttpGet.MAX_BODY),
                HttpGet.get(URI.create("http://127.0.0.1:" + port + "/"), TIMEOUT, true)
                        .body(),
                "cut inside a chunk larger than 2 GiB");
    }

    @Test
    void skipsInterimAnswersAndReadsNoBodyWhereThereIsNone() throws Exception {
        byte[] hinted = ("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown")
                .getBytes(StandardCharsets.US_ASCII);
        int port = raw(hinted, true);
        assertEquals(
                new HttpGet.Answer(503, "down"),
                HttpGet.get(URI.create("http://127.0.0.1:" + port + "/"), TIMEOUT, true),
                "the final answer, not the hint");

        // A 204 ends at its head: no wait for a connection the server keeps open.
        int open = raw("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
        assertEquals(
                new HttpGet.Answer(204, ""), HttpGet.get(URI.create("http://127.0.0.1:" + open + "/"), TIMEOUT, true));

        int gzip = raw(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII),
                true);
        IOException e = assertThrows(
                IOException.class, () -> HttpGet.get(URI.create("http://127.0.0.1:" + gzip + "/"), TIMEOUT, true));
        assertEquals(
                "GET http://127.0.0.1:" + gzip + "/: a transfer coding this check does not read: 'gzip, chunked'",
                e.getMessage());
    }

    @Test
    void aChunkSizeThatIsNotHexadecimalGetsAClearError() throws Exception {
        byte[] answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        int port = raw(answer, true);
        IOException e = assertThrows(
                IOException.class, () -> HttpGet.get(URI.create("http://127.0.0.1:" + port + "/c"), TIMEOUT, true));
        assertEquals("GET http://127.0.0.1:" + port + "/c: a chunk's size is not hexadecimal: 'zz'", e.getMessage());
        assertEquals(
                200,
                HttpGet.get(URI.create("http://127.0.0.1:" + raw(answer, true) + "/c"), TIMEOUT, false)
                        .status(),
                "the status alone does not read the body");
    }

    @Test
    void cutsALongBody() throws Exception {
        byte[] big = new byte[HttpGet.MAX_BODY + 100_000];
        java.util.Arrays.fill(big, (byte) 'x');
        URI url = serve("/big", 200, big);
        assertEquals(HttpGet.MAX_BODY, HttpGet.get(url, TIMEOUT, true).body().length());
    }

    @Test
    void aServerThatIsNotHttpOrClosesOrSaysTooMuchGetsAClearError() throws Exception {
        int ssh = raw("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII), true);
        IOException notHttp = assertThrows(
                IOException.class, () -> HttpGet.get(URI.create("http://127.0.0.1:" + ssh + "/x"), TIMEOUT, false));
        assertEquals(
                "GET http://127.0.0.1:" + ssh + "/x: not an HTTP answer: 'SSH-2.0-OpenSSH_9.2'", notHttp.getMessage());
        assertEquals("GET /x HTTP/1.1", requests.poll(10, TimeUnit.SECONDS), "1.1: some servers refuse 1.0");

        int silent = raw(null, true);
        IOException closed = assertThrows(
                IOException.class, () -> HttpGet.get(URI.create("http://127.0.0.1:" + silent + "/"), TIMEOUT, false));
        assertTrue(closed.getMessage().contains("closed the connection without answering"), closed.getMessage());

        byte[] endless = ("HTTP/1.1 200 OK\r\nX-Pad: " + "a".repeat(HttpGet.MAX_HEAD) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int chatty = raw(endless, true);
        IOException tooLong = assertThrows(
                IOException.class, () -> HttpGet.get(URI.create("http://127.0.0.1:" + chatty + "/"), TIMEOUT, false));
        assertTrue(tooLong.getMessage().contains("head is over " + HttpGet.MAX_HEAD + " bytes"), tooLong.getMessage());
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndAClosedPortRefuses() throws Exception {
        int mute = raw(null, false);
        SocketTimeoutException timeout = assertThrows(
                SocketTimeoutException.class,
                () -> HttpGet.get(URI.create("http://127.0.0.1:" + mute + "/"), Duration.ofMillis(300), false));
        assertEquals("GET http://127.0.0.1:" + mute + "/: no answer within 300 ms", timeout.getMessage());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int port = closedPort;
        assertThrows(
                ConnectException.class,
                () -> HttpGet.get(URI.create("http://127.0.0.1:" + port + "/"), TIMEOUT, false));
    }

    @Test
    void takesOnlyPlainHttpUrlsWithAHost() {
        assertTrue(HttpGet.handles(URI.create("http://localhost/")));
        assertTrue(!HttpGet.handles(URI.create("https://localhost/")));
        assertTrue(!HttpGet.handles(URI.create("file:///etc/passwd")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> HttpGet.get(URI.create("https://localhost/"), TIMEOUT, false));
        assertEquals("'https://localhost/' is not an http URL with a host", e.getMessage());
    }
}
