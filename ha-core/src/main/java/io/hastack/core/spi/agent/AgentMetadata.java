package io.hastack.core.spi.agent;

import io.hastack.core.internal.Names;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an agent says about itself: its parameters and a description, in the spirit of an OCF
 * agent's {@code meta-data} action.
 *
 * <p>A parameter name may be a template: one whose last dot-separated part is {@code N} stands for
 * any non-negative integer there ({@code argv.N}: {@code argv.0}, {@code argv.1}, ...), and one whose
 * last part is in capitals stands for any non-empty text there ({@code env.NAME}: {@code env.PATH}).
 *
 * @param type the name the agent is registered under
 * @param description one or two sentences on what the agent manages
 * @param parameters the parameters the agent understands; empty if it does not say (then every
 *     parameter is accepted without a warning)
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

    /** True if {@code name} is a declared parameter, or matches a declared template such as {@code argv.N}. */
    public boolean declares(String name) {
        return parameters.stream().anyMatch(p -> p.matches(name));
    }

    /**
     * The required parameters that {@code spec} does not set, or sets to the empty string, in
     * declaration order. A node refuses to start with such a resource.
     */
    public List<String> missingParameters(ResourceSpec spec) {
        List<String> missing = new ArrayList<>();
        for (String required : requiredParameters()) {
            String value = spec.parameters().get(required);
            if (value == null || value.isEmpty()) {
                missing.add(required);
            }
        }
        return List.copyOf(missing);
    }

    /**
     * The parameters of {@code spec} that this metadata does not declare (most likely misspelled),
     * each with the closest declared name; empty if none, or if the metadata declares no parameter
     * at all (the agent did not say which it takes). A node logs each as a warning when it starts.
     */
    public List<UnknownParameter> unknownParameters(ResourceSpec spec) {
        if (parameters.isEmpty()) {
            return List.of();
        }
        List<String> declared = parameters.stream().map(Parameter::name).toList();
        List<UnknownParameter> unknown = new ArrayList<>();
        for (String name : spec.parameters().keySet()) {
            if (!declares(name)) {
                unknown.add(new UnknownParameter(spec.id(), spec.agentType(), name, closest(name), declared));
            }
        }
        return List.copyOf(unknown);
    }

    /**
     * The declared parameter closest to {@code name}, if one is close: at most one edit (insert,
     * delete, replace or swap two neighbours, ignoring case) per three characters of {@code name},
     * at most three. For a template the suggestion keeps the name's last part ({@code arg.1} gives
     * {@code argv.1}).
     */
    public Optional<String> closest(String name) {
        int limit = Math.max(1, Math.min(3, name.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Parameter p : parameters) {
            String candidate = p.instance(name);
            int d = Names.distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * One parameter of an agent.
     *
     * @param name the parameter's name, or a template such as {@code argv.N} (see {@link AgentMetadata})
     * @param required whether a resource must set it
     * @param defaultValue the value used when it is not set; empty if none
     * @param description what the parameter means
     */
    public record Parameter(String name, boolean required, String defaultValue, String description) {
        /** True if {@code candidate} is this parameter, or an instance of this template. */
        public boolean matches(String candidate) {
            if (name.equals(candidate)) {
                return true;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0 || !isPlaceholder(name.substring(dot + 1))) {
                return false;
            }
            String prefix = name.substring(0, dot + 1);
            if (!candidate.startsWith(prefix) || candidate.length() == prefix.length()) {
                return false;
            }
            String rest = candidate.substring(prefix.length());
            return !name.endsWith(".N") || rest.chars().allMatch(c -> c >= '0' && c <= '9');
        }

        /** This parameter's name, or for a template, the instance of it with {@code like}'s last part. */
        String instance(String like) {
            int dot = name.lastIndexOf('.');
            int likeDot = like.lastIndexOf('.');
            if (dot < 0 || !isPlaceholder(name.substring(dot + 1)) || likeDot < 0 || likeDot == like.length() - 1) {
                return name;
            }
            return name.substring(0, dot + 1) + like.substring(likeDot + 1);
        }

        private static boolean isPlaceholder(String part) {
            return !part.isEmpty() && part.chars().allMatch(c -> c >= 'A' && c <= 'Z');
        }
    }
}
