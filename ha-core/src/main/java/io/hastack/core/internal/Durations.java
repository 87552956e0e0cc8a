package io.hastack.core.internal;

import java.time.Duration;

/** Validation of durations in configuration builders. */
public final class Durations {
    private Durations() {}

    /**
     * Returns {@code value} if it is positive.
     *
     * @param what names the field in the message, e.g. {@code "resource web: start timeout"}
     * @throws IllegalArgumentException saying which field is wrong and what it was
     */
    public static Duration requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }
}
