package io.hastack.core.watchdog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The watchdog's main loop waits on {@link Watchdog.State}; which of the node's lines wake it. */
class WatchdogStateTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(20);
    /** Far beyond any wait of these tests, however the timing factor scales them. */
    private static final long HOUR = Duration.ofHours(1).toNanos();

    /** Starts a thread that waits as the main loop does, until {@code deadline}, and returns once it waits. */
    private static Thread waiting(Watchdog.State state, long deadline) {
        Thread thread = new Thread(() -> {
            try {
                state.awaitChange(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.setDaemon(true);
        thread.start();
        await().atMost(WAIT).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        return thread;
    }

    @Test
    void aLeaseThatEndsSoonerWakesTheLoopALaterOneDoesNot() {
        Watchdog.State state = new Watchdog.State();
        long start = System.nanoTime();
        state.lease(start + HOUR);
        Thread loop = waiting(state, start + 2 * HOUR);

        state.lease(start + 2 * HOUR); // a renewal: the loop sees it when it wakes anyway
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .alias("the loop to sleep on through a later lease end")
                .until(() -> loop.getState() == Thread.State.TIMED_WAITING);

        state.lease(System.nanoTime() + Duration.ofMillis(10).toNanos());
        await().atMost(WAIT)
                .alias("a sooner lease end to wake the loop, which waited for an hour")
                .until(() -> loop.getState() == Thread.State.TERMINATED);
        await().atMost(WAIT).until(() -> state.expired(System.nanoTime()));
    }

    @Test
    void theFirstLeaseALapseAndTheEndOfInputWakeTheLoop() {
        Watchdog.State state = new Watchdog.State();
        long far = System.nanoTime() + 2 * HOUR;
        Thread first = waiting(state, far);
        state.lease(System.nanoTime() + HOUR);
        await().atMost(WAIT).alias("the first lease to wake the loop").until(() -> !first.isAlive());

        Thread lapse = waiting(state, far);
        state.none();
        await().atMost(WAIT).alias("a lapse to wake the loop").until(() -> !lapse.isAlive());
        assertTrue(state.expired(System.nanoTime()), "a lapse counts as the lease's end");
        assertFalse(state.expired(System.nanoTime()), "once");

        Thread end = waiting(state, far);
        state.end();
        await().atMost(WAIT)
                .alias("the end of the node's input to wake the loop")
                .until(() -> !end.isAlive());
        assertTrue(state.ended());
    }
}
