package io.hastack.resources;

import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import java.util.Optional;

/**
 * Typed access to agent parameters: each accessor parses a value once and reports a clear error
 * naming the resource, the parameter and what is wrong.
 */
public final class Parameters {
    private Parameters() {}

    /** Thrown by the accessors; carries the outcome the agent should return. */
    public static final class InvalidParameterException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient AgentOutcome outcome;

        InvalidParameterException(AgentResult result, String message) {
            super(message);
            this.outcome = AgentOutcome.of(result, message);
        }

        /** An invalid configuration of {@code ctx}'s resource: {@code problem} says what. */
        public InvalidParameterException(AgentContext ctx, String problem) {
            this(AgentResult.ERR_CONFIGURED, "resource " + ctx.resource() + ": " + problem);
        }

        /** The outcome to return: {@link AgentResult#ERR_CONFIGURED} with the message. */
        public AgentOutcome outcome() {
            return outcome;
        }
    }

    /** The value of required parameter {@code name}. */
    public static String required(AgentContext ctx, String name) {
        return ctx.parameter(name)
                .filter(v -> !v.isEmpty())
                .orElseThrow(() -> new InvalidParameterException(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": required parameter '" + name + "' is missing"));
    }

    /** The value of {@code name}, or {@code fallback} when unset. */
    public static String optional(AgentContext ctx, String name, String fallback) {
        return ctx.parameter(name).orElse(fallback);
    }

    /** A TCP port (1-65535) from required parameter {@code name}. */
    public static int port(AgentContext ctx, String name) {
        String raw = required(ctx, name);
        try {
            int port = Integer.parseInt(raw.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(
                AgentResult.ERR_CONFIGURED,
                "resource " + ctx.resource() + ": parameter '" + name + "' must be a port number 1-65535, was '" + raw
                        + "'");
    }

    /** A non-negative integer from optional parameter {@code name}. */
    public static Optional<Long> nonNegative(AgentContext ctx, String name) {
        Optional<String> raw = ctx.parameter(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(raw.get().trim());
            if (v >= 0) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(
                AgentResult.ERR_CONFIGURED,
                "resource " + ctx.resource() + ": parameter '" + name + "' must be a non-negative integer, was '"
                        + raw.get() + "'");
    }
}
