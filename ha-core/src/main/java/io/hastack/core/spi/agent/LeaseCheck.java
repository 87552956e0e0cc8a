package io.hastack.core.spi.agent;

/**
 * Tells a resource whether its node still holds its membership lease (see {@code
 * docs/design/leases.md}): a node without the lease may already count as gone for the others, who
 * start its resources once the lease has surely expired. An in-JVM resource that accepts writes asks
 * {@link #held()} just before it accepts one, beside checking the epoch with {@link EpochGuard}; a
 * node whose lease lapsed stops its resources at once, and this check closes the gap until it has.
 * Thread-safe.
 */
@FunctionalInterface
public interface LeaseCheck {
    /** For calls that no cluster node makes (tools, tests of a single agent): always held. */
    LeaseCheck UNGUARDED = () -> true;

    /** True if the node holds its membership lease now. */
    boolean held();
}
