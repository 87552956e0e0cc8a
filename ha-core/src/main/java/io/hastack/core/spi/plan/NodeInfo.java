package io.hastack.core.spi.plan;

import io.hastack.core.model.Failure;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import java.util.Map;
import java.util.Objects;

/**
 * What the coordinator knows about one member: its status and, as the member last reported them,
 * the state and failure history of each resource on it.
 *
 * @param node the member
 * @param status how the coordinator regards it
 * @param states resource states on the member; a resource not listed is {@link ResourceState#STOPPED}
 * @param failures failures per resource on the member, expired or not; a resource not listed has none
 */
public record NodeInfo(
        NodeId node, NodeStatus status, Map<ResourceId, ResourceState> states, Map<ResourceId, Failure> failures) {

    /** Validates and copies the maps. */
    public NodeInfo {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        states = Map.copyOf(states);
        failures = Map.copyOf(failures);
    }

    /** An online member on which nothing runs and nothing failed. */
    public static NodeInfo idle(NodeId node) {
        return new NodeInfo(node, NodeStatus.ONLINE, Map.of(), Map.of());
    }

    /** The state of {@code resource} on this member. */
    public ResourceState state(ResourceId resource) {
        return states.getOrDefault(resource, ResourceState.STOPPED);
    }

    /** The failure count of {@code resource} on this member, expired or not. */
    public int failCount(ResourceId resource) {
        Failure f = failures.get(resource);
        return f == null ? 0 : f.count();
    }

    /** The failure count of every resource that has failed here, expired or not. */
    public Map<ResourceId, Integer> failCounts() {
        Map<ResourceId, Integer> counts = new java.util.TreeMap<>(java.util.Comparator.comparing(ResourceId::value));
        failures.forEach((r, f) -> counts.put(r, f.count()));
        return counts;
    }

    /** This member with status {@code newStatus}. */
    public NodeInfo withStatus(NodeStatus newStatus) {
        return new NodeInfo(node, newStatus, states, failures);
    }
}
