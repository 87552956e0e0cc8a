package io.hastack.core.agent;

import java.util.List;

/**
 * What an agent says about itself: its parameters and a description, in the spirit of an OCF
 * agent's {@code meta-data} action.
 *
 * @param type the name the agent is registered under
 * @param description one or two sentences on what the agent manages
 * @param parameters the parameters the agent understands
 */
public record AgentMetadata(String type, String description, List<Parameter> parameters) {
    /** Copies the parameter list. */
    public AgentMetadata {
        parameters = List.copyOf(parameters);
    }

    /**
     * One parameter of an agent.
     *
     * @param name the parameter's name
     * @param required whether a resource must set it
     * @param defaultValue the value used when it is not set; empty if none
     * @param description what the parameter means
     */
    public record Parameter(String name, boolean required, String defaultValue, String description) {}
}
