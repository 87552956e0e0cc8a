package io.hastack.core.watchdog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the {@link Watchdog} process for this JVM and tells it the node's membership lease. The
 * watchdog is told a little less than the lease ({@code guard}), so that it kills the node's
 * processes before the others may start them. Thread-safe.
 */
public final class NodeWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeWatchdog.class);

    private final Process process;
    private final OutputStream in;
    private final Duration guard;
    private final String name;
    /** The watchdog is gone, or this side closed it: nothing more is written to it. */
    private boolean broken;

    private String last = "";
    /** The lease end the last "lease" line told, in the node's monotonic nanos; valid while {@code last} is one. */
    private long lastUntil;

    private long linesWritten;
    private final AtomicLong kills = new AtomicLong();
    /** The {@link #caughtUp()} calls whose {@code ping} is not answered yet, oldest first. */
    private final Queue<CompletableFuture<Void>> pings = new ConcurrentLinkedQueue<>();

    /** How long {@link #caughtUp()} waits for the watchdog's answer at most. */
    static final long CATCH_UP_MS = 200;

    private NodeWatchdog(String name, Process process, Duration guard) {
        this.name = name;
        this.process = process;
        this.in = process.getOutputStream();
        this.guard = guard;
    }

    /**
     * Starts a watchdog for this JVM, with the same Java, a small heap and its output in this JVM's
     * standard error.
     *
     * @param name the node, for the log
     * @param guard how much earlier than the lease's end the watchdog kills
     * @throws UncheckedIOException if the process cannot be started
     */
    public static NodeWatchdog start(String name, Duration guard) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes;
        try {
            classes = Path.of(Watchdog.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find where the watchdog's class is: " + e.getMessage(), e);
        }
        List<String> command = List.of(
                java.toString(),
                "-Xmx16m",
                "-Xss256k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", // no hsperfdata file and no sampler thread waking 20 times a second
                "-cp",
                classes,
                Watchdog.class.getName(),
                Long.toString(ProcessHandle.current().pid()));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            LOG.info("{}: node watchdog started (pid {})", name, p.pid());
            NodeWatchdog watchdog = new NodeWatchdog(name, p, guard);
            Thread reader = new Thread(watchdog::readReports, "ha-watchdog-reports-" + name);
            reader.setDaemon(true);
            reader.start();
            return watchdog;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the node watchdog " + command + ": " + e.getMessage(), e);
        }
    }

    /**
     * How many times the watchdog has told this node that it is killing the node's processes
     * (because the lease it was told ran out), as read so far by the thread that reads its reports.
     */
    public long killsReported() {
        return kills.get();
    }

    /**
     * Completes once every report the watchdog wrote before it read this call's {@code ping} is
     * counted in {@link #killsReported()}: the watchdog answers {@code pong} on the same output, after
     * them. At once if the watchdog is gone; after {@value #CATCH_UP_MS} ms at most.
     */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp(CATCH_UP_MS);
    }

    /** As {@link #caughtUp()}, waiting at most {@code timeoutMs}. */
    synchronized CompletableFuture<Void> caughtUp(long timeoutMs) {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        if (broken) {
            answered.complete(null);
            return answered;
        }
        pings.add(answered); // before the write: the answer may come at once
        try {
            in.write("ping\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            broken = true; // gone: nothing will answer, now or later
            answered.complete(null);
            return answered;
        }
        return answered.completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Reads the watchdog's reports as they come, so that its output never fills up. */
    private void readReports() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("pong")) {
                    CompletableFuture<Void> answered = pings.poll();
                    if (answered != null) {
                        answered.complete(null);
                    }
                } else if (line.startsWith("killing ")) {
                    kills.incrementAndGet();
                    LOG.warn(
                            "{}: the node watchdog killed this node's processes ({}): the lease it was told ran out"
                                    + " or lapsed",
                            name,
                            line.substring("killing ".length()));
                } else {
                    LOG.info("{}: the node watchdog said: {}", name, line);
                }
            }
        } catch (IOException e) {
            LOG.debug("{}: reading the watchdog's reports: {}", name, e.getMessage());
        }
        CompletableFuture<Void> unanswered;
        while ((unanswered = pings.poll()) != null) {
            unanswered.complete(null); // the watchdog is gone: nothing more will be reported
        }
    }

    /** How many lease lines this node has written to the watchdog (tests). */
    synchronized long linesWritten() {
        return linesWritten;
    }

    /** The watchdog's process id. */
    public long pid() {
        return process.pid();
    }

    /**
     * The lease now holds until {@code until} (monotonic nanos, as {@code now}), or not at all (empty).
     */
    public synchronized void leaseUntil(OptionalLong until, long now) {
        if (until.isPresent()
                && until.getAsLong() != Long.MAX_VALUE
                && until.getAsLong() == lastUntil
                && last.startsWith("lease ")) {
            // The same end again (every answer to a round re-checks the lease): the watchdog has it
            // already, and a line it need not read wakes it for nothing. A lease without end is told
            // each time: the watchdog reads it as a day from its receipt, so it must hear it again.
            return;
        }
        String line;
        if (until.isEmpty()) {
            line = "none";
        } else if (until.getAsLong() == Long.MAX_VALUE) {
            line = "lease 86400000";
        } else {
            long millis = Duration.ofNanos(until.getAsLong() - now).minus(guard).toMillis();
            line = millis <= 0 ? "none" : "lease " + millis;
        }
        if (broken || (line.equals("none") && last.equals("none"))) {
            return;
        }
        last = line;
        lastUntil = until.orElse(0);
        linesWritten++;
        try {
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            broken = true;
            LOG.error(
                    "{}: the node watchdog (pid {}) is gone ({}); a frozen node's processes are no longer killed in"
                            + " time",
                    name,
                    process.pid(),
                    e.getMessage());
        }
    }

    /** Ends the watchdog cleanly: it exits without killing anything (the node has stopped its resources). */
    @Override
    public synchronized void close() {
        try {
            in.write("exit\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            in.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the watchdog's input: {}", name, e.getMessage());
        }
        // Nothing is written after the close: the stopping node's last lease line (its event loop
        // may still run) is no sign of a lost watchdog and must not be logged as one.
        broken = true;
        try {
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
