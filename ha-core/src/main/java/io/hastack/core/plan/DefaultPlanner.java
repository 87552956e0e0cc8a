package io.hastack.core.plan;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.Score;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.Fence;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.core.spi.plan.PlacementScore;
import io.hastack.core.spi.plan.Plan;
import io.hastack.core.spi.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policy engine: a pure function from a snapshot and a time to a plan. Its stages:
 *
 * <ol>
 *   <li><b>fence</b>: a resource whose failed operation has {@code on-fail=fence} gets its node
 *       fenced, and so does a resource whose stop failed (blocked) when the cluster has a fence
 *       device and its stop's on-fail is fence (the default): a {@link Fence} in the plan, carried
 *       out by the coordinator, the only place where fencing is decided;
 *   <li><b>hold</b>: a group that is blocked (a stop failed, or {@code on-fail=block}), mid-action,
 *       active on a node being fenced, in maintenance or with a different configuration, or with a
 *       failed unmanaged member, is left alone with a note saying why. In cluster maintenance mode
 *       every group is;
 *   <li><b>placement</b> ({@link Placement}): every other group is scored on every member (location,
 *       moves, stickiness, colocation, failures, node status) and goes to its best node, or nowhere
 *       if no node scores 0 or more; a clone goes to its best {@code clone-max} nodes;
 *   <li><b>actions</b>: stop every copy away from the target (reverse group order); once nothing is
 *       active elsewhere, restart from the first member on the target that is not running;
 *   <li><b>ordering</b>: a mandatory order stops the then-group before its first-group stops and
 *       starts it only once the first-group runs (or starts before it on the same node); an optional
 *       order only sequences starts in one transition. All stops come before all starts, stops in
 *       reverse order of the order constraints, starts in their order.
 * </ol>
 *
 * <p>Starts on a node are emitted only when no other node reports a member of an exclusive group
 * active, so an exclusive group is never started while a member still holds it.
 */
public final class DefaultPlanner implements Planner {

    /** The stops and starts of one group, as the actions stage hands them to the ordering stage. */
    private record GroupActions(List<Action> stops, List<Action> starts) {
        GroupActions {
            stops = List.copyOf(stops);
            starts = List.copyOf(starts);
        }

        /** These stops, without the starts. */
        GroupActions withoutStarts() {
            return new GroupActions(stops, List.of());
        }

        static final GroupActions NONE = new GroupActions(List.of(), List.of());
    }

    @Override
    public Plan plan(ClusterSnapshot snapshot, Instant now) {
        PlanContext ctx = new PlanContext(snapshot, now);
        List<String> notes = new ArrayList<>();
        if (ctx.config.maintenanceMode() || snapshot.maintenanceMode()) {
            notes.add("maintenance mode: the cluster starts and stops nothing; resources are monitored and left as"
                    + " they are");
            return new Plan(snapshot.viewId(), List.of(), List.of(), notes, List.of(), ctx.recheck());
        }
        Map<NodeId, Fence> fences = fences(ctx);
        Map<GroupId, String> held = new LinkedHashMap<>();
        for (ResourceGroup group : ctx.config.groups()) {
            holdReason(ctx, group, fences.keySet()).ifPresent(reason -> {
                notes.add(reason);
                held.put(group.id(), reason);
            });
        }

        Placement placement = new Placement(ctx, fences.keySet());
        ctx.config.groups().stream().filter(g -> held.containsKey(g.id())).forEach(placement::hold);
        List<ResourceGroup> nowhere = new ArrayList<>();
        for (ResourceGroup group : Placement.placementOrder(ctx)) {
            if (held.containsKey(group.id())) {
                continue;
            }
            placement.place(group, stopReason(ctx, group));
            if (placement.targets.get(group.id()).isEmpty()) {
                nowhere.add(group);
            }
        }
        Placement.Result placed = placement.result();
        for (ResourceGroup group : nowhere) {
            notes.add(
                    (group.isClone() ? "clone " : "group ") + group.id() + " cannot run: " + whyNowhere(placed, group));
        }

        Map<GroupId, GroupActions> perGroup = new HashMap<>();
        for (ResourceGroup group : ctx.config.groups()) {
            if (!held.containsKey(group.id())) {
                perGroup.put(group.id(), actionsFor(ctx, placed, group, notes));
            }
        }
        List<ResourceGroup> ordered = GroupOrder.startOrder(ctx.config);
        perGroup = applyOrders(ctx, placed, ordered, Map.copyOf(perGroup), notes);

        List<Action> actions = new ArrayList<>();
        for (ResourceGroup g : StopOrder.groups(ctx.config)) {
            actions.addAll(perGroup.getOrDefault(g.id(), GroupActions.NONE).stops());
        }
        for (ResourceGroup g : ordered) {
            actions.addAll(perGroup.getOrDefault(g.id(), GroupActions.NONE).starts());
        }

        List<PlacementScore> scores = new ArrayList<>();
        for (ResourceGroup group : ctx.config.groups()) {
            for (Placement.Scored s : placed.scores().getOrDefault(group.id(), List.of())) {
                List<String> parts =
                        s.parts().stream().map(Placement.Part::render).toList();
                scores.add(new PlacementScore(group.id(), s.node(), s.total(), parts));
            }
        }
        return new Plan(snapshot.viewId(), List.copyOf(fences.values()), actions, notes, scores, ctx.recheck());
    }

    /**
     * Stage 1: a failed operation with on-fail=fence fences its node; with a fence device, so does
     * a stop that failed (a blocked resource) whose on-fail is fence. Once per node.
     */
    private static Map<NodeId, Fence> fences(PlanContext ctx) {
        Map<NodeId, Fence> fences = new LinkedHashMap<>();
        for (NodeInfo n : ctx.nodes) {
            if (n.status() == NodeStatus.FENCED || n.status() == NodeStatus.CONFIG_MISMATCH) {
                continue;
            }
            for (ResourceGroup group : ctx.config.groups()) {
                for (PlanContext.FailureAt f : ctx.failures(group.id())) {
                    ResourceSpec r = f.resource();
                    if (f.node().equals(n.node())
                            && !fences.containsKey(n.node())
                            && ctx.state(n.node(), r.id()) == ResourceState.FAILED
                            && ctx.policy(n.node(), r) == OnFail.FENCE) {
                        fences.put(
                                n.node(),
                                new Fence(
                                        n.node(),
                                        group.id(),
                                        r.id(),
                                        ctx.whatFailed(n.node(), r) + " failed there (on-fail=fence)"));
                    }
                }
                if (ctx.snapshot.fenceDevice() && !fences.containsKey(n.node())) {
                    for (ResourceSpec r : group.resources()) {
                        if (ctx.state(n.node(), r.id()) == ResourceState.BLOCKED
                                && !fences.containsKey(n.node())
                                && ctx.config.onFail(r, Operation.STOP) == OnFail.FENCE) {
                            fences.put(
                                    n.node(),
                                    new Fence(
                                            n.node(),
                                            group.id(),
                                            r.id(),
                                            "stop of " + r.id() + " failed there; it may still run (on-fail=fence)"));
                        }
                    }
                }
            }
        }
        return fences;
    }

    /** Stage 2: why the planner must not touch {@code group} now, if it must not. */
    private static Optional<String> holdReason(PlanContext ctx, ResourceGroup group, Set<NodeId> fencing) {
        for (NodeId active : ctx.activeNodes(group)) {
            NodeInfo n = ctx.node(active);
            for (ResourceSpec r : group.resources()) {
                ResourceState s = ctx.state(n.node(), r.id());
                if (!s.isActive()) {
                    continue;
                }
                String g = "group " + group.id();
                if (s == ResourceState.BLOCKED && fencing.contains(n.node())) {
                    return Optional.of(
                            g + " waits: the stop of " + r.id() + " failed on " + n.node() + ", which is being fenced");
                }
                if (s == ResourceState.BLOCKED) {
                    return Optional.of(g + " is blocked: stop of " + r.id() + " failed on " + n.node()
                            + "; it may still run there, so the group is not started anywhere"
                            + " until the resource is cleaned up");
                }
                if (s.isTransient()) {
                    return Optional.of(
                            g + " waits: " + r.id() + " is " + s.name().toLowerCase(Locale.ROOT) + " on " + n.node());
                }
                if (n.status() == NodeStatus.CONFIG_MISMATCH) {
                    return Optional.of(g + " is left alone: " + r.id() + " is active on " + n.node()
                            + ", whose configuration differs from the coordinator's");
                }
                if (fencing.contains(n.node())) {
                    return Optional.of(
                            g + " waits: " + r.id() + " is active on " + n.node() + ", which is being fenced");
                }
                if (n.status() == NodeStatus.MAINTENANCE) {
                    return Optional.of(g + " is left as it is: " + r.id() + " is active on " + n.node()
                            + ", which is in maintenance");
                }
                if (s == ResourceState.FAILED && ctx.policy(n.node(), r) == OnFail.BLOCK) {
                    return Optional.of(g + " is blocked: " + ctx.whatFailed(n.node(), r) + " failed on " + n.node()
                            + " (on-fail=block); it is left as it is until " + r.id() + " is cleaned up");
                }
                if (s == ResourceState.FAILED && !r.managed()) {
                    return Optional.of(
                            g + " is left as it is: " + r.id() + " failed on " + n.node() + " but is unmanaged");
                }
            }
        }
        return Optional.empty();
    }

    /** A member whose failure has on-fail=stop keeps its group stopped everywhere until cleanup. */
    private static String stopReason(PlanContext ctx, ResourceGroup group) {
        for (PlanContext.FailureAt f : ctx.failures(group.id())) {
            if (ctx.policy(f.node(), f.resource()) == OnFail.STOP) {
                return ctx.whatFailed(f.node(), f.resource()) + " failed on " + f.node()
                        + " (on-fail=stop): stopped until it is cleaned up";
            }
        }
        return null;
    }

    private static String whyNowhere(Placement.Result placed, ResourceGroup group) {
        List<Placement.Scored> scores = placed.scores().get(group.id());
        if (scores.isEmpty()) {
            return "no member may run it";
        }
        List<String> why = new ArrayList<>();
        scores.forEach(s -> why.add(s.against()));
        return String.join("; ", why.stream().distinct().toList());
    }

    /** Why node {@code n} does not keep {@code group}, whose target is {@code target} (may be null). */
    private static String why(PlanContext ctx, Placement.Result placed, ResourceGroup group, NodeId n, NodeId target) {
        Placement.Scored s = placed.scoreOf(group.id(), n);
        if (s.total() < 0) {
            return s.against();
        }
        if (group.isClone()) {
            return "clone-max " + group.cloneMax() + " is reached on better-scoring nodes";
        }
        Placement.Scored t = target == null ? null : placed.scoreOf(group.id(), target);
        if (t != null && ctx.presence(group.id()).containsKey(target)) {
            return n + " holds a second copy";
        }
        if (t != null && t.total() > s.total()) {
            List<String> pros = t.parts().stream()
                    .filter(p -> p.value() > 0)
                    .map(Placement.Part::render)
                    .toList();
            return target + " scores " + Score.format(t.total())
                    + (pros.isEmpty() ? "" : " (" + String.join(", ", pros) + ")") + ", " + n + " "
                    + Score.format(s.total());
        }
        return n + " holds a second copy";
    }

    /** Stage 4: the stops and starts that bring {@code group} to its target node(s). */
    private static GroupActions actionsFor(
            PlanContext ctx, Placement.Result placed, ResourceGroup group, List<String> notes) {
        List<Action> stops = new ArrayList<>();
        List<Action> starts = new ArrayList<>();
        List<NodeId> targets = placed.targets(group.id());
        NodeId single = targets.isEmpty() ? null : targets.get(0);
        String label = (group.isClone() ? "clone " : "group ") + group.id();
        boolean activeElsewhere = false;
        List<ResourceSpec> reversed = StopOrder.members(group);
        for (NodeId n : ctx.activeNodes(group)) {
            if (targets.contains(n)) {
                continue;
            }
            String why = why(ctx, placed, group, n, single);
            String reason = group.isClone()
                    ? label + " stops on " + n + ": " + why
                    : single == null
                            ? label + " can run nowhere: " + why
                            : label + " moves " + n + " -> " + single + ": " + why;
            for (ResourceSpec r : reversed) {
                if (ctx.state(n, r.id()).isActive()) {
                    activeElsewhere = true;
                    if (r.managed()) {
                        stops.add(new Action(ActionType.STOP, n, group.id(), r.id(), reason));
                    }
                }
            }
        }
        if (!group.isClone() && activeElsewhere) {
            return new GroupActions(stops, starts);
        }
        for (NodeId target : targets) {
            onTarget(ctx, group, label, target, stops, starts, notes);
        }
        return new GroupActions(stops, starts);
    }

    /** Restarts {@code group} on {@code target} from its first member that is not running. */
    private static void onTarget(
            PlanContext ctx,
            ResourceGroup group,
            String label,
            NodeId target,
            List<Action> stops,
            List<Action> starts,
            List<String> notes) {
        if (!group.ordered()) {
            onTargetUnordered(ctx, group, label, target, stops, starts, notes);
            return;
        }
        List<ResourceSpec> resources = group.resources();
        // A disabled member (target-role=stopped) stops, with every member after it; only the
        // members before it run.
        int limit = 0;
        while (limit < resources.size() && resources.get(limit).enabled()) {
            limit++;
        }
        for (int i = resources.size() - 1; i >= limit; i--) {
            ResourceSpec r = resources.get(i);
            if (ctx.state(target, r.id()).isActive() && r.managed()) {
                stops.add(new Action(
                        ActionType.STOP,
                        target,
                        group.id(),
                        r.id(),
                        resources.get(limit).id() + " is disabled (target-role=stopped)"
                                + (i == limit ? "" : ", and " + r.id() + " comes after it in " + label)));
            }
        }
        if (limit < resources.size()) {
            notes.add(label + ": " + resources.get(limit).id() + " is disabled (target-role=stopped); "
                    + (limit == 0
                            ? "nothing of it runs"
                            : "only "
                                    + resources.subList(0, limit).stream()
                                            .map(r -> r.id().value())
                                            .toList() + " run"));
        }
        int first = 0;
        while (first < limit && ctx.state(target, resources.get(first).id()) == ResourceState.RUNNING) {
            first++;
        }
        if (first >= limit) {
            return;
        }
        ResourceSpec broken = resources.get(first);
        for (int i = first; i < limit; i++) {
            ResourceSpec r = resources.get(i);
            if (!r.managed() && (i == first || ctx.state(target, r.id()).isActive())) {
                notes.add(label + " cannot go on from " + broken.id() + " on " + target + ": " + r.id()
                        + " is unmanaged" + (i == first ? " and not running" : " and active after it"));
                return;
            }
        }
        boolean failed = ctx.state(target, broken.id()) == ResourceState.FAILED;
        for (int i = limit - 1; i > first; i--) {
            if (ctx.state(target, resources.get(i).id()).isActive()) {
                stops.add(new Action(
                        ActionType.STOP,
                        target,
                        group.id(),
                        resources.get(i).id(),
                        "restart after " + broken.id() + " in " + label));
            }
        }
        String startReason;
        if (failed) {
            startReason = recover(ctx, group, target, broken, stops);
        } else if (first > 0) {
            startReason = label + " continues on " + target + " from " + broken.id();
        } else {
            startReason = departedFrom(ctx, group)
                    .filter(n -> !group.isClone())
                    .map(n -> label + " moves " + n + " -> " + target + ": " + n + " left the cluster")
                    .orElse(label + " is placed on " + target);
        }
        for (int i = first; i < limit; i++) {
            starts.add(new Action(
                    ActionType.START,
                    target,
                    group.id(),
                    resources.get(i).id(),
                    i == first
                            ? startReason
                            : label + " starts in order after "
                                    + resources.get(i - 1).id()));
        }
    }

    /**
     * {@link #onTarget} for an unordered group: its members do not depend on one another, so each
     * member that is not running starts (a failed one is stopped first) and a disabled one stops,
     * alone; no member waits for or restarts with another.
     */
    private static void onTargetUnordered(
            PlanContext ctx,
            ResourceGroup group,
            String label,
            NodeId target,
            List<Action> stops,
            List<Action> starts,
            List<String> notes) {
        List<ResourceSpec> resources = group.resources();
        boolean anyRunning = resources.stream().anyMatch(r -> ctx.state(target, r.id()) == ResourceState.RUNNING);
        String placed = departedFrom(ctx, group)
                .filter(n -> !group.isClone())
                .map(n -> label + " moves " + n + " -> " + target + ": " + n + " left the cluster")
                .orElse(label + " is placed on " + target);
        for (ResourceSpec r : StopOrder.members(group)) {
            if (!r.enabled() && r.managed() && ctx.state(target, r.id()).isActive()) {
                stops.add(new Action(
                        ActionType.STOP, target, group.id(), r.id(), r.id() + " is disabled (target-role=stopped)"));
            }
        }
        for (ResourceSpec r : resources) {
            ResourceState state = ctx.state(target, r.id());
            if (!r.enabled()) {
                notes.add(label + ": " + r.id() + " is disabled (target-role=stopped); the other members run");
                continue;
            }
            if (state == ResourceState.RUNNING) {
                continue;
            }
            if (!r.managed()) {
                notes.add(label + " cannot start " + r.id() + " on " + target + ": it is unmanaged and " + state);
                continue;
            }
            String reason;
            if (state == ResourceState.FAILED) {
                reason = recover(ctx, group, target, r, stops);
            } else if (anyRunning) {
                reason = label + " continues on " + target + " with " + r.id() + " (unordered: it waits for no member)";
            } else {
                reason = placed + " (unordered: its members start in parallel)";
            }
            starts.add(new Action(ActionType.START, target, group.id(), r.id(), reason));
        }
    }

    /**
     * Stops {@code failed}, which failed on {@code target}, to recover it there; returns the reason of
     * its start again.
     */
    private static String recover(
            PlanContext ctx, ResourceGroup group, NodeId target, ResourceSpec failed, List<Action> stops) {
        int count = ctx.failCount(target, failed);
        String how = count == 0
                ? "its failures have expired or were not counted"
                : "failure " + count + " of " + ctx.config.migrationThreshold(failed) + " before the group moves";
        stops.add(new Action(
                ActionType.STOP,
                target,
                group.id(),
                failed.id(),
                "recover " + failed.id() + " on " + target + ": it failed (" + how + ")"));
        return "restart " + failed.id() + " in place after its failure (" + how + ")";
    }

    /** A departed node that last reported a member of {@code group} active, if any. */
    private static Optional<NodeId> departedFrom(PlanContext ctx, ResourceGroup group) {
        for (NodeInfo gone : ctx.snapshot.departed()) {
            for (ResourceSpec r : group.resources()) {
                if (gone.state(r.id()).isActive()) {
                    return Optional.of(gone.node());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Stage 5: applies the order constraints to the groups' actions; returns the actions that remain,
     * per group, and adds a note for each start or stop it holds back.
     */
    private static Map<GroupId, GroupActions> applyOrders(
            PlanContext ctx,
            Placement.Result placed,
            List<ResourceGroup> ordered,
            Map<GroupId, GroupActions> proposed,
            List<String> notes) {
        Map<GroupId, GroupActions> result = new HashMap<>(proposed);
        Set<GroupId> disrupted = new HashSet<>();
        proposed.forEach((g, a) -> {
            if (!a.stops().isEmpty()) {
                disrupted.add(g);
            }
        });
        for (ResourceGroup then : ordered) {
            if (!result.containsKey(then.id())) {
                continue;
            }
            for (OrderConstraint o : ctx.config.orders()) {
                if (!o.then().equals(then.id())) {
                    continue;
                }
                GroupActions thenActions = result.get(then.id());
                ResourceGroup first = ctx.config.group(o.first()).orElseThrow();
                GroupActions firstActions = result.get(first.id());
                boolean firstStops = disrupted.contains(first.id());
                boolean firstStarts =
                        firstActions != null && !firstActions.starts().isEmpty();
                List<NodeId> thenTargets = placed.targets(then.id());
                NodeId thenTarget = thenTargets.isEmpty() ? null : thenTargets.get(0);
                boolean startsWithThen = firstStarts
                        && !first.isClone()
                        && !then.isClone()
                        && thenTarget != null
                        && firstActions.starts().stream().allMatch(a -> a.node().equals(thenTarget));
                if (o.kind() == OrderConstraint.Kind.MANDATORY) {
                    boolean firstRuns = !firstStops && !firstStarts && runsEverywhere(ctx, placed, first);
                    if (firstRuns) {
                        continue;
                    }
                    if (anyManagedActive(ctx, then)) {
                        GroupActions stopped = stopAll(
                                ctx,
                                then,
                                thenActions,
                                "order " + o.id() + ": " + then.id() + " runs only while " + first.id() + " runs, and "
                                        + first.id() + (firstStops ? " stops" : " is not running"));
                        result.put(then.id(), stopped);
                        disrupted.add(then.id());
                        if (firstActions != null
                                && !firstActions.stops().isEmpty()
                                && !sameSingleNode(stopped.stops(), firstActions.stops())) {
                            result.put(first.id(), GroupActions.NONE);
                            notes.add("the stop of group " + first.id() + " waits until " + then.id()
                                    + " has stopped (order " + o.id() + ")");
                        }
                        continue;
                    }
                    if (!startsWithThen && !thenActions.starts().isEmpty()) {
                        result.put(then.id(), thenActions.withoutStarts());
                        notes.add("group " + then.id() + " waits until " + first.id() + " runs (order " + o.id() + ")");
                    }
                } else if (firstStarts
                        && !startsWithThen
                        && !thenActions.starts().isEmpty()) {
                    result.put(then.id(), thenActions.withoutStarts());
                    notes.add("group " + then.id() + " starts after " + first.id() + " has started (optional order "
                            + o.id() + ")");
                }
            }
        }
        return Map.copyOf(result);
    }

    /** True if every action of both lists runs on one and the same node (so list order orders them). */
    private static boolean sameSingleNode(List<Action> a, List<Action> b) {
        Set<NodeId> nodes = new HashSet<>();
        a.forEach(x -> nodes.add(x.node()));
        b.forEach(x -> nodes.add(x.node()));
        return nodes.size() == 1;
    }

    private static boolean runsEverywhere(PlanContext ctx, Placement.Result placed, ResourceGroup group) {
        List<NodeId> targets = placed.targets(group.id());
        if (targets.isEmpty()) {
            return false;
        }
        for (NodeId t : targets) {
            for (ResourceSpec r : group.resources()) {
                if (ctx.state(t, r.id()) != ResourceState.RUNNING) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean anyManagedActive(PlanContext ctx, ResourceGroup group) {
        for (NodeId n : ctx.activeNodes(group)) {
            for (ResourceSpec r : group.resources()) {
                if (r.managed() && ctx.state(n, r.id()).isActive()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Stops of every managed active member of {@code group} and no start, keeping the reasons {@code actions} had. */
    private static GroupActions stopAll(PlanContext ctx, ResourceGroup group, GroupActions actions, String reason) {
        Map<String, String> reasons = new HashMap<>();
        actions.stops().forEach(a -> reasons.put(a.node() + "/" + a.resource(), a.reason()));
        List<Action> stops = new ArrayList<>();
        List<ResourceSpec> reversed = StopOrder.members(group);
        for (NodeId n : ctx.activeNodes(group)) {
            for (ResourceSpec r : reversed) {
                if (r.managed() && ctx.state(n, r.id()).isActive()) {
                    stops.add(new Action(
                            ActionType.STOP, n, group.id(), r.id(), reasons.getOrDefault(n + "/" + r.id(), reason)));
                }
            }
        }
        return new GroupActions(stops, List.of());
    }
}
