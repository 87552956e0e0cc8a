package io.hastack.core.exec;

import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentOutcome;
import java.time.Duration;
import java.util.Objects;

/**
 * How one agent call ended.
 *
 * @param resource the resource
 * @param operation the operation called
 * @param completion whether the agent answered, timed out or threw
 * @param outcome the agent's answer; for a timeout or exception, a generic error naming it
 * @param elapsed how long the call took (up to the timeout)
 */
public record OperationResult(
        ResourceId resource, Operation operation, Completion completion, AgentOutcome outcome, Duration elapsed) {

    /** Validates the fields. */
    public OperationResult {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** How a call ended. */
    public enum Completion {
        /** The agent returned an outcome. */
        ANSWERED,
        /** The agent did not return within the operation's timeout; it was interrupted. */
        TIMED_OUT,
        /** The agent threw an exception. */
        THREW
    }

    /** True if the agent answered with success. */
    public boolean succeeded() {
        return completion == Completion.ANSWERED && outcome.isSuccess();
    }

    @Override
    public String toString() {
        return operation.externalName() + " " + resource + ": " + outcome + " in " + elapsed.toMillis() + " ms";
    }
}
