package io.hastack.core.spi.plan;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.ViewId;
import java.util.List;
import java.util.Objects;

/**
 * The planner's answer: the nodes to fence, the actions to take now, in order, and notes on what
 * it chose not to do and why. Actions for one node run in list order on that node; a node stops at its first failed
 * action. The planner only emits actions whose preconditions hold now (a group starts on its new
 * node only after every stop elsewhere has been confirmed), so a plan never needs cross-node
 * ordering: the coordinator executes a plan, waits for it to finish, and plans again.
 *
 * @param viewId the view the plan was made for; nodes refuse it in any other view
 * @param fences the nodes to fence, for the coordinator (never sent to a node); while a node is
 *     being fenced, groups active on it wait
 * @param actions the actions, in order
 * @param notes decisions not to act, with reasons ("group db blocked: ...")
 * @param scores the placement score of every group on every member, with the parts behind it
 * @param recheckAt when the plan may change without any new event (a failure expires, a move
 *     lapses): the coordinator plans again then; empty if never
 */
public record Plan(
        ViewId viewId,
        List<Fence> fences,
        List<Action> actions,
        List<String> notes,
        List<PlacementScore> scores,
        java.util.Optional<java.time.Instant> recheckAt) {
    /** Validates and copies the lists. */
    public Plan {
        Objects.requireNonNull(viewId, "viewId");
        fences = List.copyOf(fences);
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        scores = List.copyOf(scores);
        Objects.requireNonNull(recheckAt, "recheckAt");
    }

    /** A plan without fences, scores or recheck time. */
    public Plan(ViewId viewId, List<Action> actions, List<String> notes) {
        this(viewId, List.of(), actions, notes, List.of(), java.util.Optional.empty());
    }

    /** True if there is nothing to do: no node to fence and no action. */
    public boolean isEmpty() {
        return fences.isEmpty() && actions.isEmpty();
    }

    /** The actions for {@code node}, in order. */
    public List<Action> actionsFor(NodeId node) {
        return actions.stream().filter(a -> a.node().equals(node)).toList();
    }

    /** The nodes that have at least one action, in order of first action. */
    public List<NodeId> nodes() {
        return actions.stream().map(Action::node).distinct().toList();
    }

    /** A readable summary, one action or note per line. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        fences.forEach(f -> sb.append("  ").append(f.describe()).append('\n'));
        actions.forEach(a -> sb.append("  ").append(a.describe()).append('\n'));
        notes.forEach(n -> sb.append("  note: ").append(n).append('\n'));
        return sb.length() == 0 ? "  (nothing to do)\n" : sb.toString();
    }

    /** The scores view, one line per group and node, as Pacemaker's {@code crm_simulate -s}. */
    public String scoresText() {
        StringBuilder sb = new StringBuilder();
        scores.forEach(s -> sb.append("  ").append(s.describe()).append('\n'));
        return sb.toString();
    }
}
