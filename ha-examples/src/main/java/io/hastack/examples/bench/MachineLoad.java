package io.hastack.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How busy this machine's processors are, from the first line of {@code /proc/stat}: a benchmark
 * trial waits until the start-up work of the JVMs it launched (class loading, JIT compilation) has
 * settled before it injects its fault, so that the fault strikes a steady state rather than a cluster
 * still warming up. Linux only; elsewhere {@link #read()} is empty and nothing waits.
 */
final class MachineLoad {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Duration SAMPLE = Duration.ofMillis(100);

    private MachineLoad() {}

    /** Cumulative processor time, busy and in total, in the kernel's clock ticks. */
    record Ticks(long busy, long total) {
        /** The busy share of the time from {@code earlier} to this, 0 to 1. */
        double busySince(Ticks earlier) {
            long total = this.total - earlier.total;
            return total <= 0 ? 0 : (double) (busy - earlier.busy) / total;
        }
    }

    /**
     * The outcome of a wait.
     *
     * @param settled true if the machine was at most the asked share busy over a whole window
     * @param waitedMillis how long the wait took
     * @param busy the busy share (0 to 1) of the last whole window measured, -1 if none was
     */
    record Settle(boolean settled, long waitedMillis, double busy) {}

    /** Parses the aggregate {@code cpu} line of {@code /proc/stat}. */
    static Ticks parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: '" + cpuLine + "'");
        }
        long[] v = Arrays.stream(f, 1, Math.min(f.length, 9))
                .mapToLong(Long::parseLong)
                .toArray();
        // user nice system idle iowait irq softirq steal: idle and iowait are not busy
        long idle = v[3] + (v.length > 4 ? v[4] : 0);
        long total = Arrays.stream(v).sum();
        return new Ticks(total - idle, total);
    }

    /** The machine's processor time now; empty where {@code /proc/stat} cannot be read. */
    static Optional<Ticks> read() {
        if (!Files.isReadable(STAT)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(STAT);
            return lines.isEmpty() ? Optional.empty() : Optional.of(parse(lines.get(0)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STAT, e);
        }
    }

    private static long[] second(Deque<long[]> samples) {
        return samples.stream().skip(1).findFirst().orElseThrow();
    }

    /**
     * Waits until the machine has been at most {@code maxBusy} (0 to 1) busy over a whole {@code
     * window}, or {@code timeout} has passed.
     */
    static Settle awaitQuiet(double maxBusy, Duration window, Duration timeout) {
        long start = System.nanoTime();
        Deque<long[]> samples = new ArrayDeque<>(); // {nanoTime, busy, total}
        double last = -1;
        while (true) {
            Optional<Ticks> now = read();
            long t = System.nanoTime();
            long waited = TimeUnit.NANOSECONDS.toMillis(t - start);
            if (now.isEmpty()) {
                return new Settle(false, waited, -1);
            }
            samples.addLast(new long[] {t, now.get().busy(), now.get().total()});
            // keep the newest sample that starts a whole window, and those after it
            while (samples.size() > 1 && t - second(samples)[0] >= window.toNanos()) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            if (t - first[0] >= window.toNanos()) {
                last = now.get().busySince(new Ticks(first[1], first[2]));
                if (last <= maxBusy) {
                    return new Settle(true, waited, last);
                }
            }
            if (t - start >= timeout.toNanos()) {
                return new Settle(false, waited, last);
            }
            LockSupport.parkNanos(SAMPLE.toNanos());
        }
    }
}
