package io.hastack.core.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Validation of durations in configuration builders: the allowed range of each configured duration,
 * and a readable rendering of any duration (never an overflow) for the messages that refuse one.
 *
 * <p>Every configured duration is bounded, so that nothing computed from it ({@code toNanos()}, an
 * {@code Instant} plus it, a timer) can overflow, and no call or wait can last practically forever.
 * {@code docs/configuration.md} lists the ranges.
 */
public final class Durations {
    private static final java.util.regex.Pattern TEXT =
            java.util.regex.Pattern.compile("(-?\\d{1,12})\\s*(ms|s|m|h|d)");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final MathContext FOUR_DIGITS = new MathContext(4);

    /**
     * Units from the largest down, each with the nanoseconds it holds and the least it is used for
     * (days from 2 days on, so that 24 h reads as such).
     */
    private static final Unit[] UNITS = {
        new Unit("years", ChronoUnit.YEARS.getDuration(), 1),
        new Unit("d", Duration.ofDays(1), 2),
        new Unit("h", Duration.ofHours(1), 1),
        new Unit("min", Duration.ofMinutes(1), 1),
        new Unit("s", Duration.ofSeconds(1), 1),
        new Unit("ms", Duration.ofMillis(1), 1),
        new Unit("us", Duration.ofNanos(1000), 1),
        new Unit("ns", Duration.ofNanos(1), 1),
    };

    private record Unit(String name, BigDecimal nanos, BigDecimal from) {
        Unit(String name, Duration size, long from) {
            this(name, nanosOf(size), nanosOf(size).multiply(BigDecimal.valueOf(from)));
        }
    }

    /** Timeout of a start, stop, monitor or validate call: 100 ms to 24 h. */
    public static final Range OPERATION_TIMEOUT = new Range(Duration.ofMillis(100), Duration.ofHours(24));
    /** Interval of the recurring monitor: 100 ms to 24 h. */
    public static final Range MONITOR_INTERVAL = new Range(Duration.ofMillis(100), Duration.ofHours(24));
    /** Failure timeout (of the cluster or one resource), when not zero (never): 1 s to 365 days. */
    public static final Range FAILURE_TIMEOUT = new Range(Duration.ofSeconds(1), Duration.ofDays(365));
    /** Window of corosync's {@code last_man_standing}: 1 s to 1 h (corosync's default is 10 s). */
    public static final Range LAST_MAN_STANDING_WINDOW = new Range(Duration.ofSeconds(1), Duration.ofHours(1));
    /** How long a node's close waits for the hand-over: 1 s to 24 h. */
    public static final Range SHUTDOWN_TIMEOUT = new Range(Duration.ofSeconds(1), Duration.ofHours(24));
    /** How long a fence attempt may take: 1 s to 1 h (Pacemaker's stonith-timeout defaults to 60 s). */
    public static final Range FENCE_TIMEOUT = new Range(Duration.ofSeconds(1), Duration.ofHours(1));
    /**
     * The pause bound, which is also the membership lease time: 500 ms (the pause detector ticks
     * every 100 ms) to 5 min (another node waits about that long before it takes over).
     */
    public static final Range PAUSE_BOUND = new Range(Duration.ofMillis(500), Duration.ofMinutes(5));
    /** Lifetime of an operator's move or ban: 1 s to 365 days. */
    public static final Range MOVE_LIFETIME = new Range(Duration.ofSeconds(1), Duration.ofDays(365));

    private Durations() {}

    /**
     * Returns {@code value} if it is positive.
     *
     * @param what names the field in the message, e.g. {@code "resource web: start timeout"}
     * @throws IllegalArgumentException saying which field is wrong and what it was
     */
    public static Duration requirePositive(String what, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + format(value));
        }
        return value;
    }

    /**
     * {@code value} for people: a number of at most four significant digits and the largest unit
     * that keeps it at least 1, days only from 2 on ({@code 1 ns}, {@code 1.5 s}, {@code 24 h},
     * {@code 365 d}, {@code 300 years}, with a year of 365.2425 days). Any duration, {@code Duration.ofSeconds(Long.MAX_VALUE)} included;
     * {@code "null"} for null.
     */
    public static String format(Duration value) {
        if (value == null) {
            return "null";
        }
        if (value.isZero()) {
            return "0 s";
        }
        BigDecimal nanos = nanosOf(value);
        BigDecimal size = nanos.abs();
        // Not zero, so at least 1 ns: the last unit always fits.
        Unit unit = UNITS[UNITS.length - 1];
        for (Unit u : UNITS) {
            if (size.compareTo(u.from()) >= 0) {
                unit = u;
                break;
            }
        }
        return nanos.divide(unit.nanos(), FOUR_DIGITS).stripTrailingZeros().toPlainString() + " " + unit.name();
    }

    /** {@code value} in nanoseconds, saturated at {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE}. */
    public static long toNanosSaturated(Duration value) {
        BigDecimal nanos = nanosOf(value);
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0) {
            return Long.MAX_VALUE;
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) <= 0) {
            return Long.MIN_VALUE;
        }
        return nanos.longValueExact();
    }

    private static BigDecimal nanosOf(Duration value) {
        return BigDecimal.valueOf(value.getSeconds())
                .multiply(NANOS_PER_SECOND)
                .add(BigDecimal.valueOf(value.getNano()));
    }

    /**
     * The allowed values of one configured duration, both ends included.
     *
     * @param min the shortest allowed value; positive
     * @param max the longest allowed value; at least {@code min}
     */
    public record Range(Duration min, Duration max) {
        /** Validates the ends. */
        public Range {
            requirePositive("minimum", min);
            requirePositive("maximum", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("maximum " + format(max) + " is below the minimum " + format(min));
            }
        }

        /** True if {@code value} lies in this range. */
        public boolean contains(Duration value) {
            return value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }

        /** {@code value} moved into the range: {@link #min()} if shorter, {@link #max()} if longer. */
        public Duration clamp(Duration value) {
            return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
        }

        /**
         * Returns {@code value} if it lies in this range.
         *
         * @param what names the field in the message, e.g. {@code "resource web: monitor interval"}
         * @throws IllegalArgumentException naming the field, the value (readably) and the range:
         *     {@code "resource web: monitor interval 1 ns is below the minimum of 100 ms (allowed: 100 ms
         *     to 24 h)"}
         */
        public Duration require(String what, Duration value) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null (allowed: " + this + ")");
            }
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(
                        what + " must be positive, was " + format(value) + " (allowed: " + this + ")");
            }
            return within(what, value, toString());
        }

        /**
         * Returns {@code value} if it is zero (meaning never, or off) or lies in this range.
         *
         * @param what names the field in the message
         * @throws IllegalArgumentException naming the field, the value and the range
         */
        public Duration requireZeroOrWithin(String what, Duration value) {
            String allowed = "0 (never) or " + this;
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null (allowed: " + allowed + ")");
            }
            if (value.isNegative()) {
                throw new IllegalArgumentException(
                        what + " must not be negative, was " + format(value) + " (allowed: " + allowed + ")");
            }
            return value.isZero() ? value : within(what, value, allowed);
        }

        private Duration within(String what, Duration value, String allowed) {
            if (value.compareTo(min) < 0) {
                throw new IllegalArgumentException(what + " " + format(value) + " is below the minimum of "
                        + format(min) + " (allowed: " + allowed + ")");
            }
            if (value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " " + format(value) + " is above the maximum of "
                        + format(max) + " (allowed: " + allowed + ")");
            }
            return value;
        }

        /** {@code "100 ms to 24 h"}. */
        @Override
        public String toString() {
            return format(min) + " to " + format(max);
        }
    }

    /**
     * Parses a duration written as a whole number and a unit: {@code 500ms}, {@code 30s}, {@code
     * 10m}, {@code 2h}, {@code 1d}; may be negative (the caller's bounds decide).
     *
     * @throws IllegalArgumentException saying how to write one
     */
    public static Duration parse(String text) {
        java.util.regex.Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number and a unit"
                    + " (ms, s, m, h, d), e.g. 500ms, 3s, 10m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
