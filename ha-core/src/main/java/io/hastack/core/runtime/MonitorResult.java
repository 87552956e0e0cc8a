package io.hastack.core.runtime;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.ResourceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one recurring monitor of a running resource ended on a node, for a {@link MonitorListener}.
 * Not an {@link HaEvent}: monitors run every few seconds per resource and would flood the event
 * history (a failed one is also the event {@link EventData.MonitorFailed}). Immutable.
 *
 * @param time when the node took the result, by its clock
 * @param resource the resource monitored
 * @param status how the monitor ended
 * @param took how long the agent's monitor call took (up to its timeout)
 */
public record MonitorResult(Instant time, ResourceId resource, Status status, Duration took) {
    /** Checks the fields. */
    public MonitorResult {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(took, "took");
    }

    /** How a monitor ended. */
    public enum Status {
        /** The agent found the resource running. */
        OK,
        /** The agent found it failed or not running, or threw. */
        FAILED,
        /** The agent did not answer within the monitor's timeout. */
        TIMED_OUT
    }

    /** The result of the monitor call {@code call} of {@code resource}, taken at {@code time}. */
    static MonitorResult of(Instant time, ResourceId resource, OperationResult call) {
        Status status = call.succeeded()
                ? Status.OK
                : call.completion() == OperationResult.Completion.TIMED_OUT ? Status.TIMED_OUT : Status.FAILED;
        return new MonitorResult(time, resource, status, call.elapsed());
    }
}
