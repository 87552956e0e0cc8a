package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MachineLoadTest {
    @Test
    void idleAndIowaitAreNotBusy() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        MachineLoad.Ticks t = MachineLoad.parse("cpu  100 5 20 800 50 3 2 1 0 0");
        assertEquals(131, t.busy());
        assertEquals(981, t.total());
        MachineLoad.Ticks later = MachineLoad.parse("cpu  150 5 30 840 50 3 2 1 0 0");
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

    @Test
    void waitsForOneWholeWindowAndStopsAtItsTimeout() {
        Prerequisites.require(MachineLoad.read().isPresent(), "/proc/stat (Linux)");
        MachineLoad.Settle any = MachineLoad.awaitQuiet(1.0, Duration.ofMillis(300), Duration.ofSeconds(30));
        assertTrue(any.settled(), any.toString());
        assertTrue(any.waitedMillis() >= 300, any.toString());
        assertTrue(any.busy() >= 0 && any.busy() <= 1, any.toString());

        MachineLoad.Settle never = MachineLoad.awaitQuiet(-1, Duration.ofMillis(200), Duration.ofMillis(500));
        assertFalse(never.settled(), never.toString());
        assertTrue(never.waitedMillis() >= 500, never.toString());
        assertTrue(never.busy() >= 0, "a whole window was measured: " + never);
    }
}
