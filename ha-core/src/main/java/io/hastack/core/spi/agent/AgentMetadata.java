package io.hastack.core.spi.agent;

import io.hastack.core.model.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an agent says about itself: its parameters and a description, in the spirit of an OCF
 * agent's {@code meta-data} action.
 *
 * @param type the name the agent is registered under
 * @param description one or two sentences on what the agent manages
 * @param parameters the parameters the agent understands
 * @param timeouts the timeouts the agent advises per operation (an OCF agent's {@code <actions>});
 *     may be empty
 */
public record AgentMetadata(
        String type, String description, List<Parameter> parameters, Map<Operation, Duration> timeouts) {
    /** Copies the parameter list and the timeouts. */
    public AgentMetadata {
        parameters = List.copyOf(parameters);
        timeouts = Map.copyOf(timeouts);
    }

    /** Metadata without advised timeouts. */
    public AgentMetadata(String type, String description, List<Parameter> parameters) {
        this(type, description, parameters, Map.of());
    }

    /** The parameters a resource must set. */
    public List<String> requiredParameters() {
        return parameters.stream()
                .filter(Parameter::required)
                .map(Parameter::name)
                .toList();
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
