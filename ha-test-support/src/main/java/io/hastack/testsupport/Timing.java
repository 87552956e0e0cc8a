package io.hastack.testsupport;

import java.time.Duration;

/**
 * One scalable factor for every test wait, as Curator's {@code Timing}: a test names the time it
 * needs on a quiet machine, and {@link #of} stretches it by the factor of the system property
 * {@value #FACTOR} (default 1; e.g. {@code mvn -B verify -Dhastack.timing.factor=3} on a slow or
 * loaded machine). Waits are upper bounds for something to happen, never sleeps, so a larger
 * factor only makes a failing test take longer to fail. The in-process test kit
 * ({@code io.hastack.testkit.InProcessCluster.WAIT}) reads the same property.
 *
 * <p>Stateless and thread-safe.
 */
public final class Timing {
    /** The system property that scales every test wait. */
    public static final String FACTOR = "hastack.timing.factor";

    private Timing() {}

    /**
     * The factor: the property's value, or 1 when it is unset.
     *
     * @throws IllegalArgumentException if the property is not a number of at least 1
     */
    public static double factor() {
        String raw = System.getProperty(FACTOR);
        if (raw == null || raw.isBlank()) {
            return 1;
        }
        try {
            double f = Double.parseDouble(raw.trim());
            if (f >= 1 && f <= 100) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "system property " + FACTOR + " must be a number from 1 to 100, was '" + raw + "'");
    }

    /** {@code base} stretched by {@link #factor()}. */
    public static Duration of(Duration base) {
        return Duration.ofNanos((long) (base.toNanos() * factor()));
    }

    /** {@code seconds} seconds stretched by {@link #factor()}. */
    public static Duration seconds(long seconds) {
        return of(Duration.ofSeconds(seconds));
    }
}
