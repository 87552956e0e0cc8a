package io.hastack.core.model;

import java.util.Locale;

/**
 * Placement scores as Pacemaker counts them: integers from {@code -INFINITY} to {@code +INFINITY},
 * where {@link #INFINITY} is 1,000,000. Sums saturate at the ends, and {@code -INFINITY} wins over
 * {@code +INFINITY} (a ban beats any preference).
 */
public final class Score {
    /** The score that means "must" (positive) or "must not" (negative). */
    public static final int INFINITY = 1_000_000;

    private Score() {}

    /** {@code a + b}, saturated at +-INFINITY; -INFINITY plus anything is -INFINITY. */
    public static int add(int a, int b) {
        if (a <= -INFINITY || b <= -INFINITY) {
            return -INFINITY;
        }
        if (a >= INFINITY || b >= INFINITY) {
            return INFINITY;
        }
        return clamp((long) a + b);
    }

    /** {@code value} clamped to [-INFINITY, INFINITY]. */
    public static int clamp(long value) {
        return (int) Math.max(-INFINITY, Math.min(INFINITY, value));
    }

    /**
     * Parses {@code INFINITY}, {@code +INFINITY}, {@code -INFINITY} (any case, also {@code inf}) or an
     * integer, which must lie within +-INFINITY.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static int parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("score must not be null");
        }
        String t = text.strip().toUpperCase(Locale.ROOT);
        switch (t) {
            case "INFINITY", "+INFINITY", "INF", "+INF" -> {
                return INFINITY;
            }
            case "-INFINITY", "-INF" -> {
                return -INFINITY;
            }
            default -> {
                long v;
                try {
                    v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a score (an integer or +-INFINITY)");
                }
                return require("score", v);
            }
        }
    }

    /**
     * Returns {@code value} if it lies within +-INFINITY.
     *
     * @param what names the field in the message
     * @throws IllegalArgumentException otherwise
     */
    public static int require(String what, long value) {
        if (value < -INFINITY || value > INFINITY) {
            throw new IllegalArgumentException(what + " must lie within -INFINITY..INFINITY (+-1000000), was " + value);
        }
        return (int) value;
    }

    /** {@code INFINITY}, {@code -INFINITY} or the number, as in Pacemaker's output. */
    public static String format(int score) {
        return score >= INFINITY ? "INFINITY" : score <= -INFINITY ? "-INFINITY" : Integer.toString(score);
    }

    /** Like {@link #format} with an explicit sign: {@code +100}, {@code -INFINITY}. */
    public static String signed(int score) {
        return score >= 0 ? "+" + format(score) : format(score);
    }
}
