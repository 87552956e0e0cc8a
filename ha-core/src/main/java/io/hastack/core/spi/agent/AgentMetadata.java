package io.hastack.core.spi.agent;

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
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The optimal string alignment distance (Levenshtein with swaps of neighbours) of {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
