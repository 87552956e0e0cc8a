package io.hastack.core.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the planner derives from a snapshot before deciding anything: effective states (fenced
 * members run nothing; a failure whose policy is {@code ignore} counts as running), failures that
 * still count at {@code now}, and where each group is active. Built once per plan; read-only after.
 */
final class PlanContext {
    /** How many members of a group run, and how many are active, on one node. */
    record Presence(int running, int active) {}

    /** A failure of a resource of some group on some node. */
    record FailureAt(NodeId node, ResourceSpec resource, Failure failure) {}

    final ClusterSnapshot snapshot;
    final ClusterConfig config;
    final Instant now;
    final List<NodeInfo> nodes;
    private final Map<NodeId, NodeInfo> byId = new HashMap<>();
    private final Map<NodeId, Map<ResourceId, ResourceState>> states = new HashMap<>();
    private final Map<GroupId, Map<NodeId, Presence>> presence = new HashMap<>();
    private final Map<GroupId, List<FailureAt>> failures = new HashMap<>();
    private Instant recheck;

    PlanContext(ClusterSnapshot snapshot, Instant now) {
        this.snapshot = snapshot;
        this.config = snapshot.config();
        this.now = now;
        this.nodes = snapshot.nodes();
        for (NodeInfo n : nodes) {
            byId.put(n.node(), n);
            Map<ResourceId, ResourceState> effective = new HashMap<>();
            if (n.status() != NodeStatus.FENCED) {
                n.states().forEach((r, s) -> {
                    if (s.isActive()) {
                        effective.put(
                                r,
                                s == ResourceState.FAILED && policyOfLastFailure(n, r) == OnFail.IGNORE
                                        ? ResourceState.RUNNING
                                        : s);
                    }
                });
            }
            states.put(n.node(), effective);
            effective.forEach((r, s) -> config.groupOf(r)
                    .ifPresent(g -> presence.computeIfAbsent(g, k -> new LinkedHashMap<>())
                            .merge(
                                    n.node(),
                                    new Presence(s == ResourceState.RUNNING ? 1 : 0, 1),
                                    (a, b) -> new Presence(a.running() + b.running(), a.active() + b.active()))));
            n.failures()
                    .forEach((r, f) -> config.resource(r).ifPresent(spec -> {
                        failures.computeIfAbsent(config.groupOf(r).orElseThrow(), k -> new ArrayList<>())
                                .add(new FailureAt(n.node(), spec, f));
                        Instant expires = f.expiresAt(config.failureTimeout(spec));
                        if (expires != null && expires.isAfter(now)) {
                            recheckAt(expires);
                        }
                    }));
        }
        for (Move m : snapshot.moves()) {
            m.until().filter(now::isBefore).ifPresent(this::recheckAt);
        }
    }

    private OnFail policyOfLastFailure(NodeInfo n, ResourceId r) {
        Failure f = n.failures().get(r);
        return config.resource(r)
                .map(spec -> config.onFail(spec, f == null ? Operation.MONITOR : f.operation()))
                .orElse(OnFail.RESTART);
    }

    /** The member {@code node}. */
    NodeInfo node(NodeId node) {
        NodeInfo n = byId.get(node);
        if (n == null) {
            throw new IllegalArgumentException("node " + node + " is not in the snapshot");
        }
        return n;
    }

    /** The effective state of {@code resource} on {@code node}. */
    ResourceState state(NodeId node, ResourceId resource) {
        return states.get(node).getOrDefault(resource, ResourceState.STOPPED);
    }

    /** Where members of {@code group} are active, in view order of first report. */
    Map<NodeId, Presence> presence(GroupId group) {
        return presence.getOrDefault(group, Map.of());
    }

    /** Every recorded failure (expired or not) of a member of {@code group}, by node in view order. */
    List<FailureAt> failures(GroupId group) {
        return failures.getOrDefault(group, List.of());
    }

    /** The effective states of the active resources on {@code node}. */
    Map<ResourceId, ResourceState> activeStates(NodeId node) {
        return states.get(node);
    }

    /** The failures of {@code resource} on {@code node} that still count now (0 once expired). */
    int failCount(NodeId node, ResourceSpec resource) {
        Failure f = node(node).failures().get(resource.id());
        return f == null || f.expired(config.failureTimeout(resource), now) ? 0 : f.count();
    }

    /** The last failure of {@code resource} on {@code node}, expired or not. */
    Optional<Failure> failure(NodeId node, ResourceId resource) {
        return Optional.ofNullable(node(node).failures().get(resource));
    }

    /** The on-fail policy of the last failure of {@code resource} on {@code node} (restart if none is recorded). */
    OnFail policy(NodeId node, ResourceSpec resource) {
        return config.onFail(
                resource, failure(node, resource.id()).map(Failure::operation).orElse(Operation.MONITOR));
    }

    /** What failed last, in words: {@code monitor of db}. */
    String whatFailed(NodeId node, ResourceSpec resource) {
        return failure(node, resource.id())
                        .map(f -> f.operation().externalName())
                        .orElse("probe") + " of " + resource.id();
    }

    /** The node where the exclusive {@code group} is active: most running members, then most active, then view order. */
    Optional<NodeId> activeNode(ResourceGroup group) {
        NodeId best = null;
        Presence bestP = null;
        for (NodeInfo n : nodes) {
            Presence p = presence(group.id()).get(n.node());
            if (p != null
                    && (bestP == null
                            || p.running() > bestP.running()
                            || (p.running() == bestP.running() && p.active() > bestP.active()))) {
                best = n.node();
                bestP = p;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every node where members of {@code group} are active, in view order. */
    List<NodeId> activeNodes(ResourceGroup group) {
        List<NodeId> result = new ArrayList<>();
        Map<NodeId, Presence> p = presence(group.id());
        for (NodeInfo n : nodes) {
            if (p.containsKey(n.node())) {
                result.add(n.node());
            }
        }
        return result;
    }

    /** Asks for a new plan at {@code at} at the latest. */
    void recheckAt(Instant at) {
        if (recheck == null || at.isBefore(recheck)) {
            recheck = at;
        }
    }

    Optional<Instant> recheck() {
        return Optional.ofNullable(recheck);
    }
}
