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
 * A GET of a plain {@code http} URL, done on the calling thread: one connection, an HTTP/1.1
 * request that asks the server to close it after the answer, the status line, the headers, and if
 * asked for, the body (by its {@code Content-Length}, in chunks, or to the connection's end) up to
 * {@value #MAX_BODY} bytes. HTTP/1.1 and not 1.0, which would spare the chunks: some servers refuse
 * 1.0 (H2's web console answers it 400). Monitors check a service every second or
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
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + authority
                            + "\r\nUser-Agent: ha-stack\r\nAccept: */*\r\nAccept-Encoding: identity"
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head;
            int status;
            do { // an interim answer (100 Continue, 103 Early Hints) comes before the final one
                head = readHead(socket, in, deadline, shown);
                status = status(head, shown);
            } while (status >= 100 && status < 200 && status != 101);
            if (status == 101) {
                throw new IOException(
                        "GET " + shown + ": the server switched protocols (101), which was not asked for");
            }
            if (!readBody || status == 204 || status == 304) { // 204 and 304 never have a body
                return new Answer(status, "");
            }
            Reader reader = new Reader(socket, in, deadline, shown);
            byte[] body = chunked(head, shown)
                    ? reader.chunks()
                    : reader.bytes((int) Math.min(contentLength(head).orElse((long) MAX_BODY), MAX_BODY));
            return new Answer(status, new String(body, charset(head)));
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

    /** The value of the head's first header called {@code name} (lower case), trimmed. */
    private static Optional<String> header(String head, String name) {
        for (String line : head.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the body comes in chunks: its {@code Transfer-Encoding} is {@code chunked}.
     *
     * @throws IOException for any other transfer coding (none was asked for)
     */
    private static boolean chunked(String head, String shown) throws IOException {
        Optional<String> codings = header(head, "transfer-encoding");
        if (codings.isEmpty()) {
            return false;
        }
        String value = codings.get().toLowerCase(Locale.ROOT);
        if (!value.strip().equals("chunked")) {
            throw new IOException("GET " + shown + ": a transfer coding this check does not read: '"
                    + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
        }
        return true;
    }

    /** The {@code Content-Length} header's value, if there is one and it is a number. */
    private static Optional<Long> contentLength(String head) {
        return header(head, "content-length").flatMap(v -> {
            try {
                long length = Long.parseLong(v);
                return length < 0 ? Optional.empty() : Optional.of(length);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The charset the {@code Content-Type} header names, else UTF-8 (also for one this JVM lacks). */
    static Charset charset(String head) {
        Optional<Matcher> named =
                header(head, "content-type").map(CHARSET::matcher).filter(Matcher::find);
        if (named.isEmpty()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(named.get().group(1));
        } catch (IllegalArgumentException e) { // illegal or unsupported: read as UTF-8
            return StandardCharsets.UTF_8;
        }
    }

    /** Reads a body within the deadline. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final String shown;

        Reader(Socket socket, InputStream in, long deadline, String shown) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
            this.shown = shown;
        }

        /** Up to {@code most} bytes, fewer if the connection ends first. */
        byte[] bytes(int most) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(most, 8192));
            copy(body, most);
            return body.toByteArray();
        }

        /**
         * A chunked body, up to {@link #MAX_BODY} bytes: each chunk's size in hexadecimal on a line
         * of its own (extensions after a ';' ignored), the chunk, a line end; a size of 0 ends it.
         */
        byte[] chunks() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
            while (body.size() < MAX_BODY) {
                String line = line();
                if (line == null) {
                    break; // the connection ended: what came so far
                }
                int semicolon = line.indexOf(';');
                String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    String quoted = hex.length() > 40 ? hex.substring(0, 40) + "…" : hex;
                    throw new IOException("GET " + shown + ": a chunk's size is not hexadecimal: '" + quoted + "'", e);
                }
                if (size < 0) {
                    throw new IOException("GET " + shown + ": a chunk's size is negative: '" + hex + "'");
                }
                if (size == 0) {
                    break;
                }
                int want = (int) Math.min(size, MAX_BODY - body.size());
                if (copy(body, want) < want || want < size) {
                    break; // the connection ended, or the body is cut here
                }
                line(); // the line end after the chunk
            }
            return body.toByteArray();
        }

        /** Copies up to {@code most} bytes to {@code to}; how many came before the connection ended. */
        private int copy(ByteArrayOutputStream to, int most) throws IOException {
            byte[] buffer = new byte[Math.min(Math.max(most, 1), 8192)];
            int copied = 0;
            while (copied < most) {
                socket.setSoTimeout(remainingMillis(deadline, shown));
                int read = in.read(buffer, 0, Math.min(buffer.length, most - copied));
                if (read < 0) {
                    break;
                }
                to.write(buffer, 0, read);
                copied += read;
            }
            return copied;
        }

        /** A line without its end, at most 1 KiB; null if the connection ended before it began. */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline, shown));
                int b = in.read();
                if (b < 0) {
                    return line.length() == 0 ? null : line.toString();
                }
                if (b == '\n') {
                    return line.toString();
                }
                if (b != '\r') {
                    if (line.length() >= 1024) {
                        throw new IOException("GET " + shown + ": a chunk's size line is over 1024 bytes");
                    }
                    line.append((char) b);
                }
            }
        }
    }
}
