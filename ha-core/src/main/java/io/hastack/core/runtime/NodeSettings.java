package io.hastack.core.runtime;

import io.hastack.core.internal.Durations;
import io.hastack.core.security.ClusterKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one node behaves, apart from what the cluster runs ({@link io.hastack.core.model.ClusterConfig})
 * and what it talks to (membership, agents, devices): the hand-over and fence timeouts, the pause
 * bound and the cluster key. Immutable; build one with {@link #builder()} or take a preset:
 * {@link #defaults()} for production, {@link #forTesting()} for tests that must not wait minutes.
 */
public final class NodeSettings {
    private final Duration shutdownTimeout;
    private final Duration fenceTimeout;
    private final Optional<Duration> pauseBound;
    private final Optional<ClusterKey> clusterKey;
    private final boolean insecure;
    private final boolean watchdog;

    private NodeSettings(Builder b) {
        this.watchdog = b.watchdog;
        this.shutdownTimeout = b.shutdownTimeout;
        this.fenceTimeout = b.fenceTimeout;
        this.pauseBound = Optional.ofNullable(b.pauseBound);
        this.clusterKey = Optional.ofNullable(b.clusterKey);
        this.insecure = b.insecure;
    }

    /**
     * Production settings: a 2 min hand-over, a 60 s fence timeout, the membership's pause bound; no
     * cluster key yet, which a node refuses until one is given ({@link Builder#clusterKey}).
     */
    public static NodeSettings defaults() {
        return builder().build();
    }

    /**
     * For tests: a 20 s hand-over, a 10 s fence timeout and a new random cluster key (give the same
     * settings, or at least the same key, to every node of a test cluster); otherwise as {@link
     * #defaults()}.
     */
    public static NodeSettings forTesting() {
        return builder()
                .clusterKey(ClusterKey.generate())
                .shutdownTimeout(Duration.ofSeconds(20))
                .fenceTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.shutdownTimeout = shutdownTimeout;
        b.fenceTimeout = fenceTimeout;
        b.pauseBound = pauseBound.orElse(null);
        b.clusterKey = clusterKey.orElse(null);
        b.insecure = insecure;
        b.watchdog = watchdog;
        return b;
    }

    /** How long {@link HaNode#close()} waits for the hand-over before it stops its own resources. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** How long a fence attempt may take (Pacemaker's {@code stonith-timeout}). */
    public Duration fenceTimeout() {
        return fenceTimeout;
    }

    /**
     * The longest stall after which the node still trusts that it was not declared dead; empty
     * means the membership's pause tolerance (the JGroups heartbeat timeout), else 3 s.
     */
    public Optional<Duration> pauseBound() {
        return pauseBound;
    }

    /** The key that authenticates this node's cluster messages ({@link Builder#clusterKey}), if given. */
    public Optional<ClusterKey> clusterKey() {
        return clusterKey;
    }

    /** True if the node was told to run without a cluster key ({@link Builder#insecure}). */
    public boolean insecure() {
        return insecure;
    }

    /** Whether the node starts a watchdog process ({@link Builder#watchdog}). */
    public boolean watchdog() {
        return watchdog;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeSettings s
                && watchdog == s.watchdog
                && shutdownTimeout.equals(s.shutdownTimeout)
                && fenceTimeout.equals(s.fenceTimeout)
                && pauseBound.equals(s.pauseBound)
                && insecure == s.insecure
                && clusterKey.equals(s.clusterKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shutdownTimeout, fenceTimeout, pauseBound, clusterKey, insecure, watchdog);
    }

    @Override
    public String toString() {
        return "NodeSettings[shutdown-timeout=" + shutdownTimeout.toMillis() + "ms fence-timeout="
                + fenceTimeout.toMillis() + "ms pause-bound="
                + pauseBound.map(d -> d.toMillis() + "ms").orElse("membership's") + " key="
                + clusterKey.map(ClusterKey::fingerprint).orElse(insecure ? "none (insecure)" : "none") + " watchdog="
                + watchdog + "]";
    }

    /**
     * Builds {@link NodeSettings}; each setter checks its value and names it when it refuses (an
     * {@link IllegalArgumentException}, the builder unchanged). Not thread-safe.
     */
    public static final class Builder {
        private Duration shutdownTimeout = Duration.ofMinutes(2);
        private Duration fenceTimeout = Duration.ofSeconds(60);
        private Duration pauseBound;
        private ClusterKey clusterKey;
        private boolean insecure;
        private boolean watchdog;

        private Builder() {}

        /**
         * Whether the node starts a watchdog process ({@link io.hastack.core.watchdog.Watchdog}) that
         * kills every process this JVM started (its descendants) when the node stops renewing its
         * membership lease, so that a frozen JVM's children are gone before another node starts its
         * groups. Off by default; for one node per JVM (a node daemon, the demo), since it kills
         * every descendant of the JVM.
         */
        public Builder watchdog(boolean on) {
            this.watchdog = on;
            return this;
        }

        /**
         * How long {@link HaNode#close()} waits for the hand-over; 2 minutes by default, from 1 s to
         * 24 h.
         *
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Durations.SHUTDOWN_TIMEOUT.require("shutdown timeout", timeout);
            return this;
        }

        /**
         * How long a fence attempt may take; 60 s by default, from 1 s to 1 h.
         *
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public Builder fenceTimeout(Duration timeout) {
            this.fenceTimeout = Durations.FENCE_TIMEOUT.require("fence timeout", timeout);
            return this;
        }

        /**
         * The longest stall after which this node still trusts that it was not declared dead; after
         * a longer one it stops its resources before doing anything else. By default the membership's
         * pause tolerance (the JGroups heartbeat timeout), else 3 s. From 500 ms to 5 min: it is also
         * the lease time, so other nodes wait about that long before they take over.
         *
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public Builder pauseBound(Duration bound) {
            this.pauseBound = Durations.PAUSE_BOUND.require("pause bound", bound);
            return this;
        }

        /**
         * The key every node of the cluster holds ({@link ClusterKey#load}): each cluster message
         * then carries an HMAC-SHA256 under a key derived from it, and a message without a valid one
         * is refused. Give the membership the same key (it encrypts with it). Required, unless
         * {@link #insecure()}.
         */
        public Builder clusterKey(ClusterKey key) {
            if (key == null) {
                throw new IllegalArgumentException("cluster key must not be null (for no key, call insecure())");
            }
            this.clusterKey = key;
            this.insecure = false;
            return this;
        }

        /**
         * Runs the node without a cluster key: messages are not authenticated, so anyone who can
         * reach the cluster's ports can forge them. An explicit choice, logged as an error at start;
         * for a closed test network only.
         */
        public Builder insecure() {
            this.clusterKey = null;
            this.insecure = true;
            return this;
        }

        /** The settings. A node refuses settings with neither a cluster key nor {@link #insecure()}. */
        public NodeSettings build() {
            return new NodeSettings(this);
        }
    }
}
