package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MachineLoadTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);

    @Test
    void idleIowaitAndGuestTimeAreNotCountedAsBusyTwice() {
        // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
        MachineLoad.Ticks t = MachineLoad.parse("cpu  100 5 20 800 50 3 2 1 40 7");
        assertEquals(131, t.busy());
        assertEquals(981, t.total());
        MachineLoad.Ticks later = MachineLoad.parse("cpu  150 5 30 840 50 3 2 1 90 7");
        assertEquals(0.6, later.busySince(t), 1e-9);
        assertEquals(0, t.busySince(t));
    }

    @Test
    void aLineThatIsNotTheAggregateCpuLineIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MachineLoad.parse("cpu0 1 2 3 4 5"));
        assertTrue(e.getMessage().contains("cpu0 1 2 3 4 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MachineLoad.parse("cpu 1 2"));
    }

    /** Readings whose successive windows are the given busy shares (of 1000 ticks each), one window a second. */
    private static MachineLoad.Settle scripted(double maxBusy, Duration timeout, double... busy) {
        Deque<Optional<MachineLoad.Ticks>> readings = new ArrayDeque<>();
        long b = 0;
        long total = 0;
        readings.add(Optional.of(new MachineLoad.Ticks(b, total)));
        for (double share : busy) {
            b += Math.round(share * 1000);
            total += 1000;
            readings.add(Optional.of(new MachineLoad.Ticks(b, total)));
        }
        AtomicLong clock = new AtomicLong();
        return MachineLoad.awaitQuiet(
                maxBusy,
                WINDOW,
                timeout,
                () -> readings.isEmpty() ? Optional.empty() : readings.poll(),
                clock::get,
                clock::addAndGet);
    }

    @Test
    void settlesAtTheFirstWindowBelowTheLimitNotBefore() {
        MachineLoad.Settle s = scripted(0.35, Duration.ofSeconds(30), 0.9, 0.7, 0.5, 0.3, 0.1);
        assertTrue(s.settled(), s.toString());
        assertEquals(4000, s.waitedMillis(), "after the fourth window: " + s);
        assertEquals(0.3, s.busy(), 1e-9);
    }

    @Test
    void aSteadyLevelAboveTheLimitSettlesAfterThreeWindowsWithinThePlateau() {
        MachineLoad.Settle s = scripted(0.35, Duration.ofSeconds(30), 0.9, 0.6, 0.45, 0.43, 0.44, 0.2);
        assertTrue(s.settled(), s.toString());
        assertEquals(5000, s.waitedMillis(), "0.45, 0.43, 0.44 are one level: " + s);
        MachineLoad.Settle falling = scripted(0.1, Duration.ofSeconds(30), 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.44, 0.46);
        assertEquals(8000, falling.waitedMillis(), "still falling until 0.45, 0.44, 0.46: " + falling);
    }

    @Test
    void stopsAtItsTimeoutAndWithoutReadingsDoesNotWait() {
        MachineLoad.Settle busy = scripted(0.35, Duration.ofSeconds(3), 0.9, 0.5, 0.8, 0.4, 0.7, 0.1);
        assertFalse(busy.settled(), busy.toString());
        assertEquals(3000, busy.waitedMillis());
        assertEquals(0.8, busy.busy(), 1e-9);

        MachineLoad.Settle unreadable = scripted(0.35, Duration.ofSeconds(3));
        assertFalse(unreadable.measured(), unreadable.toString());
        MachineLoad.Settle none =
                MachineLoad.awaitQuiet(0.35, WINDOW, Duration.ofSeconds(3), Optional::empty, () -> 0, n -> {});
        assertEquals(new MachineLoad.Settle(false, 0, -1), none);
    }

    @Test
    void readsThisMachinesLoad() {
        Prerequisites.require(MachineLoad.read().isPresent(), "/proc/stat (Linux)");
        MachineLoad.Settle s = MachineLoad.awaitQuiet(1.0, Duration.ofMillis(200), Duration.ofSeconds(5));
        assertTrue(s.settled() && s.measured(), s.toString());
        assertTrue(s.waitedMillis() >= 200, s.toString());
        assertTrue(s.busy() >= 0 && s.busy() <= 1, s.toString());
    }
}
