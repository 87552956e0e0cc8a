package io.hastack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class DurationsTest {
    @Test
    void anyDurationIsFormattedReadablyWithoutOverflow() {
        assertEquals("1 ns", Durations.format(Duration.ofNanos(1)));
        assertEquals("1.5 us", Durations.format(Duration.ofNanos(1500)));
        assertEquals("100 ms", Durations.format(Duration.ofMillis(100)));
        assertEquals("1.234 s", Durations.format(Duration.ofMillis(1234)));
        assertEquals("1.5 min", Durations.format(Duration.ofSeconds(90)));
        assertEquals("24 h", Durations.format(Duration.ofHours(24)));
        assertEquals("2 d", Durations.format(Duration.ofDays(2)));
        assertEquals("365 d", Durations.format(Duration.ofDays(365)));
        assertEquals(
                "300 years", Durations.format(ChronoUnit.YEARS.getDuration().multipliedBy(300)));
        assertEquals("292300000000 years", Durations.format(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertEquals("-292300000000 years", Durations.format(Duration.ofSeconds(Long.MIN_VALUE)));
        assertEquals("-1 s", Durations.format(Duration.ofSeconds(-1)));
        assertEquals("0 s", Durations.format(Duration.ZERO));
        assertEquals("null", Durations.format(null));
    }

    @Test
    void nanosSaturateInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, Durations.toNanosSaturated(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, Durations.toNanosSaturated(Duration.ofSeconds(Long.MIN_VALUE)));
        assertEquals(1_500_000_000L, Durations.toNanosSaturated(Duration.ofMillis(1500)));
        assertEquals(-1L, Durations.toNanosSaturated(Duration.ofNanos(-1)));
    }

    @Test
    void aRangeRefusesNamingTheFieldTheValueAndTheRange() {
        Durations.Range r = Durations.MONITOR_INTERVAL;
        assertEquals(
                "resource web: monitor interval 1 ns is below the minimum of 100 ms (allowed: 100 ms to 24 h)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> r.require("resource web: monitor interval", Duration.ofNanos(1)))
                        .getMessage());
        assertEquals(Duration.ofHours(24), r.require("x", Duration.ofHours(24)));
        assertEquals(Duration.ofMillis(100), r.clamp(Duration.ofNanos(1)));
        assertEquals(Duration.ofHours(24), r.clamp(Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(r.contains(Duration.ofSeconds(10)));
        assertEquals(Duration.ZERO, Durations.FAILURE_TIMEOUT.requireZeroOrWithin("failure-timeout", Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Durations.Range(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
