package io.hastack.resources.check;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GET of a plain {@code http} URL, done on the calling thread: one connection, an HTTP/1.0
 * request (so the answer comes neither chunked nor kept alive), the status line, the headers, and
 * if asked for, the body up to {@value #MAX_BODY} bytes. Monitors check a service every second or
 * few: the JDK's {@code HttpClient} hands each request between threads of its own (its selector and
 * its executor), which woke an idle node ~18 times a second for one check a second; this wakes
 * none. Redirects are not followed (a redirect is an answer). {@code https} is not its job: the
 * checks use {@code HttpClient} for it.
 */
public final class HttpGet {
    /** The most bytes of status line and headers read. */
    public static final int MAX_HEAD = 16 * 1024;

    /** The most bytes of body read; a longer body is cut there. */
    public static final int MAX_BODY = 1024 * 1024;

    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)");

    private HttpGet() {}

    /**
     * What the server answered.
     *
     * @param status the status code
     * @param body the body in the charset its {@code Content-Type} names (UTF-8 if none), cut at
     *     {@link #MAX_BODY} bytes; empty if it was not asked for
     */
    public record Answer(int status, String body) {}

    /** Whether {@code url} is one this class gets: {@code http}, with a host. */
    public static boolean handles(URI url) {
        return "http".equalsIgnoreCase(url.getScheme())
                && url.getHost() != null
                && !url.getHost().isEmpty();
    }

    /**
     * GETs {@code url}, all within {@code timeout}.
     *
     * @param readBody whether to read the body too
     * @throws IOException naming the URL (without its query) and what went wrong: no answer in time,
     *     not an HTTP answer, a head over {@link #MAX_HEAD} bytes; or, as the JDK reports them, a
     *     refused connection or an unknown host (the time a name takes to resolve is not counted)
     * @throws IllegalArgumentException if {@code url} is not an {@code http} URL with a host
     */
    public static Answer get(URI url, Duration timeout, boolean readBody) throws IOException {
        if (!handles(url)) {
            throw new IllegalArgumentException("'" + url + "' is not an http URL with a host");
        }
        URI ascii = URI.create(url.toASCIIString()); // a path or query outside ASCII, %-encoded as UTF-8
        String host = ascii.getHost();
        String authority = host + (ascii.getPort() < 0 ? "" : ":" + ascii.getPort()); // no user or password
        String shown = "http://" + authority + (ascii.getRawPath() == null ? "" : ascii.getRawPath());
        long deadline = System.nanoTime() + timeout.toNanos();
        String address = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = ascii.getPort() < 0 ? 80 : ascii.getPort();
        String target = (ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath())
                + (ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), remainingMillis(deadline, shown));
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.0\r\nHost: " + authority
                            + "\r\nUser-Agent: ha-stack\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(socket, in, deadline, shown);
            int status = status(head, shown);
            if (!readBody) {
                return new Answer(status, "");
            }
            long length = contentLength(head).orElse((long) MAX_BODY);
            return new Answer(
                    status, readBody(socket, in, (int) Math.min(length, MAX_BODY), charset(head), deadline, shown));
        } catch (SocketTimeoutException e) {
            SocketTimeoutException late =
                    new SocketTimeoutException("GET " + shown + ": no answer within " + timeout.toMillis() + " ms");
            late.initCause(e);
            throw late;
        }
    }

    private static int remainingMillis(long deadline, String shown) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("GET " + shown + ": out of time");
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    /** The status line and headers, up to the blank line that ends them. */
    private static String readHead(Socket socket, InputStream in, long deadline, String shown) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int lineLength = 0;
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline, shown));
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    throw new IOException("GET " + shown + ": the server closed the connection without answering");
                }
                return head.toString(StandardCharsets.ISO_8859_1); // no body
            }
            if (head.size() >= MAX_HEAD) {
                throw new IOException("GET " + shown + ": the answer's head is over " + MAX_HEAD + " bytes");
            }
            head.write(b);
            if (b == '\n') {
                if (lineLength == 0) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
    }

    /** The status code of the head's first line, {@code HTTP/1.x NNN ...}. */
    private static int status(String head, String shown) throws IOException {
        int end = head.indexOf('\n');
        String line = (end < 0 ? head : head.substring(0, end)).strip();
        if (line.length() >= 12
                && line.startsWith("HTTP/1.")
                && line.charAt(8) == ' '
                && Character.isDigit(line.charAt(9))
                && Character.isDigit(line.charAt(10))
                && Character.isDigit(line.charAt(11))
                && (line.length() == 12 || line.charAt(12) == ' ')) {
            int status = Integer.parseInt(line.substring(9, 12));
            if (status >= 100) {
                return status;
            }
        }
        String quoted = line.length() > 80 ? line.substring(0, 80) + "…" : line;
        throw new IOException("GET " + shown + ": not an HTTP answer: '" + quoted + "'");
    }

    /** The {@code Content-Length} header's value, if there is one and it is a number. */
    private static Optional<Long> contentLength(String head) {
        for (String line : head.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    long length = Long.parseLong(line.substring(colon + 1).trim());
                    return length < 0 ? Optional.empty() : Optional.of(length);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The charset the {@code Content-Type} header names, else UTF-8 (also for one this JVM lacks). */
    static Charset charset(String head) {
        for (String line : head.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-type")) {
                Matcher m = CHARSET.matcher(line.substring(colon + 1));
                if (m.find()) {
                    try {
                        return Charset.forName(m.group(1));
                    } catch (IllegalArgumentException e) { // illegal or unsupported: read as UTF-8
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String readBody(
            Socket socket, InputStream in, int most, Charset charset, long deadline, String shown) throws IOException {
        byte[] body = new byte[Math.min(most, 8192)];
        int n = 0;
        while (n < most) {
            if (n == body.length) {
                body = java.util.Arrays.copyOf(body, Math.min(most, body.length * 2));
            }
            socket.setSoTimeout(remainingMillis(deadline, shown));
            int read = in.read(body, n, body.length - n);
            if (read < 0) {
                break;
            }
            n += read;
        }
        return new String(body, 0, n, charset);
    }
}
