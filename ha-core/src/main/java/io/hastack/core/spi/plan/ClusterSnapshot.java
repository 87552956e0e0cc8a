package io.hastack.core.spi.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.ViewId;
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
 * @param departed nodes that left the cluster, with what they last reported; what they ran counts
 *     as stopped, and serves only to explain moves ("n1 left the cluster")
 * @param maintenanceMode true if an operator switched cluster maintenance mode on at run time (the
 *     configuration's own switch is {@link ClusterConfig#maintenanceMode()})
 * @param fenceDevice true if the cluster has a fence device: then a node whose stop failed (a
 *     blocked resource with {@code on-fail=fence} for stop, the default) is fenced
 */
public record ClusterSnapshot(
        ClusterConfig config,
        ViewId viewId,
        List<NodeInfo> nodes,
        List<Move> moves,
        List<NodeInfo> departed,
        boolean maintenanceMode,
        boolean fenceDevice) {
    /** Validates the fields: no member twice. */
    public ClusterSnapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(viewId, "viewId");
        nodes = List.copyOf(nodes);
        moves = List.copyOf(moves);
        departed = List.copyOf(departed);
        Map<NodeId, NodeInfo> seen = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            if (seen.put(n.node(), n) != null) {
                throw new IllegalArgumentException("snapshot lists node " + n.node() + " twice");
            }
        }
    }

    /** A snapshot without manual moves or a fence device. */
    public ClusterSnapshot(ClusterConfig config, ViewId viewId, List<NodeInfo> nodes) {
        this(config, viewId, nodes, List.of(), List.of(), false, false);
    }

    /** A snapshot without departed nodes or a fence device. */
    public ClusterSnapshot(ClusterConfig config, ViewId viewId, List<NodeInfo> nodes, List<Move> moves) {
        this(config, viewId, nodes, moves, List.of(), false, false);
    }

    /** A snapshot without a run-time maintenance switch or a fence device. */
    public ClusterSnapshot(
            ClusterConfig config, ViewId viewId, List<NodeInfo> nodes, List<Move> moves, List<NodeInfo> departed) {
        this(config, viewId, nodes, moves, departed, false, false);
    }

    /** This snapshot with {@code newNodes} in place of its members. */
    public ClusterSnapshot withNodes(List<NodeInfo> newNodes) {
        return new ClusterSnapshot(config, viewId, newNodes, moves, departed, maintenanceMode, fenceDevice);
    }

    /** This snapshot without member {@code node}, which is recorded as departed with what it reported. */
    public ClusterSnapshot without(NodeId node) {
        List<NodeInfo> rest = new ArrayList<>(nodes);
        List<NodeInfo> gone = new ArrayList<>(departed);
        for (NodeInfo n : nodes) {
            if (n.node().equals(node)) {
                rest.remove(n);
                gone.removeIf(d -> d.node().equals(node));
                gone.add(n);
            }
        }
        return new ClusterSnapshot(config, viewId, rest, moves, gone, maintenanceMode, fenceDevice);
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
