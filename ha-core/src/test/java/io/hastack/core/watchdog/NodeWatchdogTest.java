package io.hastack.core.watchdog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real watchdog process, watching this test JVM: it kills this JVM's children when told to. */
@Tag("functional")
class NodeWatchdogTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(20);

    private static Process child() throws IOException {
        return new ProcessBuilder("sleep", "120").start();
    }

    @Test
    void killsTheNodesChildrenWhenTheLeaseRunsOutOrLapsesButNotOnACleanClose() throws Exception {
        NodeWatchdog watchdog = NodeWatchdog.start("test", Duration.ZERO);
        Process expired = child();
        Process lapsed = null;
        Process kept = null;
        try {
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMillis(300).toNanos()), System.nanoTime());
            await().atMost(WAIT)
                    .alias("the child to be killed when the lease ran out")
                    .until(() -> !expired.isAlive());
            // The report comes before the kill, and the answer to a ping after the report.
            watchdog.caughtUp(WAIT.toMillis()).get();
            assertEquals(1, watchdog.killsReported(), "the kill is reported");

            lapsed = child();
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMinutes(1).toNanos()), System.nanoTime());
            Process lapsedChild = lapsed;
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(lapsedChild::isAlive);
            watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            await().atMost(WAIT)
                    .alias("the child to be killed when the node said its lease lapsed")
                    .until(() -> !lapsedChild.isAlive());

            watchdog.caughtUp(WAIT.toMillis()).get();
            assertEquals(2, watchdog.killsReported(), "the kill at the lapse is reported");

            kept = child();
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMinutes(1).toNanos()), System.nanoTime());
            long pid = watchdog.pid();
            watchdog.close();
            long lines = watchdog.linesWritten();
            watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            assertEquals(lines, watchdog.linesWritten(), "a lease line after the close is not written (nor an error)");
            await().atMost(WAIT)
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertTrue(kept.isAlive(), "a clean close kills nothing");
        } finally {
            watchdog.close();
            for (Process p : new Process[] {expired, lapsed, kept}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
    }

    /**
     * Every answer of a lease round re-checks the lease and usually finds the same end: the
     * watchdog is told each end once (a line wakes it), each change, and each lapse; a lease
     * without end, which the watchdog reads as a day from its receipt, every time; the end it was
     * told once still kills the child when it comes.
     */
    @Test
    void tellsTheWatchdogEachLeaseEndOnceAndStillKillsWhenItComes() throws Exception {
        NodeWatchdog watchdog = NodeWatchdog.start("test", Duration.ZERO);
        Process child = child();
        try {
            long later = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            for (int i = 0; i < 3; i++) {
                watchdog.leaseUntil(OptionalLong.of(later), System.nanoTime());
            }
            assertEquals(1, watchdog.linesWritten(), "the same end three times is one line");
            watchdog.leaseUntil(OptionalLong.of(later + 1), System.nanoTime());
            assertEquals(2, watchdog.linesWritten(), "a later end is a new line");
            watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            assertEquals(3, watchdog.linesWritten(), "the lapse is one line");
            await().atMost(WAIT).alias("the child to be killed at the lapse").until(() -> !child.isAlive());
            watchdog.caughtUp(WAIT.toMillis()).get();

            watchdog.leaseUntil(OptionalLong.of(Long.MAX_VALUE), System.nanoTime());
            watchdog.leaseUntil(OptionalLong.of(Long.MAX_VALUE), System.nanoTime());
            assertEquals(5, watchdog.linesWritten(), "a lease without end (read as a day) is told every time");

            Process next = child();
            try {
                long soon = System.nanoTime() + Duration.ofMillis(300).toNanos();
                watchdog.leaseUntil(OptionalLong.of(soon), System.nanoTime());
                watchdog.leaseUntil(OptionalLong.of(soon), System.nanoTime());
                assertEquals(6, watchdog.linesWritten(), "a new end is told once");
                await().atMost(WAIT)
                        .alias("the child to be killed when the end told once comes")
                        .until(() -> !next.isAlive());
            } finally {
                next.destroyForcibly();
                next.waitFor();
            }
        } finally {
            watchdog.close();
            child.destroyForcibly();
            child.waitFor();
        }
    }

    /**
     * The node dies (SIGKILL) with a child that has no parent-death signal: the watchdog kills the
     * child it noted, though the child was started after the watchdog had settled into looking
     * only every {@link Watchdog#QUIET_MS} ms.
     */
    @Test
    void killsTheChildrenOfANodeThatDiedThoughTheyCameWhileItLookedRarely() throws Exception {
        // The child is noted by a look that walks because the child's creation moved the mark, not
        // by the backstop's walk, as long as Watchdog.BACKSTOP_MS comes after the spawn and the kill
        // (SETTLE_MS + 3 * QUIET_MS after the start, on a machine that is not too slow).
        try (StandIn node = new StandIn()) {
            node.awaitSettled();
            long child = node.send("spawn\n");
            // One quiet look (and a busy one after the change) later, the child is noted.
            await().during(Duration.ofMillis(2L * Watchdog.QUIET_MS))
                    .atMost(WAIT)
                    .until(() -> alive(child));
            node.process.destroyForcibly();
            node.process.waitFor();
            await().atMost(WAIT)
                    .alias("the dead node's child to be killed by the watchdog")
                    .until(() -> !alive(child));
            await().atMost(WAIT).alias("the watchdog to exit").until(() -> !alive(node.watchdog));
        }
    }

    /**
     * A child started while the watchdog looks only rarely, and the lease lapses at once: the
     * watchdog looks again before it kills, so the child it had not noted yet dies too.
     */
    @Test
    void looksAgainWhenTheLeaseEndsSoThatAChildItHadNotNotedYetDiesToo() throws Exception {
        try (StandIn node = new StandIn()) {
            node.awaitSettled();
            long child = node.send("spawn\nlapse\n");
            await().atMost(WAIT)
                    .alias("the child the watchdog had not noted yet to be killed at the lapse")
                    .until(() -> !alive(child));
            assertTrue(node.process.isAlive(), "the node itself is not killed");
        }
    }

    /** A {@link WatchedNode} JVM with its watchdog; closing kills it, its child and its watchdog. */
    private static final class StandIn implements AutoCloseable {
        final Process process;
        final long watchdog;
        private final BufferedReader out;
        private long child = -1;

        StandIn() throws IOException {
            process = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            WatchedNode.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            try {
                watchdog = pidAfter(out.readLine(), "watchdog ");
            } catch (IOException | RuntimeException | Error e) {
                process.destroyForcibly();
                throw e;
            }
        }

        /** Long enough for the watchdog to settle ({@link Watchdog#SETTLE_MS} without a change) and look rarely. */
        void awaitSettled() {
            await().during(Duration.ofMillis(Watchdog.SETTLE_MS + Watchdog.QUIET_MS))
                    .atMost(WAIT)
                    .until(process::isAlive);
        }

        /** Sends {@code lines} (the first one {@code spawn}); returns the child's pid. */
        long send(String lines) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(lines.getBytes(StandardCharsets.US_ASCII));
            in.flush();
            child = pidAfter(out.readLine(), "child ");
            return child;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            for (long pid : new long[] {child, watchdog}) {
                if (pid > 0) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    private static long pidAfter(String line, String prefix) {
        if (line == null || !line.startsWith(prefix)) {
            throw new AssertionError("expected '" + prefix + "PID' from the stand-in node, got " + line);
        }
        return Long.parseLong(line.substring(prefix.length()));
    }

    /** Running: exists and is not a zombie (an orphan is reaped by whatever adopted it, maybe never). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
