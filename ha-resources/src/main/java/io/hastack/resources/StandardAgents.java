package io.hastack.resources;

import io.hastack.core.agent.AgentRegistry;
import io.hastack.resources.process.ProcessAgent;
import io.hastack.resources.web.EmbeddedWebServerAgent;

/** The agents that ship with HA Stack. */
public final class StandardAgents {
    private StandardAgents() {}

    /** A builder with every standard agent registered; add your own before {@code build()}. */
    public static AgentRegistry.Builder builder() {
        return AgentRegistry.builder()
                .register(ProcessAgent.TYPE, spec -> new ProcessAgent())
                .register(EmbeddedWebServerAgent.TYPE, spec -> new EmbeddedWebServerAgent());
    }

    /** A registry with every standard agent. */
    public static AgentRegistry registry() {
        return builder().build();
    }
}
