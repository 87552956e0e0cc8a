package io.hastack.core.spi.plan;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import java.util.Objects;

/**
 * The planner's decision to fence a node: a resource there failed with {@code on-fail=fence}, or
 * its stop failed and the cluster has a fence device. The coordinator carries it out with the
 * cluster's fence device; it is never sent to a node.
 *
 * @param node the node to fence
 * @param group the group of the resource that asks for it
 * @param resource the resource that asks for it
 * @param reason why, in words a user can read
 */
public record Fence(NodeId node, GroupId group, ResourceId resource, String reason) {
    /** Validates the fields. */
    public Fence {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reason, "reason");
    }

    /** One line: {@code fence node1: <reason>}. */
    public String describe() {
        return "fence " + node + ": " + reason;
    }

    @Override
    public String toString() {
        return describe();
    }
}
