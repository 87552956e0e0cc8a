package io.hastack.core.spi.agent;

import io.hastack.core.model.ResourceId;
import java.util.List;
import java.util.Optional;

/**
 * A parameter of a resource that its agent's metadata does not declare: most likely a misspelling,
 * which the agent would silently ignore. A warning, not an error: an agent may accept more than it
 * declares. See {@link AgentMetadata#unknownParameters}.
 *
 * @param resource the resource that sets the parameter
 * @param agentType the resource's agent type
 * @param parameter the parameter's name as configured
 * @param suggestion the closest declared name, if one is close
 * @param declared every parameter the agent declares, templates such as {@code argv.N} included
 */
public record UnknownParameter(
        ResourceId resource, String agentType, String parameter, Optional<String> suggestion, List<String> declared) {
    /** Copies the declared names. */
    public UnknownParameter {
        declared = List.copyOf(declared);
    }

    /**
     * The warning for people: {@code "resource web: parameter 'prot' is not declared by agent 'web';
     * did you mean 'port'?"}, or without a close name, the declared ones.
     */
    public String message() {
        return "resource " + resource + ": parameter '" + parameter + "' is not declared by agent '" + agentType
                + "'; "
                + suggestion
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse("its parameters are " + String.join(", ", declared));
    }

    @Override
    public String toString() {
        return message();
    }
}
