package io.hastack.core.model;

import io.hastack.core.internal.Durations;
import io.hastack.core.internal.Require;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
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
    private final boolean enabled;

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
        this.enabled = b.enabled;
    }

    /**
     * Starts a spec for resource {@code id} managed by the agent registered as {@code agentType}.
     *
     * @throws IllegalArgumentException if {@code id} is not a valid {@link ResourceId}, or the agent
     *     type is null, empty or contains white space or control characters
     */
    public static Builder builder(String id, String agentType) {
        ResourceId resource = ResourceId.of(id);
        if (agentType == null) {
            throw new IllegalArgumentException("resource " + resource + ": agent type must not be null");
        }
        if (agentType.isBlank()) {
            throw new IllegalArgumentException("resource " + resource + ": agent type must not be empty");
        }
        if (agentType.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("resource " + resource + ": agent type '" + agentType
                    + "' must not contain white space or control characters");
        }
        return new Builder(resource, agentType);
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
     * call that runs longer counts as failed. An advised timeout outside the allowed range of
     * operation timeouts (100 ms to 24 h) is moved to its nearer end; a zero or negative one is
     * ignored.
     */
    public Duration timeout(Operation operation, Map<Operation, Duration> advised) {
        Duration own = timeouts.get(operation);
        if (own != null) {
            return own;
        }
        Duration agents = advised.get(operation);
        return agents != null && !agents.isNegative() && !agents.isZero()
                ? Durations.OPERATION_TIMEOUT.clamp(agents)
                : DEFAULT_TIMEOUT;
    }

    /**
     * The timeout the spec itself sets for {@code operation}, if any (see {@link #timeout(Operation,
     * Map)} for the one that applies).
     */
    public java.util.Optional<Duration> timeout(Operation operation) {
        return java.util.Optional.ofNullable(timeouts.get(operation));
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

    /**
     * False if the resource is disabled (Pacemaker's {@code target-role=Stopped}): the cluster stops
     * it, and the members after it in its group, wherever they run, and starts them nowhere until
     * it is enabled again.
     */
    public boolean enabled() {
        return enabled;
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
        if (!enabled) {
            sb.append(" target-role=stopped");
        }
        return sb.toString();
    }

    /** {@code text} for a message, each control character written as a Java escape (a newline as backslash-n). */
    private static String visible(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
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

    /**
     * Builds a {@link ResourceSpec}. Each setter validates its value and refuses a bad one with an
     * {@link IllegalArgumentException} naming the resource and the field, leaving the builder as it
     * was. Not thread-safe.
     */
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
        private boolean enabled = true;

        private Builder(ResourceId id, String agentType) {
            this.id = id;
            this.agentType = agentType;
        }

        /**
         * Sets agent parameter {@code name} to {@code value}. Agents get their parameters as
         * environment variables or arguments, so the name must be non-empty and free of {@code =},
         * white space and control characters, and the value free of NUL characters.
         *
         * @throws IllegalArgumentException naming the resource and the parameter; the builder is
         *     unchanged
         */
        public Builder param(String name, String value) {
            checkParameter(name, value);
            parameters.put(name, value);
            return this;
        }

        /**
         * Sets every parameter in {@code params}, as {@link #param} does each; if one is refused, none
         * is set.
         */
        public Builder params(Map<String, String> params) {
            Require.notNull("resource " + id + ": parameters", params);
            params.forEach(this::checkParameter);
            parameters.putAll(params);
            return this;
        }

        private void checkParameter(String name, String value) {
            if (name == null) {
                throw new IllegalArgumentException("resource " + id + ": parameter name must not be null");
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("resource " + id + ": parameter name must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == '=') {
                    throw new IllegalArgumentException("resource " + id + ": parameter name '" + name
                            + "' must not contain '=' (it separates a name from its value)");
                }
                if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                    throw new IllegalArgumentException("resource " + id + ": parameter name '" + visible(name)
                            + "' must not contain white space or control characters");
                }
            }
            if (value == null) {
                throw new IllegalArgumentException(
                        "resource " + id + ": value of parameter '" + name + "' must not be null");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("resource " + id + ": value of parameter '" + name
                        + "' must not contain a NUL character (an environment variable or argument cannot"
                        + " hold one)");
            }
        }

        /**
         * Sets the timeout of {@code operation}: from 100 ms to 24 h.
         *
         * @throws IllegalArgumentException naming the resource, the operation and the allowed range
         */
        public Builder timeout(Operation operation, Duration timeout) {
            Require.notNull("resource " + id + ": operation of a timeout", operation);
            timeouts.put(
                    operation,
                    Durations.OPERATION_TIMEOUT.require(
                            "resource " + id + ": " + operation.externalName() + " timeout", timeout));
            return this;
        }

        /**
         * Sets the monitor interval: from 100 ms to 24 h.
         *
         * @throws IllegalArgumentException naming the resource and the allowed range
         */
        public Builder monitorInterval(Duration interval) {
            this.monitorInterval =
                    Durations.MONITOR_INTERVAL.require("resource " + id + ": monitor interval", interval);
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
         * Sets how long after the last failure the failures of this resource on a node are forgotten:
         * {@link Duration#ZERO} for never, else from 1 s to 365 days.
         *
         * @throws IllegalArgumentException naming the resource and the allowed range
         */
        public Builder failureTimeout(Duration timeout) {
            this.failureTimeout =
                    Durations.FAILURE_TIMEOUT.requireZeroOrWithin("resource " + id + ": failure-timeout", timeout);
            return this;
        }

        /**
         * Sets what happens when {@code operation} fails. A failed stop allows only
         * {@link OnFail#BLOCK} or {@link OnFail#FENCE}: its resource may still run.
         */
        public Builder onFail(Operation operation, OnFail policy) {
            Require.notNull("resource " + id + ": operation of an on-fail policy", operation);
            Require.notNull("resource " + id + ": on-fail policy of " + operation.externalName(), policy);
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
         * Sets whether the resource may run ({@code true} by default); {@code false} is Pacemaker's
         * {@code target-role=Stopped} (see {@link ResourceSpec#enabled()}).
         */
        public Builder enabled(boolean isEnabled) {
            this.enabled = isEnabled;
            return this;
        }

        /**
         * Builds the spec. Each setter refuses a bad value at once, naming the resource and the
         * field, so a builder always holds a valid spec.
         */
        public ResourceSpec build() {
            // Every setter checked its value: a builder holds only valid fields.
            return new ResourceSpec(this);
        }
    }
}
