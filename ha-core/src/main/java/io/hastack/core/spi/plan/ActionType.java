package io.hastack.core.spi.plan;

import io.hastack.core.model.Operation;

/** What an action does to a resource. */
public enum ActionType {
    /** Start the resource. */
    START(Operation.START),
    /** Stop the resource. */
    STOP(Operation.STOP);

    private final Operation operation;

    ActionType(Operation operation) {
        this.operation = operation;
    }

    /** The agent operation that carries out this action. */
    public Operation operation() {
        return operation;
    }
}
