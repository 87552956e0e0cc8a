package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PauseDetectorTest {

    @Test
    void ticksATenthOfTheBoundButNoMoreOftenThanEvery100Ms() {
        assertEquals(Duration.ofMillis(300), PauseDetector.tickFor(Duration.ofSeconds(3)));
        assertEquals(Duration.ofMillis(120), PauseDetector.tickFor(Duration.ofMillis(1200)));
        assertEquals(Duration.ofMillis(100), PauseDetector.tickFor(Duration.ofMillis(500)));
    }

    /** The clock jumps past the bound between two ticks: the next tick reports the gap, and until
     * then any thread that asks learns that the node stalled. */
    @Test
    void reportsAGapLongerThanTheBoundAndIsNotFreshUntilItTicksAgain() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        BlockingQueue<Long> gaps = new LinkedBlockingQueue<>();
        Duration bound = Duration.ofSeconds(3);
        PauseDetector detector = new PauseDetector("test", bound, Duration.ofMillis(100), clock::get, gaps::add);
        assertTrue(detector.fresh(), "fresh when nothing happened");
        clock.addAndGet(bound.minusMillis(1).toNanos());
        assertTrue(detector.fresh(), "a gap just within the bound is no stall");
        clock.addAndGet(Duration.ofMillis(2).toNanos());
        assertFalse(detector.fresh(), "a gap beyond the bound is a stall");
        assertEquals(bound.plusMillis(1), detector.stalledFor());
        detector.start();
        try {
            Long gap = gaps.poll(30, TimeUnit.SECONDS);
            assertNotNull(gap, "the stall was reported");
            assertEquals(bound.plusMillis(1).toNanos(), gap.longValue());
            assertTrue(detector.fresh(), "fresh again after the tick that reported it");
        } finally {
            detector.stop();
        }
    }
}
