package io.hastack.core.runtime;

/**
 * Receives a node's events. Called on the executor given with the listener, one event at a time
 * and in order, never under a lock of the node. Events describe the past: by the time a listener
 * sees one, the node may have moved on (a resource reported started may already be failing).
 */
@FunctionalInterface
public interface HaEventListener {
    /** Called for each event. */
    void onEvent(HaEvent event);
}
