package io.hastack.core.spi.agent;

import java.util.Objects;

/**
 * What an agent operation returned: a result code and a short human-readable message.
 *
 * @param result the result code
 * @param message what happened, in words; empty when there is nothing to add
 */
public record AgentOutcome(AgentResult result, String message) {
    /** Validates the fields. */
    public AgentOutcome {
        Objects.requireNonNull(result, "result");
        message = message == null ? "" : message;
    }

    /** A successful outcome with no message. */
    public static AgentOutcome success() {
        return new AgentOutcome(AgentResult.SUCCESS, "");
    }

    /** A successful outcome with {@code message}. */
    public static AgentOutcome success(String message) {
        return new AgentOutcome(AgentResult.SUCCESS, message);
    }

    /** "Not running", the normal answer of monitor on a stopped resource. */
    public static AgentOutcome notRunning(String message) {
        return new AgentOutcome(AgentResult.NOT_RUNNING, message);
    }

    /** A generic failure with {@code message}. */
    public static AgentOutcome failed(String message) {
        return new AgentOutcome(AgentResult.ERR_GENERIC, message);
    }

    /** An outcome with result {@code result} and {@code message}. */
    public static AgentOutcome of(AgentResult result, String message) {
        return new AgentOutcome(result, message);
    }

    /** True if the result is {@link AgentResult#SUCCESS}. */
    public boolean isSuccess() {
        return result == AgentResult.SUCCESS;
    }

    @Override
    public String toString() {
        return message.isEmpty() ? result.name() : result + " (" + message + ")";
    }
}
