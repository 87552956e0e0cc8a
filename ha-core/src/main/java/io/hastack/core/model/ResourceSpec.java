package io.hastack.core.model;

import io.hastack.core.internal.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a resource is and how to manage it: the agent type that manages it, the agent's
 * parameters, a timeout per operation and the monitor interval. Immutable; build one with
 * {@link #builder(String, String)}.
 *
 * <p>Defaults follow Pacemaker: an operation without a timeout of its own gets the one its agent
 * advises in its metadata, else 20 s; a running resource is monitored every 10 s.
 */
public final class ResourceSpec {
    /** Timeout of an operation that the spec does not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** Monitor interval when the spec does not set one. */
    public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(10);

    private final ResourceId id;
    private final String agentType;
    private final Map<String, String> parameters;
    private final Map<Operation, Duration> timeouts;
    private final Duration monitorInterval;
    private final Integer stickiness;
    private final Integer migrationThreshold;
    private final Duration failureTimeout;
    private final Map<Operation, OnFail> onFail;
    private final boolean managed;

    private ResourceSpec(Builder b) {
        this.id = b.id;
        this.agentType = b.agentType;
        this.parameters = Collections.unmodifiableMap(new TreeMap<>(b.parameters));
        this.timeouts = Collections.unmodifiableMap(new EnumMap<>(b.timeouts));
        this.monitorInterval = b.monitorInterval;
        this.stickiness = b.stickiness;
        this.migrationThreshold = b.migrationThreshold;
        this.failureTimeout = b.failureTimeout;
        EnumMap<Operation, OnFail> policies = new EnumMap<>(Operation.class);
        policies.putAll(b.onFail);
        this.onFail = Collections.unmodifiableMap(policies);
        this.managed = b.managed;
    }

    /** Starts a spec for resource {@code id} managed by the agent registered as {@code agentType}. */
    public static Builder builder(String id, String agentType) {
        return new Builder(ResourceId.of(id), agentType);
    }

    /** The resource's identifier, unique in the cluster. */
    public ResourceId id() {
        return id;
    }

    /** The name under which the managing agent is registered (for example {@code process}). */
    public String agentType() {
        return agentType;
    }

    /** The agent's parameters, sorted by name. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /**
     * The timeout of {@code operation}: the one the spec sets, else the one the agent advises in its
     * metadata ({@code advised}), else {@link #DEFAULT_TIMEOUT}; as a Pacemaker resource made with
     * {@code pcs resource create}, which copies the agent's advised timeouts into its operations. A
     * call that runs longer counts as failed.
     */
    public Duration timeout(Operation operation, Map<Operation, Duration> advised) {
        Duration own = timeouts.get(operation);
        if (own != null) {
            return own;
        }
        Duration agents = advised.get(operation);
        return agents != null && !agents.isNegative() && !agents.isZero() ? agents : DEFAULT_TIMEOUT;
    }

    /** How often a running resource is monitored. */
    public Duration monitorInterval() {
        return monitorInterval;
    }

    /**
     * The resource's stickiness, if set: the score it adds to the node where it runs. Unset means the
     * cluster's default ({@link ClusterConfig#defaultStickiness()}).
     */
    public java.util.OptionalInt stickiness() {
        return stickiness == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(stickiness);
    }

    /** The resource's migration threshold, if set; unset means the cluster's. */
    public java.util.OptionalInt migrationThreshold() {
        return migrationThreshold == null
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(migrationThreshold);
    }

    /** The resource's failure timeout, if set ({@link Duration#ZERO}: failures never expire); unset means the cluster's. */
    public java.util.Optional<Duration> failureTimeout() {
        return java.util.Optional.ofNullable(failureTimeout);
    }

    /** The on-fail policy set for {@code operation}, if any; unset means the default of {@link ClusterConfig#onFail}. */
    public java.util.Optional<OnFail> onFail(Operation operation) {
        return java.util.Optional.ofNullable(onFail.get(operation));
    }

    /**
     * False if the resource is unmanaged: it is monitored and its state reported, but the cluster
     * never starts or stops it (Pacemaker's {@code is-managed=false}).
     */
    public boolean managed() {
        return managed;
    }

    /** A canonical one-line text of everything in the spec; equal specs give equal text. */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder();
        sb.append("resource ").append(id).append(" agent=").append(agentType);
        parameters.forEach((k, v) -> sb.append(" param.").append(k).append('=').append(escape(v)));
        timeouts.forEach((k, v) ->
                sb.append(" timeout.").append(k.externalName()).append('=').append(v.toMillis()));
        sb.append(" monitor-interval=").append(monitorInterval.toMillis());
        if (stickiness != null) {
            sb.append(" stickiness=").append(Score.format(stickiness));
        }
        if (migrationThreshold != null) {
            sb.append(" migration-threshold=").append(migrationThreshold);
        }
        if (failureTimeout != null) {
            sb.append(" failure-timeout=").append(failureTimeout.toMillis());
        }
        onFail.forEach((op, f) ->
                sb.append(" on-fail.").append(op.externalName()).append('=').append(f.externalName()));
        if (!managed) {
            sb.append(" managed=false");
        }
        return sb.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace(" ", "\\s").replace("\n", "\\n");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceSpec other && canonicalText().equals(other.canonicalText());
    }

    @Override
    public int hashCode() {
        return canonicalText().hashCode();
    }

    @Override
    public String toString() {
        return canonicalText();
    }

    /** Builds a {@link ResourceSpec}; {@link #build()} validates every field. Not thread-safe. */
    public static final class Builder {
        private final ResourceId id;
        private final String agentType;
        private final Map<String, String> parameters = new TreeMap<>();
        private final Map<Operation, Duration> timeouts = new EnumMap<>(Operation.class);
        private Duration monitorInterval = DEFAULT_MONITOR_INTERVAL;
        private Integer stickiness;
        private Integer migrationThreshold;
        private Duration failureTimeout;
        private final Map<Operation, OnFail> onFail = new EnumMap<>(Operation.class);
        private boolean managed = true;

        private Builder(ResourceId id, String agentType) {
            this.id = id;
            this.agentType = agentType;
        }

        /** Sets agent parameter {@code name} to {@code value}. */
        public Builder param(String name, String value) {
            parameters.put(
                    Objects.requireNonNull(name, "parameter name"),
                    Objects.requireNonNull(
                            value, () -> "resource " + id + ": value of parameter '" + name + "' must not be null"));
            return this;
        }

        /** Sets every parameter in {@code params}. */
        public Builder params(Map<String, String> params) {
            params.forEach(this::param);
            return this;
        }

        /** Sets the timeout of {@code operation}; it must be positive. */
        public Builder timeout(Operation operation, Duration timeout) {
            timeouts.put(Objects.requireNonNull(operation, "operation"), timeout);
            return this;
        }

        /** Sets the monitor interval; it must be positive. */
        public Builder monitorInterval(Duration interval) {
            this.monitorInterval = interval;
            return this;
        }

        /** Sets the resource's stickiness, within +-INFINITY (the cluster default when not set). */
        public Builder stickiness(int score) {
            this.stickiness = Score.require("resource " + id + ": stickiness", score);
            return this;
        }

        /** Sets the failures on one node after which the group leaves it; at least 1. */
        public Builder migrationThreshold(int threshold) {
            if (threshold < 1) {
                throw new IllegalArgumentException(
                        "resource " + id + ": migration-threshold must be at least 1, was " + threshold);
            }
            this.migrationThreshold = threshold;
            return this;
        }

        /**
         * Sets how long after the last failure the failures of this resource on a node are forgotten;
         * {@link Duration#ZERO} for never. Must not be negative.
         */
        public Builder failureTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException(
                        "resource " + id + ": failure-timeout must be zero (never) or" + " positive, was " + timeout);
            }
            this.failureTimeout = timeout;
            return this;
        }

        /**
         * Sets what happens when {@code operation} fails. A failed stop allows only
         * {@link OnFail#BLOCK} or {@link OnFail#FENCE}: its resource may still run.
         */
        public Builder onFail(Operation operation, OnFail policy) {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(policy, () -> "resource " + id + ": on-fail policy of " + operation.externalName());
            if (operation == Operation.STOP && policy != OnFail.BLOCK && policy != OnFail.FENCE) {
                throw new IllegalArgumentException("resource " + id + ": on-fail of stop must be block or fence, was "
                        + policy.externalName() + " (after a failed stop the resource may still run)");
            }
            if (operation == Operation.VALIDATE) {
                throw new IllegalArgumentException("resource " + id + ": validate has no on-fail policy (a failed"
                        + " validate keeps the node from starting)");
            }
            onFail.put(operation, policy);
            return this;
        }

        /** Sets whether the cluster starts and stops the resource ({@code true} by default). */
        public Builder managed(boolean isManaged) {
            this.managed = isManaged;
            return this;
        }

        /**
         * Validates and builds the spec.
         *
         * @throws IllegalArgumentException naming the resource and the field that is wrong
         */
        public ResourceSpec build() {
            if (agentType == null || agentType.isBlank()) {
                throw new IllegalArgumentException("resource " + id + ": agent type must not be empty");
            }
            timeouts.forEach(
                    (op, t) -> Durations.requirePositive("resource " + id + ": " + op.externalName() + " timeout", t));
            Durations.requirePositive("resource " + id + ": monitor interval", monitorInterval);
            for (String name : parameters.keySet()) {
                if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("resource " + id + ": parameter name '" + name
                            + "' must be non-empty and contain no white space");
                }
            }
            return new ResourceSpec(this);
        }
    }
}
