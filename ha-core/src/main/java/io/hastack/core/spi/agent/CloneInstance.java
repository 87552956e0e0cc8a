package io.hastack.core.spi.agent;

/**
 * Which copy of a clone an agent call is for, with the clone's settings, as Pacemaker passes them
 * to agents ({@code CRM_meta_clone}, {@code clone_max}, {@code clone_node_max},
 * {@code globally_unique}, {@code notify}). HA Stack's clones are anonymous, one copy per node,
 * without notifications.
 *
 * @param number this copy's number: the node's position in the configured node list, from 0
 * @param max the most copies that run at once ({@code clone-max}, capped at the number of nodes)
 * @param nodeMax the most copies on one node ({@code clone-node-max})
 * @param globallyUnique whether copies differ from one another
 * @param notifies whether the agent gets pre- and post-notifications
 */
public record CloneInstance(int number, int max, int nodeMax, boolean globallyUnique, boolean notifies) {
    /** Checks the numbers. */
    public CloneInstance {
        if (number < 0 || max < 1 || nodeMax < 1) {
            throw new IllegalArgumentException("clone instance: number must be at least 0 and max and node-max at"
                    + " least 1, were " + number + ", " + max + ", " + nodeMax);
        }
    }

    /** An anonymous copy, one per node, without notifications: how HA Stack runs clones. */
    public static CloneInstance anonymous(int number, int max) {
        return new CloneInstance(number, max, 1, false, false);
    }
}
