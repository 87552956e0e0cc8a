package io.hastack.core.plan;

import io.hastack.core.membership.ViewId;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the planner decides from: the configuration, the view the plan is for, and what every
 * member reported. Immutable.
 *
 * @param config the resource configuration
 * @param viewId the view the plan will be executed in
 * @param nodes every member, in view order (coordinator first)
 * @param moves operators' manual moves and bans, lapsed ones included (the planner ignores those)
 */
public record ClusterSnapshot(ClusterConfig config, ViewId viewId, List<NodeInfo> nodes, List<Move> moves) {
    /** Validates the fields: no member twice. */
    public ClusterSnapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(viewId, "viewId");
        nodes = List.copyOf(nodes);
        moves = List.copyOf(moves);
        Map<NodeId, NodeInfo> seen = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            if (seen.put(n.node(), n) != null) {
                throw new IllegalArgumentException("snapshot lists node " + n.node() + " twice");
            }
        }
    }

    /** A snapshot without manual moves. */
    public ClusterSnapshot(ClusterConfig config, ViewId viewId, List<NodeInfo> nodes) {
        this(config, viewId, nodes, List.of());
    }

    /** This snapshot with {@code newNodes} in place of its members. */
    public ClusterSnapshot withNodes(List<NodeInfo> newNodes) {
        return new ClusterSnapshot(config, viewId, newNodes, moves);
    }

    /** The member {@code node}, if it is one. */
    public java.util.Optional<NodeInfo> node(NodeId node) {
        return nodes.stream().filter(n -> n.node().equals(node)).findFirst();
    }

    /** The members, in view order. */
    public List<NodeId> members() {
        List<NodeId> ids = new ArrayList<>(nodes.size());
        nodes.forEach(n -> ids.add(n.node()));
        return ids;
    }
}
