package io.hastack.core.spi.plan;

import java.time.Instant;

/**
 * Decides what to do. Implementations are pure: no threads, no I/O, no clock but {@code now}; the
 * same arguments always give the same plan. Thread-safe.
 */
@FunctionalInterface
public interface Planner {
    /** The actions that move the cluster from {@code snapshot} towards its desired state. */
    Plan plan(ClusterSnapshot snapshot, Instant now);
}
