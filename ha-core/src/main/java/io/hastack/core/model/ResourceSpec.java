package io.hastack.core.model;

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
 * <p>Defaults follow Pacemaker: every operation times out after 20 s and a running resource is
 * monitored every 10 s.
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

    private ResourceSpec(Builder b) {
        this.id = b.id;
        this.agentType = b.agentType;
        this.parameters = Collections.unmodifiableMap(new TreeMap<>(b.parameters));
        EnumMap<Operation, Duration> t = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            t.put(op, b.timeouts.getOrDefault(op, DEFAULT_TIMEOUT));
        }
        this.timeouts = Collections.unmodifiableMap(t);
        this.monitorInterval = b.monitorInterval;
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

    /** The timeout of {@code operation}: a call that runs longer counts as failed. */
    public Duration timeout(Operation operation) {
        return timeouts.get(operation);
    }

    /** How often a running resource is monitored. */
    public Duration monitorInterval() {
        return monitorInterval;
    }

    /** A canonical one-line text of everything in the spec; equal specs give equal text. */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder();
        sb.append("resource ").append(id).append(" agent=").append(agentType);
        parameters.forEach((k, v) -> sb.append(" param.").append(k).append('=').append(escape(v)));
        timeouts.forEach((k, v) -> sb.append(" timeout.").append(k.externalName()).append('=').append(v.toMillis()));
        sb.append(" monitor-interval=").append(monitorInterval.toMillis());
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

        private Builder(ResourceId id, String agentType) {
            this.id = id;
            this.agentType = agentType;
        }

        /** Sets agent parameter {@code name} to {@code value}. */
        public Builder param(String name, String value) {
            parameters.put(Objects.requireNonNull(name, "parameter name"), Objects.requireNonNull(value,
                    () -> "resource " + id + ": value of parameter '" + name + "' must not be null"));
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

        /**
         * Validates and builds the spec.
         *
         * @throws IllegalArgumentException naming the resource and the field that is wrong
         */
        public ResourceSpec build() {
            if (agentType == null || agentType.isBlank()) {
                throw new IllegalArgumentException("resource " + id + ": agent type must not be empty");
            }
            timeouts.forEach((op, t) -> Durations.requirePositive(
                    "resource " + id + ": " + op.externalName() + " timeout", t));
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
