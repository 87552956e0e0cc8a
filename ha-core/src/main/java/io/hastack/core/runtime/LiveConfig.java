package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.VersionedConfig;
import java.util.Objects;

/**
 * The configuration version a node holds now, shared by its parts: changed only on the node's event
 * thread (when the node takes a new version), read from any thread.
 */
final class LiveConfig {
    private volatile VersionedConfig current;

    LiveConfig(VersionedConfig initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** Version 0 of {@code config}. */
    static LiveConfig of(ClusterConfig config) {
        return new LiveConfig(VersionedConfig.initial(config));
    }

    /** The version held now. */
    VersionedConfig get() {
        return current;
    }

    /** The configuration held now. */
    ClusterConfig config() {
        return current.config();
    }

    /** Takes {@code next}; on the event thread. */
    void set(VersionedConfig next) {
        current = Objects.requireNonNull(next, "next");
    }
}
