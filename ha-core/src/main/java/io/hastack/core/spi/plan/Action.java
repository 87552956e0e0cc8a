package io.hastack.core.spi.plan;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import java.util.Locale;
import java.util.Objects;

/**
 * One step of a plan: do {@code type} to {@code resource} on {@code node}, because {@code reason}.
 *
 * @param type start or stop
 * @param node where to do it
 * @param group the group the resource belongs to
 * @param resource the resource
 * @param reason why, in words a user can read ("node1 is shutting down")
 * @param epoch for a start, the fencing epoch the coordinator obtained for it (0 until then, and
 *     for stops)
 */
public record Action(ActionType type, NodeId node, GroupId group, ResourceId resource, String reason, long epoch) {
    /** Validates the fields. */
    public Action {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reason, "reason");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, was " + epoch);
        }
    }

    /** An action without an epoch, as the planner makes it. */
    public Action(ActionType type, NodeId node, GroupId group, ResourceId resource, String reason) {
        this(type, node, group, resource, reason, 0);
    }

    /** This action with fencing epoch {@code newEpoch}. */
    public Action withEpoch(long newEpoch) {
        return new Action(type, node, group, resource, reason, newEpoch);
    }

    /** One line: {@code start web on node2: <reason>}. */
    public String describe() {
        return type.name().toLowerCase(Locale.ROOT) + " " + resource + " on " + node
                + (epoch > 0 ? " (epoch " + epoch + ")" : "") + ": " + reason;
    }

    @Override
    public String toString() {
        return describe();
    }
}
