package io.hastack.core.plan;

import io.hastack.core.model.Operation;

/** What an action does to a resource. */
public enum ActionType {
    /** Start the resource. */
    START(Operation.START),
    /** Stop the resource. */
    STOP(Operation.STOP),
    /**
     * Fence the action's node (its resource's on-fail policy asked for it). The coordinator carries
     * it out with the cluster's fence device; it is never sent to a node.
     */
    FENCE(null);

    private final Operation operation;

    ActionType(Operation operation) {
        this.operation = operation;
    }

    /**
     * The agent operation that carries out this action.
     *
     * @throws IllegalStateException for {@link #FENCE}, which no agent carries out
     */
    public Operation operation() {
        if (operation == null) {
            throw new IllegalStateException(this + " is carried out by the coordinator, not by an agent");
        }
        return operation;
    }
}
