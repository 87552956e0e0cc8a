package io.hastack.core.spi.config;

import io.hastack.core.model.VersionedConfig;

/**
 * Where a node keeps the cluster's configuration across restarts (the role of Pacemaker's CIB file):
 * told of every version the node takes, before the node acts on it, so that its next start begins
 * from the newest version it knew. Called on the node's event thread: keep it short (write a small
 * file atomically). The default keeps nothing.
 */
public interface ConfigStore {
    /** A store that keeps nothing: the node starts from its builder's configuration every time. */
    ConfigStore NONE = new ConfigStore() {
        @Override
        public void save(VersionedConfig config) {}

        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public String toString() {
            return "no configuration store";
        }
    };

    /**
     * Keeps {@code config} as the node's configuration from its next start on; atomically, so that a
     * crash leaves the old or the new one, never a mix.
     *
     * @throws java.io.UncheckedIOException if it cannot be written (the node logs it, takes the
     *     configuration all the same, and takes the newest again from the cluster after a restart)
     */
    void save(VersionedConfig config);

    /**
     * {@code lost} was replaced by {@code winner} although they were changed apart (two partitions
     * each changed the configuration, or a file was edited by hand): the changes in {@code lost} that
     * {@code winner} lacks are not in the cluster any more. Keep a copy for the operator; the default
     * does nothing (the node also logs it and sends an event).
     */
    default void discarded(VersionedConfig lost, VersionedConfig winner) {}

    /**
     * True if a restarted node starts from the newest version it saved here. The node list changes
     * at run time only while every member's store is durable: a node that restarted from an older
     * list would count votes by it (see {@code docs/design/node-list-changes.md}). True by default;
     * false for {@link #NONE}.
     */
    default boolean durable() {
        return true;
    }
}
