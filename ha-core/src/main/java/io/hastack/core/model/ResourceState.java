package io.hastack.core.model;

/**
 * The state of one resource on one node, as that node observes it.
 *
 * <p>Transitions are owned by the executor: {@code STOPPED -> STARTING -> RUNNING}, {@code RUNNING
 * -> FAILED} on a failed monitor, {@code * -> STOPPING -> STOPPED}, and {@code STOPPING -> BLOCKED}
 * when a stop fails. A {@code FAILED} resource may still hold part of what it started and must be
 * stopped before it runs anywhere else; a {@code BLOCKED} one is in an unknown state and is not
 * started anywhere until an operator cleans it up or the cluster fences its node (with a fence
 * device, the coordinator does so at once; see {@code docs/safety.md}).
 */
public enum ResourceState {
    /** Not running on this node (the state every resource starts in). */
    STOPPED,
    /** A start is in progress. */
    STARTING,
    /** Started and healthy as of the last monitor. */
    RUNNING,
    /** A stop is in progress. */
    STOPPING,
    /** A start or monitor failed; the resource must be stopped before it is used again. */
    FAILED,
    /** A stop failed: the resource may still run and nothing may start it elsewhere. */
    BLOCKED;

    /** True if the resource may be holding something on this node (anything but STOPPED). */
    public boolean isActive() {
        return this != STOPPED;
    }

    /** True while an action on the resource is in progress. */
    public boolean isTransient() {
        return this == STARTING || this == STOPPING;
    }
}
