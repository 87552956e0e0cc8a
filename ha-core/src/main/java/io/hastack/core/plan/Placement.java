package io.hastack.core.plan;

import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.Score;
import io.hastack.core.plan.PlanContext.Presence;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The placement stage: scores every group on every member and picks its node (or, for a clone, its
 * nodes). Groups are placed with-groups first (colocation order), then in configuration order.
 *
 * <p>A score is the sum ({@link Score#add}) of: -INFINITY where the node may not run the group
 * (not online, being fenced, failures at the threshold, on-fail=migrate, an unmanaged member active
 * elsewhere), location constraints and manual moves, stickiness on the node where the group runs
 * (the stickiness of each running member), and colocation with groups already placed. The group
 * goes to the node with the highest score of 0 or more; ties go to the node where it runs, then to
 * the node with the fewest groups, then to the first in view order.
 */
final class Placement {
    /** One contribution to a score. */
    record Part(String text, int value) {
        String render() {
            return text + " " + Score.signed(value);
        }
    }

    /** A group's score on one node. */
    static final class NodeScore {
        final NodeId node;
        /** The parts, in order; most scores have none, so the list is made on the first. */
        List<Part> parts = List.of();

        int total;

        NodeScore(NodeId node) {
            this.node = node;
        }

        void add(String text, int value) {
            if (parts.isEmpty()) {
                parts = new ArrayList<>(2);
            }
            parts.add(new Part(text, value));
            total = Score.add(total, value);
        }

        /** This score, final. */
        Scored frozen() {
            return new Scored(node, total, parts);
        }
    }

    /**
     * A group's final score on one node, as the placement stage hands it on.
     *
     * @param node the node
     * @param total the score
     * @param parts what it is made of, in order
     */
    record Scored(NodeId node, int total, List<Part> parts) {
        /** Copies the parts. */
        Scored {
            parts = List.copyOf(parts);
        }

        /** Why this node may not (or would rather not) run the group, from its negative parts. */
        String against() {
            List<String> negatives = new ArrayList<>();
            for (Part p : parts) {
                if (p.value() <= -Score.INFINITY) {
                    return p.text();
                }
                if (p.value() < 0) {
                    negatives.add(p.render());
                }
            }
            return node + " scores " + Score.format(total)
                    + (negatives.isEmpty() ? "" : " (" + String.join(", ", negatives) + ")");
        }
    }

    /**
     * What the placement stage hands to the next stages: where each group goes and its scores.
     *
     * @param targets each group's chosen node(s), empty if it can run nowhere (or was held)
     * @param scores each placed group's score on every member, in view order
     */
    record Result(Map<GroupId, List<NodeId>> targets, Map<GroupId, List<Scored>> scores) {
        /** Copies the maps. */
        Result {
            targets = Map.copyOf(targets);
            scores = Map.copyOf(scores);
        }

        /** {@code group}'s node(s). */
        List<NodeId> targets(GroupId group) {
            return targets.getOrDefault(group, List.of());
        }

        /** The score of {@code group} on {@code node}, if the group was placed (not held). */
        Scored scoreOf(GroupId group, NodeId node) {
            for (Scored s : scores.getOrDefault(group, List.of())) {
                if (s.node().equals(node)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** The stage's result, final: where each group goes and its scores. */
    Result result() {
        Map<GroupId, List<NodeId>> t = new HashMap<>();
        targets.forEach((g, nodes) -> t.put(g, List.copyOf(nodes)));
        Map<GroupId, List<Scored>> s = new HashMap<>();
        scores.forEach(
                (g, list) -> s.put(g, list.stream().map(NodeScore::frozen).toList()));
        return new Result(t, s);
    }

    private final PlanContext ctx;
    private final Map<GroupId, List<LocationConstraint>> locations = new HashMap<>();
    private final Map<GroupId, List<ColocationConstraint>> colocations = new HashMap<>();
    private final Map<GroupId, List<Move>> moves = new HashMap<>();
    private final Map<GroupId, List<ResourceSpec>> unmanaged = new HashMap<>();
    private final Map<NodeId, Integer> load = new HashMap<>();
    private final Map<NodeId, Integer> viewIndex = new HashMap<>();
    /** Chosen nodes per group: one for an exclusive group, any number for a clone, none if it runs nowhere. */
    final Map<GroupId, List<NodeId>> targets = new HashMap<>();

    final Map<GroupId, List<NodeScore>> scores = new HashMap<>();

    private final Set<NodeId> fencing;

    Placement(PlanContext ctx, Set<NodeId> fencing) {
        this.ctx = ctx;
        this.fencing = fencing;
        ctx.config
                .locations()
                .forEach(c -> locations
                        .computeIfAbsent(c.group(), k -> new ArrayList<>())
                        .add(c));
        ctx.config
                .colocations()
                .forEach(c -> colocations
                        .computeIfAbsent(c.group(), k -> new ArrayList<>())
                        .add(c));
        ctx.snapshot
                .moves()
                .forEach(m ->
                        moves.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(m));
        ctx.config
                .groups()
                .forEach(g -> g.resources().stream()
                        .filter(r -> !r.managed())
                        .forEach(r -> unmanaged
                                .computeIfAbsent(g.id(), k -> new ArrayList<>())
                                .add(r)));
        for (int i = 0; i < ctx.nodes.size(); i++) {
            viewIndex.put(ctx.nodes.get(i).node(), i);
        }
        // Every group counts where it runs now until it is placed, so that early placements see the load.
        for (ResourceGroup g : ctx.config.groups()) {
            current(g).forEach(n -> load.merge(n, 1, Integer::sum));
        }
    }

    private List<NodeId> current(ResourceGroup group) {
        return group.isClone()
                ? ctx.activeNodes(group)
                : ctx.activeNode(group).stream().toList();
    }

    /**
     * The groups in placement order: every with-group before the groups colocated with it; among the
     * groups that are free to go, those active somewhere first (so that new placements see the true
     * load of each node), then configuration order.
     */
    static List<ResourceGroup> placementOrder(PlanContext ctx) {
        Map<GroupId, List<GroupId>> before = new HashMap<>();
        ctx.config
                .colocations()
                .forEach(c -> before.computeIfAbsent(c.group(), k -> new ArrayList<>())
                        .add(c.with()));
        return GroupOrder.topological(
                ctx.config.groups(), before, g -> ctx.presence(g.id()).isEmpty() ? 1 : 0);
    }

    /** Counts a group that stays where it is without being placed (held). */
    void hold(ResourceGroup group) {
        targets.put(group.id(), current(group)); // already counted in the load
    }

    /** Scores {@code group} on every member and chooses its node(s), or none with {@code why}. */
    void place(ResourceGroup group, String stopReason) {
        List<NodeScore> perNode = new ArrayList<>(ctx.nodes.size());
        for (NodeInfo n : ctx.nodes) {
            perNode.add(score(group, n, stopReason));
        }
        scores.put(group.id(), perNode);
        current(group).forEach(n -> load.merge(n, -1, Integer::sum));
        List<NodeScore> eligible = new ArrayList<>();
        for (NodeScore s : perNode) {
            if (s.total >= 0) {
                eligible.add(s);
            }
        }
        Map<NodeId, Presence> here = ctx.presence(group.id());
        java.util.Comparator<NodeScore> better = java.util.Comparator.<NodeScore>comparingInt(x -> -x.total)
                .thenComparingInt(x -> here.containsKey(x.node) ? 0 : 1)
                .thenComparingInt(x -> load.getOrDefault(x.node, 0))
                .thenComparingInt(x -> viewIndex.get(x.node));
        int copies = group.isClone() ? Math.min(group.cloneMax(), eligible.size()) : Math.min(1, eligible.size());
        List<NodeId> chosen = new ArrayList<>(copies);
        if (copies == 1) {
            NodeScore best = java.util.Collections.min(eligible, better);
            chosen.add(best.node);
        } else if (copies > 1) {
            eligible.sort(better);
            eligible.subList(0, copies).forEach(x -> chosen.add(x.node));
        }
        chosen.forEach(n -> load.merge(n, 1, Integer::sum));
        targets.put(group.id(), chosen);
    }

    private NodeScore score(ResourceGroup group, NodeInfo n, String stopReason) {
        NodeScore s = new NodeScore(n.node());
        NodeId node = n.node();
        if (stopReason != null) {
            s.add(stopReason, -Score.INFINITY);
        }
        String unavailable = switch (n.status()) {
            case ONLINE -> null;
            case LEAVING -> node + " is shutting down";
            case STANDBY -> node + " is in standby";
            case MAINTENANCE -> node + " is in maintenance";
            case NO_QUORUM -> node + " has no quorum";
            case FENCED -> node + " has been fenced";
            case CONFIG_MISMATCH -> node + " has a different configuration";
        };
        if (unavailable == null && fencing.contains(node)) {
            unavailable = node + " is being fenced";
        }
        if (unavailable != null) {
            s.add(unavailable, -Score.INFINITY);
        }
        for (PlanContext.FailureAt f : ctx.failures(group.id())) {
            if (!f.node().equals(node)) {
                continue;
            }
            ResourceSpec r = f.resource();
            int failures = ctx.failCount(node, r);
            if (failures == 0) {
                continue;
            }
            OnFail policy = ctx.policy(node, r);
            if (policy == OnFail.IGNORE) {
                continue;
            }
            int threshold = ctx.config.migrationThreshold(r);
            if (policy == OnFail.MIGRATE) {
                s.add(node + " saw " + ctx.whatFailed(node, r) + " fail (on-fail=migrate)", -Score.INFINITY);
            } else if (failures >= threshold) {
                s.add(
                        node + " saw " + r.id() + " fail " + times(failures) + " (migration-threshold " + threshold
                                + ")",
                        -Score.INFINITY);
            }
        }
        // An unmanaged member pins its group to where it is active: the cluster will not move it.
        for (ResourceSpec r : unmanaged.getOrDefault(group.id(), List.of())) {
            for (NodeId where : ctx.activeNodes(group)) {
                if (ctx.state(where, r.id()).isActive()) {
                    boolean here = where.equals(node);
                    s.add(
                            here
                                    ? r.id() + " is unmanaged and active here"
                                    : r.id() + " is unmanaged and active on " + where,
                            here ? Score.INFINITY : -Score.INFINITY);
                }
            }
        }
        for (LocationConstraint c : locations.getOrDefault(group.id(), List.of())) {
            if (c.node().equals(node)) {
                s.add(
                        c.score() <= -Score.INFINITY ? node + " is banned by location " + c.id() : "location " + c.id(),
                        c.score());
            }
        }
        for (Move m : moves.getOrDefault(group.id(), List.of())) {
            if (m.group().equals(group.id()) && m.node().equals(node) && m.activeAt(ctx.now)) {
                s.add(
                        (m.ban() ? node + " is banned by an operator" : "moved here by an operator")
                                + m.until().map(u -> " until " + u).orElse(""),
                        m.score());
            }
        }
        int stickiness = 0;
        if (ctx.presence(group.id()).containsKey(node)) {
            for (ResourceSpec r : group.resources()) {
                if (ctx.state(node, r.id()) == ResourceState.RUNNING) {
                    stickiness = Score.add(stickiness, ctx.config.stickiness(r));
                }
            }
        }
        if (stickiness != 0) {
            s.add("stickiness", stickiness);
        }
        for (ColocationConstraint c : colocations.getOrDefault(group.id(), List.of())) {
            List<NodeId> with = targets.getOrDefault(c.with(), List.of());
            if (with.isEmpty()) {
                if (c.score() >= Score.INFINITY) {
                    s.add("colocation " + c.id() + ": " + c.with() + " runs nowhere", -Score.INFINITY);
                }
            } else if (with.contains(node)) {
                s.add("colocation " + c.id() + (c.score() > 0 ? " with " : " apart from ") + c.with(), c.score());
            } else if (c.score() >= Score.INFINITY) {
                s.add(
                        "colocation " + c.id() + ": " + c.with() + " runs on " + with.get(0)
                                + (with.size() > 1 ? " and " + (with.size() - 1) + " more" : ""),
                        -Score.INFINITY);
            }
        }
        return s;
    }

    static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }
}
