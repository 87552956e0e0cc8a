package io.hastack.core.runtime;

import io.hastack.core.membership.ViewId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.Action;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The messages nodes exchange; encoded by {@link MessageCodec}, never by Java serialization. */
final class Messages {
    private Messages() {}

    /** A cluster message. */
    sealed interface Message permits Probe, NodeReport, Execute, LeaveGranted, Cleanup {}

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
     * @param quorate whether the node believes its partition has quorum
     * @param completedPlan the last plan whose actions this node finished (or abandoned), or null
     * @param states resource states; a resource not listed is stopped
     * @param failCounts failure counts; a resource not listed has none
     */
    record NodeReport(
            ViewId view,
            String configHash,
            boolean leaving,
            boolean standby,
            boolean quorate,
            PlanId completedPlan,
            Map<ResourceId, ResourceState> states,
            Map<ResourceId, Integer> failCounts)
            implements Message {
        NodeReport {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(configHash, "configHash");
            states = Map.copyOf(states);
            failCounts = Map.copyOf(failCounts);
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
}
