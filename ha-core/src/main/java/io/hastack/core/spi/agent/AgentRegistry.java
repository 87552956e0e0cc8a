package io.hastack.core.spi.agent;

import io.hastack.core.model.ResourceSpec;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps agent type names (as written in a {@link ResourceSpec}) to factories. Immutable; build with
 * {@link #builder()}.
 */
public final class AgentRegistry {
    private final Map<String, AgentFactory> factories;

    private AgentRegistry(Map<String, AgentFactory> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** Starts an empty registry. */
    public static Builder builder() {
        return new Builder();
    }

    /** The registered type names, sorted. */
    public Set<String> types() {
        return new TreeMap<>(factories).keySet();
    }

    /**
     * Creates the agent for {@code spec}.
     *
     * @throws IllegalArgumentException naming the resource and the unknown type, and listing the
     *     known ones
     */
    public ResourceAgent create(ResourceSpec spec) {
        AgentFactory factory = factories.get(spec.agentType());
        if (factory == null) {
            throw new IllegalArgumentException("resource " + spec.id() + ": unknown agent type '" + spec.agentType()
                    + "'; known types: " + types());
        }
        return Objects.requireNonNull(
                factory.create(spec),
                () -> "agent factory for '" + spec.agentType() + "' returned null for resource " + spec.id());
    }

    /** Builds an {@link AgentRegistry}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, AgentFactory> factories = new TreeMap<>();

        private Builder() {}

        /** Registers {@code factory} under {@code type}; a type can be registered once. */
        public Builder register(String type, AgentFactory factory) {
            Objects.requireNonNull(factory, "factory");
            if (factories.putIfAbsent(Objects.requireNonNull(type, "type"), factory) != null) {
                throw new IllegalArgumentException("agent type '" + type + "' is registered twice");
            }
            return this;
        }

        /** Builds the registry. */
        public AgentRegistry build() {
            return new AgentRegistry(factories);
        }
    }
}
