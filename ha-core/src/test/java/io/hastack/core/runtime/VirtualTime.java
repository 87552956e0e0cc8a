package io.hastack.core.runtime;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic, single-threaded scheduler on a virtual clock: tasks run only inside
 * {@link #runFor} or {@link #runUntilIdle}, in order of due time and then of submission, and the
 * clock jumps from one due time to the next. Nothing here waits for real time, so a simulated
 * minute takes milliseconds. Not thread-safe: everything runs on the caller's thread.
 */
final class VirtualTime extends AbstractExecutorService implements ScheduledExecutorService {
    private final Instant origin;
    private long nowNanos;
    private long sequence;
    private boolean shutdown;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            java.util.Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.seq));

    VirtualTime(Instant origin) {
        this.origin = origin;
    }

    private final class Task implements ScheduledFuture<Object> {
        final long due;
        final long seq;
        final Runnable body;
        boolean cancelled;
        boolean done;

        Task(long due, Runnable body) {
            this.due = due;
            this.seq = sequence++;
            this.body = body;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nowNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = !done;
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("get() would block a simulation");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("get() would block a simulation");
        }
    }

    /** The virtual monotonic clock, in nanoseconds since the harness began. */
    long nanoTime() {
        return nowNanos;
    }

    /** The virtual time now. */
    Instant now() {
        return origin.plusNanos(nowNanos);
    }

    /** A clock that reads the virtual time. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    /** Runs every task due within {@code span} from now, advancing the clock; ends at now + span. */
    void runFor(Duration span) {
        long end = nowNanos + span.toNanos();
        while (!queue.isEmpty() && queue.peek().due <= end) {
            runNext();
        }
        nowNanos = end;
    }

    /** Runs tasks until none is left or {@code limit} of virtual time has passed; true if idle. */
    boolean runUntilIdle(Duration limit) {
        long end = nowNanos + limit.toNanos();
        while (!queue.isEmpty() && queue.peek().due <= end) {
            runNext();
        }
        return queue.isEmpty();
    }

    /** How many tasks are waiting to run. */
    int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    private void runNext() {
        Task t = queue.poll();
        nowNanos = Math.max(nowNanos, t.due);
        if (!t.cancelled) {
            t.done = true;
            t.body.run();
        }
    }

    @CanIgnoreReturnValue
    ScheduledFuture<?> at(long delayNanos, Runnable body) {
        Task t = new Task(nowNanos + Math.max(0, delayNanos), body);
        queue.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return at(unit.toNanos(delay), command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the runtime");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the runtime");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the runtime");
    }

    @Override
    public void execute(Runnable command) {
        at(0, command);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        queue.clear();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
