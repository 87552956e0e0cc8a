package io.hastack.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How busy this machine's processors are, from the first line of {@code /proc/stat}: a benchmark
 * trial waits until the start-up work of the JVMs it launched (class loading, JIT compilation) has
 * settled before it injects its fault, so that the fault strikes a steady state rather than a cluster
 * still warming up. Linux only; elsewhere {@link #read()} is empty and nothing waits.
 */
final class MachineLoad {
    private static final Path STAT = Path.of("/proc/stat");

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
     * @param settled true if the machine settled: a window at most the asked share busy, or three
     *     windows in a row within {@link #PLATEAU} of each other (the steady level of what runs)
     * @param waitedMillis how long the wait took
     * @param busy the busy share (0 to 1) of the last window, -1 if the load could not be read
     */
    record Settle(boolean settled, long waitedMillis, double busy) {
        /** True if the load could be read at all. */
        boolean measured() {
            return busy >= 0;
        }
    }

    /** Three windows whose busy shares differ by at most this are a steady level. */
    static final double PLATEAU = 0.03;

    /**
     * Parses the aggregate {@code cpu} line of {@code /proc/stat}: user, nice, system, idle, iowait,
     * irq, softirq and steal; guest and guest_nice are left out on purpose, as user and nice include
     * them already.
     */
    static Ticks parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: '" + cpuLine + "'");
        }
        long[] v = Arrays.stream(f, 1, Math.min(f.length, 9))
                .mapToLong(Long::parseLong)
                .toArray();
        long idle = v[3] + (v.length > 4 ? v[4] : 0); // idle and iowait are not busy
        long total = Arrays.stream(v).sum();
        return new Ticks(total - idle, total);
    }

    /** The machine's processor time now; empty where {@code /proc/stat} cannot be read. */
    static Optional<Ticks> read() {
        if (!Files.isReadable(STAT)) {
            return Optional.empty();
        }
        try (BufferedReader r = Files.newBufferedReader(STAT)) {
            String line = r.readLine();
            return line == null ? Optional.empty() : Optional.of(parse(line));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // a benchmark that cannot read the load does not wait for it
        }
    }

    /**
     * Waits, one whole {@code window} at a time, until the machine settles (see {@link Settle}) or
     * {@code timeout} has passed.
     */
    static Settle awaitQuiet(double maxBusy, Duration window, Duration timeout) {
        return awaitQuiet(maxBusy, window, timeout, MachineLoad::read, System::nanoTime, LockSupport::parkNanos);
    }

    /** As {@link #awaitQuiet(double, Duration, Duration)}, with its readings, clock and sleep given. */
    static Settle awaitQuiet(
            double maxBusy,
            Duration window,
            Duration timeout,
            Supplier<Optional<Ticks>> reader,
            LongSupplier nanoTime,
            LongConsumer sleep) {
        long start = nanoTime.getAsLong();
        Optional<Ticks> first = reader.get();
        if (first.isEmpty()) {
            return new Settle(false, 0, -1);
        }
        Ticks before = first.get();
        List<Double> windows = new ArrayList<>();
        while (true) {
            sleep.accept(window.toNanos());
            Optional<Ticks> now = reader.get();
            long waited = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - start);
            if (now.isEmpty()) {
                return new Settle(false, waited, -1);
            }
            double busy = now.get().busySince(before);
            before = now.get();
            windows.add(busy);
            if (busy <= maxBusy || plateau(windows)) {
                return new Settle(true, waited, busy);
            }
            if (waited >= timeout.toMillis()) {
                return new Settle(false, waited, busy);
            }
        }
    }

    /** True if the last three windows' busy shares are within {@link #PLATEAU} of each other. */
    private static boolean plateau(List<Double> windows) {
        if (windows.size() < 3) {
            return false;
        }
        List<Double> last = windows.subList(windows.size() - 3, windows.size());
        return Collections.max(last) - Collections.min(last) <= PLATEAU;
    }
}
