package io.hastack.core.runtime;

/**
 * Learns how each recurring monitor of a node's running resources ended ({@link
 * HaNode#addMonitorListener}): for monitor latency, which events do not carry. Called on the
 * executor given with the listener, one result at a time and in order, never under a lock of the
 * node. A result is reported once the node has taken it; a result that arrives after the resource's
 * state changed (an action began meanwhile) is ignored by the node and not reported. Probes
 * (one-shot monitors) are not reported either.
 */
@FunctionalInterface
public interface MonitorListener {
    /** Called for each recurring monitor the node took the result of. */
    void monitorCompleted(MonitorResult result);
}
