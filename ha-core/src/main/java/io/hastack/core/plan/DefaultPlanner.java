package io.hastack.core.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planner of the walking skeleton. For each group, in configuration order, it runs three
 * stages:
 *
 * <ol>
 *   <li><b>hold</b>: a group that is blocked (a stop failed), mid-action, or active on a node whose
 *       configuration differs is left alone, with a note saying why;
 *   <li><b>placement</b>: the group stays on the node where it is active if that node may still run
 *       it (stickiness); otherwise it goes to the eligible node running the fewest groups, ties
 *       broken by view order. A node may run a group if it is {@link NodeStatus#ONLINE} and no
 *       resource of the group has reached the migration threshold of failures there;
 *   <li><b>actions</b>: stop every copy of the group away from its target (reverse group order);
 *       once nothing is active elsewhere, restart from the first resource on the target that is not
 *       running: stop the resources after it and it if it failed, then start it and the rest in
 *       order.
 * </ol>
 *
 * Starts on a new node are emitted only when no other node reports a resource of the group active,
 * so an exclusive group is never started while a member still holds it.
 */
public final class DefaultPlanner implements Planner {

    @Override
    public Plan plan(ClusterSnapshot given, Instant now) {
        ClusterSnapshot snapshot = withoutFencedStates(given);
        ClusterConfig config = snapshot.config();
        List<Action> actions = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Map<ResourceGroup, Optional<NodeId>> held = new LinkedHashMap<>();
        for (ResourceGroup group : config.groups()) {
            holdReason(snapshot, group).ifPresent(reason -> {
                notes.add(reason);
                held.put(group, activeNode(snapshot, group));
            });
        }

        // Placement: sticky groups first, so that new placements see the true load of each node.
        Map<NodeId, Integer> load = new HashMap<>();
        held.values().forEach(n -> n.ifPresent(node -> load.merge(node, 1, Integer::sum)));
        Map<ResourceGroup, NodeId> targets = new LinkedHashMap<>();
        for (ResourceGroup group : config.groups()) {
            if (held.containsKey(group)) {
                continue;
            }
            activeNode(snapshot, group).filter(n -> mayRun(snapshot, group, n)).ifPresent(n -> {
                targets.put(group, n);
                load.merge(n, 1, Integer::sum);
            });
        }
        for (ResourceGroup group : config.groups()) {
            if (held.containsKey(group) || targets.containsKey(group)) {
                continue;
            }
            NodeId best = null;
            for (NodeInfo n : snapshot.nodes()) {
                if (mayRun(snapshot, group, n.node())
                        && (best == null || load.getOrDefault(n.node(), 0) < load.getOrDefault(best, 0))) {
                    best = n.node();
                }
            }
            if (best == null) {
                notes.add("group " + group.id() + " cannot run: " + whyNowhere(snapshot, group));
            } else {
                targets.put(group, best);
                load.merge(best, 1, Integer::sum);
            }
        }

        for (ResourceGroup group : config.groups()) {
            if (!held.containsKey(group)) {
                actionsFor(snapshot, group, targets.get(group), actions);
            }
        }
        return new Plan(snapshot.viewId(), actions, notes);
    }

    /** A fenced node runs nothing, whatever it last reported. */
    private static ClusterSnapshot withoutFencedStates(ClusterSnapshot snapshot) {
        if (snapshot.nodes().stream().noneMatch(n -> n.status() == NodeStatus.FENCED)) {
            return snapshot;
        }
        List<NodeInfo> nodes = new ArrayList<>();
        for (NodeInfo n : snapshot.nodes()) {
            nodes.add(n.status() == NodeStatus.FENCED ? new NodeInfo(n.node(), n.status(), Map.of(), Map.of()) : n);
        }
        return new ClusterSnapshot(snapshot.config(), snapshot.viewId(), nodes);
    }

    /** Why the planner must not touch {@code group} now, if it must not. */
    private static Optional<String> holdReason(ClusterSnapshot snapshot, ResourceGroup group) {
        for (NodeInfo n : snapshot.nodes()) {
            for (ResourceSpec r : group.resources()) {
                ResourceState s = n.state(r.id());
                if (s == ResourceState.BLOCKED) {
                    return Optional.of("group " + group.id() + " is blocked: stop of " + r.id() + " failed on "
                            + n.node() + "; it may still run there, so the group is not started anywhere"
                            + " until the resource is cleaned up");
                }
                if (s.isTransient()) {
                    return Optional.of("group " + group.id() + " waits: " + r.id() + " is "
                            + s.name().toLowerCase(java.util.Locale.ROOT) + " on " + n.node());
                }
                if (s.isActive() && n.status() == NodeStatus.CONFIG_MISMATCH) {
                    return Optional.of("group " + group.id() + " is left alone: " + r.id() + " is active on "
                            + n.node() + ", whose configuration differs from the coordinator's");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The node where the group is active: most running resources, then most active ones, then view
     * order. Empty if it is active nowhere.
     */
    private static Optional<NodeId> activeNode(ClusterSnapshot snapshot, ResourceGroup group) {
        NodeId best = null;
        int bestRunning = 0;
        int bestActive = 0;
        for (NodeInfo n : snapshot.nodes()) {
            int running = 0;
            int active = 0;
            for (ResourceSpec r : group.resources()) {
                ResourceState s = n.state(r.id());
                running += s == ResourceState.RUNNING ? 1 : 0;
                active += s.isActive() ? 1 : 0;
            }
            if (active > 0 && (running > bestRunning || (running == bestRunning && active > bestActive))) {
                best = n.node();
                bestRunning = running;
                bestActive = active;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean mayRun(ClusterSnapshot snapshot, ResourceGroup group, NodeId node) {
        NodeInfo info = info(snapshot, node);
        return info.status() == NodeStatus.ONLINE && failedOut(snapshot.config(), group, info).isEmpty();
    }

    /** The first resource of the group that reached the migration threshold on {@code info}'s node. */
    private static Optional<ResourceSpec> failedOut(ClusterConfig config, ResourceGroup group, NodeInfo info) {
        return group.resources().stream()
                .filter(r -> info.failCount(r.id()) >= config.migrationThreshold())
                .findFirst();
    }

    private static String whyNowhere(ClusterSnapshot snapshot, ResourceGroup group) {
        List<String> why = new ArrayList<>();
        for (NodeInfo n : snapshot.nodes()) {
            why.add(n.node() + " " + whyNot(snapshot, group, n));
        }
        return String.join("; ", why);
    }

    /** Why {@code n} may not run the group, in words that follow the node's name. */
    private static String whyNot(ClusterSnapshot snapshot, ResourceGroup group, NodeInfo n) {
        return switch (n.status()) {
            case LEAVING -> "is shutting down";
            case STANDBY -> "is in standby";
            case NO_QUORUM -> "has no quorum";
            case FENCED -> "has been fenced";
            case CONFIG_MISMATCH -> "has a different configuration";
            case ONLINE -> failedOut(snapshot.config(), group, n)
                    .map(r -> "saw " + r.id() + " fail " + times(n.failCount(r.id())) + " (migration-threshold "
                            + snapshot.config().migrationThreshold() + ")")
                    .orElse("holds a second copy");
        };
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    private static void actionsFor(ClusterSnapshot snapshot, ResourceGroup group, NodeId target, List<Action> out) {
        boolean activeElsewhere = false;
        for (NodeInfo n : snapshot.nodes()) {
            if (n.node().equals(target)) {
                continue;
            }
            List<ResourceSpec> reversed = new ArrayList<>(group.resources());
            java.util.Collections.reverse(reversed);
            for (ResourceSpec r : reversed) {
                if (n.state(r.id()).isActive()) {
                    activeElsewhere = true;
                    String why = n.node() + " " + whyNot(snapshot, group, n);
                    String reason = target == null
                            ? "group " + group.id() + " can run nowhere: " + why
                            : "group " + group.id() + " moves " + n.node() + " -> " + target + ": " + why;
                    out.add(new Action(ActionType.STOP, n.node(), group.id(), r.id(), reason));
                }
            }
        }
        if (target == null || activeElsewhere) {
            return;
        }
        NodeInfo node = info(snapshot, target);
        List<ResourceSpec> resources = group.resources();
        int first = 0;
        while (first < resources.size() && node.state(resources.get(first).id()) == ResourceState.RUNNING) {
            first++;
        }
        if (first == resources.size()) {
            return;
        }
        ResourceSpec broken = resources.get(first);
        boolean failed = node.state(broken.id()) == ResourceState.FAILED;
        for (int i = resources.size() - 1; i > first; i--) {
            if (node.state(resources.get(i).id()).isActive()) {
                out.add(new Action(ActionType.STOP, target, group.id(), resources.get(i).id(),
                        "restart after " + broken.id() + " in group " + group.id()));
            }
        }
        String startReason;
        if (failed) {
            String count = "failure " + node.failCount(broken.id()) + " of "
                    + snapshot.config().migrationThreshold() + " before the group moves";
            out.add(new Action(ActionType.STOP, target, group.id(), broken.id(),
                    "recover " + broken.id() + " on " + target + ": it failed (" + count + ")"));
            startReason = "restart " + broken.id() + " in place after its failure (" + count + ")";
        } else if (first > 0) {
            startReason = "group " + group.id() + " continues on " + target + " from " + broken.id();
        } else {
            startReason = "group " + group.id() + " is placed on " + target;
        }
        for (int i = first; i < resources.size(); i++) {
            out.add(new Action(ActionType.START, target, group.id(), resources.get(i).id(),
                    i == first ? startReason
                            : "group " + group.id() + " starts in order after " + resources.get(i - 1).id()));
        }
    }

    private static NodeInfo info(ClusterSnapshot snapshot, NodeId node) {
        for (NodeInfo n : snapshot.nodes()) {
            if (n.node().equals(node)) {
                return n;
            }
        }
        throw new IllegalArgumentException("node " + node + " is not in the snapshot");
    }
}
