package io.hastack.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The failure history of one resource on one node: how many times it failed, when it last failed
 * and which operation failed then.
 *
 * @param count failures since the last cleanup (or since they expired); at least 1
 * @param last when the last failure happened
 * @param operation the operation that failed last
 */
public record Failure(int count, Instant last, Operation operation) {
    /** Validates the fields. */
    public Failure {
        if (count < 1) {
            throw new IllegalArgumentException("a failure count must be at least 1, was " + count);
        }
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(operation, "operation");
    }

    /**
     * True if these failures no longer count at {@code now}: {@code failureTimeout} is positive and at
     * least that long has passed since the last failure (Pacemaker's failure-timeout).
     */
    public boolean expired(java.time.Duration failureTimeout, Instant now) {
        return !failureTimeout.isZero() && !now.isBefore(last.plus(failureTimeout));
    }

    /** When these failures expire under {@code failureTimeout}; null if they never do. */
    public Instant expiresAt(java.time.Duration failureTimeout) {
        return failureTimeout.isZero() ? null : last.plus(failureTimeout);
    }
}
