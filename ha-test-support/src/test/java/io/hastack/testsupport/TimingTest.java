package io.hastack.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TimingTest {
    @Test
    void theFactorScalesWaitsAndABadOneIsNamed() {
        String before = System.getProperty(Timing.FACTOR);
        try {
            System.setProperty(Timing.FACTOR, "2.5");
            assertEquals(Duration.ofSeconds(25), Timing.seconds(10));
            System.clearProperty(Timing.FACTOR);
            assertEquals(Duration.ofSeconds(10), Timing.seconds(10));
            System.setProperty(Timing.FACTOR, "0.1");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Timing::factor);
            assertTrue(e.getMessage().contains("hastack.timing.factor must be a number from 1 to 100, was '0.1'"));
        } finally {
            if (before == null) {
                System.clearProperty(Timing.FACTOR);
            } else {
                System.setProperty(Timing.FACTOR, before);
            }
        }
    }
}
