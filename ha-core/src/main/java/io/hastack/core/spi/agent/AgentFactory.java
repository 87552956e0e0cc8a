package io.hastack.core.spi.agent;

import io.hastack.core.model.ResourceSpec;

/** Creates the agent instance that manages one resource on this node. */
@FunctionalInterface
public interface AgentFactory {
    /** Creates an agent for {@code spec}; must not start anything. */
    ResourceAgent create(ResourceSpec spec);
}
