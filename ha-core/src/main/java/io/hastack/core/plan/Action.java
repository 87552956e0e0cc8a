package io.hastack.core.plan;

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
 */
public record Action(ActionType type, NodeId node, GroupId group, ResourceId resource, String reason) {
    /** Validates the fields. */
    public Action {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reason, "reason");
    }

    /** One line: {@code start web on node2: <reason>}. */
    public String describe() {
        return type.name().toLowerCase(Locale.ROOT) + " " + resource + " on " + node + ": " + reason;
    }

    @Override
    public String toString() {
        return describe();
    }
}
