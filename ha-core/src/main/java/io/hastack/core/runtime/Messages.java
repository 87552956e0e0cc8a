package io.hastack.core.runtime;

import io.hastack.core.membership.ViewId;
import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.Action;
import io.hastack.core.plan.Move;
import java.time.Instant;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The messages nodes exchange; encoded by {@link MessageCodec}, never by Java serialization. */
final class Messages {
    private Messages() {}

    /** A cluster message. */
    sealed interface Message permits Probe, NodeReport, Execute, LeaveGranted, Cleanup, MoveOrder, Placement,
            MaintenanceOrder {}

    /**
     * Identifies one plan: the view it was made in and its number among the coordinator's plans.
     */
    record PlanId(ViewId view, long sequence) {
        PlanId {
            Objects.requireNonNull(view, "view");
        }

        @Override
        public String toString() {
            return "plan " + sequence + " of view " + view;
        }
    }

    /** Coordinator to all: tell me what you run (sent after every view change). */
    record Probe(ViewId view) implements Message {}

    /**
     * Node to coordinator: what runs here. Sent in answer to a probe, after every local state
     * change, and when the node starts to leave.
     *
     * @param view the view the report answers (the probe's) or was sent in
     * @param configHash the node's configuration hash
     * @param leaving whether the node is shutting down
     * @param standby whether an operator put the node in standby
     * @param maintenance whether an operator put the node in maintenance
     * @param quorate whether the node believes its partition has quorum
     * @param completedPlan the last plan whose actions this node finished (or abandoned), or null
     * @param states resource states; a resource not listed is stopped
     * @param failures failure histories; a resource not listed has none
     * @param moves the latest manual move order of every group this node has heard of
     * @param clusterMaintenance the latest cluster maintenance order this node has heard of
     *     ({@link MaintenanceOrder#NONE} if none)
     */
    record NodeReport(
            ViewId view,
            String configHash,
            boolean leaving,
            boolean standby,
            boolean maintenance,
            boolean quorate,
            PlanId completedPlan,
            Map<ResourceId, ResourceState> states,
            Map<ResourceId, Failure> failures,
            List<MoveOrder> moves,
            MaintenanceOrder clusterMaintenance)
            implements Message {
        NodeReport {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(configHash, "configHash");
            states = Map.copyOf(states);
            failures = Map.copyOf(failures);
            moves = List.copyOf(moves);
            Objects.requireNonNull(clusterMaintenance, "clusterMaintenance");
        }
    }

    /**
     * Any node to every node (and in every report): an operator switched cluster maintenance mode on
     * or off at {@code issued}. The newest order wins, as for moves.
     */
    record MaintenanceOrder(boolean on, Instant issued) implements Message {
        /** No order yet: maintenance off, issued at the epoch. */
        static final MaintenanceOrder NONE = new MaintenanceOrder(false, Instant.EPOCH);

        MaintenanceOrder {
            Objects.requireNonNull(issued, "issued");
        }

        /** True if this order replaces {@code other}. */
        boolean supersedes(MaintenanceOrder other) {
            return issued.isAfter(other.issued());
        }
    }

    /** Coordinator to node: run these actions, in order, if you are still in the plan's view. */
    record Execute(PlanId plan, List<Action> actions) implements Message {
        Execute {
            Objects.requireNonNull(plan, "plan");
            actions = List.copyOf(actions);
        }
    }

    /** Coordinator to a leaving node: your resources have been handed over; you may leave. */
    record LeaveGranted(ViewId view) implements Message {}

    /**
     * Any node to every node: forget the failures of {@code resource} (every resource if null) and
     * probe it again; a blocked or failed resource becomes what its monitor now says.
     */
    record Cleanup(ResourceId resource) implements Message {}

    /**
     * Coordinator to every member, each time the cluster converges: what is active where. A member
     * that later takes over as coordinator knows from it what a departed node ran (for reasons).
     */
    record Placement(ViewId view, Map<NodeId, Map<ResourceId, ResourceState>> active) implements Message {
        Placement {
            Objects.requireNonNull(view, "view");
            Map<NodeId, Map<ResourceId, ResourceState>> copy = new java.util.HashMap<>();
            active.forEach((n, states) -> copy.put(n, Map.copyOf(states)));
            active = Map.copyOf(copy);
        }
    }

    /**
     * Any node to every node (and in every report): the operator's latest move order for
     * {@code group}, issued at {@code issued}: a move or ban, or empty to clear it. The newest order
     * of a group wins, so a coordinator that takes over learns the moves from the reports.
     */
    record MoveOrder(GroupId group, Optional<Move> move, Instant issued) implements Message {
        MoveOrder {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(move, "move");
            Objects.requireNonNull(issued, "issued");
            move.ifPresent(m -> {
                if (!m.group().equals(group)) {
                    throw new IllegalArgumentException("move order for " + group + " carries a move of " + m.group());
                }
            });
        }

        /** True if this order replaces {@code other} (null: none yet). */
        boolean supersedes(MoveOrder other) {
            return other == null || issued.isAfter(other.issued());
        }
    }
}
