package io.hastack.core.spi.plan;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Score;
import java.util.List;
import java.util.Objects;

/**
 * How much a group wants a node, and why: the parts that add up to the total, in the order they
 * were added ("location prefer-n1 +100", "stickiness +3", "n3 is in standby -INFINITY"). What
 * Pacemaker's {@code crm_simulate -s} shows. A group may run only where its total is 0 or more.
 *
 * @param group the group
 * @param node the node
 * @param total the sum of the parts (see {@link Score#add})
 * @param parts the contributions, each a reason and a signed score
 */
public record PlacementScore(GroupId group, NodeId node, int total, List<String> parts) {
    /** Validates and copies. */
    public PlacementScore {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(node, "node");
        parts = List.copyOf(parts);
    }

    /** One line: {@code web-group on n1: 101 (location prefer-n1 +100, stickiness +1)}. */
    public String describe() {
        return group + " on " + node + ": " + Score.format(total)
                + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }
}
