package io.hastack.core.runtime;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Notices that this process stalled (GC pause, SIGSTOP, an overloaded machine): a thread ticks every
 * {@code tick} on the monotonic clock, and a gap between ticks longer than {@code bound} is reported.
 * Any thread can also ask {@link #stalledFor()} before acting, which covers the moment after a stall
 * before the detector thread has run again.
 */
final class PauseDetector {
    private static final Duration MIN_TICK = Duration.ofMillis(100);
    private final Duration bound;
    private final Duration tick;
    private final LongSupplier nanoClock;
    private final LongConsumer onPause;
    private final Thread thread;
    private volatile long lastTick;
    private volatile boolean running = true;

    PauseDetector(String name, Duration bound, Duration tick, LongSupplier nanoClock, LongConsumer onPause) {
        this.bound = bound;
        this.tick = tick;
        this.nanoClock = nanoClock;
        this.onPause = onPause;
        this.lastTick = nanoClock.getAsLong();
        this.thread = new Thread(this::run, "ha-pause-detector-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * How often the detector ticks for {@code bound}: a tenth of it, at least 100 ms. A stall is
     * seen as up to one tick longer than it was, so stalls from 0.9 of the bound on may count as
     * too long (on the safe side: the node stops its resources), and an idle node wakes 3 times a
     * second instead of 10 with the TCP preset's 3 s.
     */
    static Duration tickFor(Duration bound) {
        Duration tenth = bound.dividedBy(10);
        return tenth.compareTo(MIN_TICK) < 0 ? MIN_TICK : tenth;
    }

    void start() {
        thread.start();
    }

    /** The safe bound: a longer stall means peers may have declared this node dead. */
    Duration bound() {
        return bound;
    }

    /** How long since the detector last ticked; more than {@link #bound()} means this node stalled. */
    Duration stalledFor() {
        return Duration.ofNanos(Math.max(0, nanoClock.getAsLong() - lastTick));
    }

    /** True if the detector ticked within the bound, i.e. it is safe to act now. */
    boolean fresh() {
        return stalledFor().compareTo(bound) <= 0;
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(tick.toNanos());
            long now = nanoClock.getAsLong();
            long gap = now - lastTick;
            lastTick = now;
            if (running && gap > bound.toNanos()) {
                onPause.accept(gap);
            }
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
