package io.hastack.core.runtime;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.ResourceId;
import io.hastack.core.runtime.HaEvent.Type;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Fence;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link HaEvent} tells, as typed fields: one record per {@link Type}, so that a program
 * (a metrics exporter, a timeline, an alert) reads the view, the resource or the duration without
 * parsing text. {@link HaEvent#subject()} and {@link HaEvent#detail()} render the same for logs and
 * people. Every record is immutable.
 */
public sealed interface EventData {
    /** The kind of event this is. */
    Type type();

    /**
     * The node joined the cluster.
     *
     * @param configHash the hash of its configuration
     */
    record Joined(String configHash) implements EventData {
        @Override
        public Type type() {
            return Type.JOINED;
        }
    }

    /** The node handed its resources over and left. */
    record Left() implements EventData {
        @Override
        public Type type() {
            return Type.LEFT;
        }
    }

    /**
     * The failure detector suspects a member.
     *
     * @param member the member
     */
    record MemberSuspected(NodeId member) implements EventData {
        @Override
        public Type type() {
            return Type.MEMBER_SUSPECTED;
        }
    }

    /**
     * A new view was installed.
     *
     * @param view its id
     * @param members its members, coordinator first
     * @param left the members of the previous view not in this one
     * @param joined the members not in the previous view
     */
    record ViewInstalled(ViewId view, List<NodeId> members, List<NodeId> left, List<NodeId> joined)
            implements EventData {
        /** Copies the lists. */
        public ViewInstalled {
            members = List.copyOf(members);
            left = List.copyOf(left);
            joined = List.copyOf(joined);
        }

        @Override
        public Type type() {
            return Type.VIEW_INSTALLED;
        }
    }

    /**
     * The coordinator heard from every member of its view.
     *
     * @param view the view
     */
    record ProbeComplete(ViewId view) implements EventData {
        @Override
        public Type type() {
            return Type.PROBE_COMPLETE;
        }
    }

    /**
     * The coordinator made a plan with something to do.
     *
     * @param view the view it was made in
     * @param fences the nodes to fence
     * @param actions the actions sent to the nodes (with their epochs)
     * @param notes the planner's notes
     * @param took how long the planner took to make the plan (the pure planner call, by the real
     *     monotonic clock); a plan that fences and acts is told as several events, one per fence and
     *     one for the actions, each with the time of the one planner call
     */
    record PlanComputed(ViewId view, List<Fence> fences, List<Action> actions, List<String> notes, Duration took)
            implements EventData {
        /** Copies the lists and checks the time. */
        public PlanComputed {
            fences = List.copyOf(fences);
            actions = List.copyOf(actions);
            notes = List.copyOf(notes);
            Objects.requireNonNull(took, "took");
        }

        /** A plan whose planning time is not known (zero), as before it was measured. */
        public PlanComputed(ViewId view, List<Fence> fences, List<Action> actions, List<String> notes) {
            this(view, fences, actions, notes, Duration.ZERO);
        }

        @Override
        public Type type() {
            return Type.PLAN_COMPUTED;
        }
    }

    /**
     * The plan is empty: every group is where it should be, or cannot run (the notes say why).
     *
     * @param view the view
     * @param notes the planner's notes
     * @param took how long the planner took to make the empty plan (as {@link PlanComputed#took})
     */
    record Converged(ViewId view, List<String> notes, Duration took) implements EventData {
        /** Copies the notes and checks the time. */
        public Converged {
            notes = List.copyOf(notes);
            Objects.requireNonNull(took, "took");
        }

        /** An empty plan whose planning time is not known (zero), as before it was measured. */
        public Converged(ViewId view, List<String> notes) {
            this(view, notes, Duration.ZERO);
        }

        @Override
        public Type type() {
            return Type.CONVERGED;
        }
    }

    /**
     * An action began on this node.
     *
     * @param action the action
     */
    record ActionStarted(Action action) implements EventData {
        @Override
        public Type type() {
            return Type.ACTION_STARTED;
        }
    }

    /**
     * An action succeeded on this node.
     *
     * @param action what was done
     * @param resource the resource
     * @param took how long the agent took
     * @param outcome what the agent said; for a stop that had to be forced, what the forced stop said
     * @param forced true if the stop failed and a forced stop succeeded
     */
    record ActionSucceeded(ActionType action, ResourceId resource, Duration took, AgentOutcome outcome, boolean forced)
            implements EventData {
        @Override
        public Type type() {
            return Type.ACTION_SUCCEEDED;
        }
    }

    /**
     * An action failed or timed out on this node, or could not run.
     *
     * @param action what was tried
     * @param resource the resource
     * @param outcome what the agent said (for a stop that could not be forced either, what the
     *     forced stop said); empty if no agent was called
     * @param blocked true if the resource is now blocked (its stop failed)
     * @param timedOut true if the agent did not answer within the operation's timeout (then {@code
     *     outcome} is the executor's generic error naming the timeout)
     */
    record ActionFailed(
            ActionType action, ResourceId resource, Optional<AgentOutcome> outcome, boolean blocked, boolean timedOut)
            implements EventData {
        /** A failure that was not a timeout. */
        public ActionFailed(ActionType action, ResourceId resource, Optional<AgentOutcome> outcome, boolean blocked) {
            this(action, resource, outcome, blocked, false);
        }

        @Override
        public Type type() {
            return Type.ACTION_FAILED;
        }
    }

    /**
     * A coordinator's plan: the view it was made in and its number there.
     *
     * @param view the view
     * @param sequence the plan's number in that view
     */
    record PlanRef(ViewId view, long sequence) {}

    /**
     * This node refused a plan, or abandoned the rest of one.
     *
     * @param plan the plan, when this node knows which
     * @param resource the resource whose action was abandoned, if the plan was abandoned midway
     * @param reason why
     */
    record ActionRefused(Optional<PlanRef> plan, Optional<ResourceId> resource, String reason) implements EventData {
        @Override
        public Type type() {
            return Type.ACTION_REFUSED;
        }
    }

    /**
     * A monitor found a running resource failed.
     *
     * @param resource the resource
     * @param failures its failure count now
     * @param policy what the monitor's on-fail policy does about it
     * @param outcome what the agent said
     * @param timedOut true if the monitor did not answer within its timeout (then {@code outcome} is
     *     the executor's generic error naming the timeout)
     */
    record MonitorFailed(ResourceId resource, int failures, OnFail policy, AgentOutcome outcome, boolean timedOut)
            implements EventData {
        /** A failure that was not a timeout. */
        public MonitorFailed(ResourceId resource, int failures, OnFail policy, AgentOutcome outcome) {
            this(resource, failures, policy, outcome, false);
        }

        @Override
        public Type type() {
            return Type.MONITOR_FAILED;
        }
    }

    /**
     * The coordinator will not manage a member whose configuration differs, or that is not in the
     * node list.
     *
     * @param member the member
     * @param theirHash its configuration hash; empty if it is not in the node list
     */
    record ConfigMismatch(NodeId member, Optional<String> theirHash) implements EventData {
        @Override
        public Type type() {
            return Type.CONFIG_MISMATCH;
        }
    }

    /**
     * This node took configuration {@code version}: from now on it reports it, and stops what the
     * version removes or changes before it applies it.
     *
     * @param version the version taken
     * @param hash its hash
     * @param from the node it came from (this node for its own change)
     */
    record ConfigInstalled(long version, String hash, NodeId from) implements EventData {
        @Override
        public Type type() {
            return Type.CONFIG_INSTALLED;
        }
    }

    /**
     * This node applied configuration {@code version}: what it removes or changes is stopped here,
     * its new resources probed.
     *
     * @param version the version applied
     * @param added resources new here
     * @param removed resources gone
     * @param restarted resources stopped because their agent or parameters changed
     */
    record ConfigApplied(
            long version,
            List<ResourceId> added,
            List<ResourceId> removed,
            List<ResourceId> restarted,
            List<ResourceId> reloaded)
            implements EventData {
        /** Copies the lists. */
        public ConfigApplied {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            restarted = List.copyOf(restarted);
            reloaded = List.copyOf(reloaded);
        }

        @Override
        public Type type() {
            return Type.CONFIG_APPLIED;
        }
    }

    /**
     * Configuration {@code lostVersion}, which this node held, was replaced by {@code winnerVersion}
     * though the two were changed apart: the changes only the lost one had are no longer in the
     * cluster (the node's configuration store keeps a copy).
     *
     * @param lostVersion the version dropped
     * @param lostHash its hash
     * @param winnerVersion the version that replaced it
     * @param winnerHash its hash
     */
    record ConfigDiscarded(long lostVersion, String lostHash, long winnerVersion, String winnerHash)
            implements EventData {
        @Override
        public Type type() {
            return Type.CONFIG_DISCARDED;
        }
    }

    /**
     * This node's partition has quorum.
     *
     * @param view the view
     * @param decision the votes, and how a tie was broken
     */
    record QuorumGained(ViewId view, String decision) implements EventData {
        @Override
        public Type type() {
            return Type.QUORUM_GAINED;
        }
    }

    /**
     * This node's partition lost quorum.
     *
     * @param view the view
     * @param decision the votes
     * @param policy what the node does about it
     */
    record QuorumLost(ViewId view, String decision, NoQuorumPolicy policy) implements EventData {
        @Override
        public Type type() {
            return Type.QUORUM_LOST;
        }
    }

    /**
     * A majority was recorded on the quorum device.
     *
     * @param view the view
     * @param record what was recorded
     */
    record QuorumRecorded(ViewId view, String record) implements EventData {
        @Override
        public Type type() {
            return Type.QUORUM_RECORDED;
        }
    }

    /**
     * The coordinator fenced a node.
     *
     * @param node the node
     * @param confirmation what the fence device said
     */
    record NodeFenced(NodeId node, String confirmation) implements EventData {
        @Override
        public Type type() {
            return Type.NODE_FENCED;
        }
    }

    /**
     * Fencing a node failed; its blocked groups stay blocked.
     *
     * @param node the node
     * @param failure what went wrong
     */
    record FenceFailed(NodeId node, String failure) implements EventData {
        @Override
        public Type type() {
            return Type.FENCE_FAILED;
        }
    }

    /**
     * This node stalled longer than its safe bound and stops its resources before anything else.
     *
     * @param stall how long it stalled
     * @param bound the safe bound
     */
    record PauseDetected(Duration stall, Duration bound) implements EventData {
        /** Checks the fields. */
        public PauseDetected {
            Objects.requireNonNull(stall, "stall");
            Objects.requireNonNull(bound, "bound");
        }

        @Override
        public Type type() {
            return Type.PAUSE_DETECTED;
        }
    }

    /**
     * This node holds its membership lease in {@code view}.
     *
     * @param view the view
     */
    record LeaseGained(ViewId view) implements EventData {
        /** Checks the fields. */
        public LeaseGained {
            Objects.requireNonNull(view, "view");
        }

        @Override
        public Type type() {
            return Type.LEASE_GAINED;
        }
    }

    /**
     * This node's membership lease lapsed.
     *
     * @param view the view it was in, if any
     * @param detail whom it heard from, and the lease time
     */
    record LeaseLost(Optional<ViewId> view, String detail) implements EventData {
        /** Checks the fields. */
        public LeaseLost {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Type type() {
            return Type.LEASE_LOST;
        }
    }

    /**
     * {@code node}'s death is confirmed.
     *
     * @param node the node
     * @param evidence what confirms it
     */
    record DeathConfirmed(NodeId node, String evidence) implements EventData {
        /** Checks the fields. */
        public DeathConfirmed {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(evidence, "evidence");
        }

        @Override
        public Type type() {
            return Type.DEATH_CONFIRMED;
        }
    }

    /**
     * The coordinator of {@code view} holds every start for {@code holdFor}, until the leases of
     * {@code nodes} (removed on suspicion) have surely expired.
     *
     * @param view the view
     * @param nodes the nodes whose leases it waits for
     * @param holdFor how long, from now
     */
    record TakeoverWait(ViewId view, List<NodeId> nodes, Duration holdFor) implements EventData {
        /** Checks the fields and copies the list. */
        public TakeoverWait {
            Objects.requireNonNull(view, "view");
            nodes = List.copyOf(nodes);
            Objects.requireNonNull(holdFor, "holdFor");
        }

        @Override
        public Type type() {
            return Type.TAKEOVER_WAIT;
        }
    }

    /**
     * {@code group}'s service answered a check ({@code target}) after the group started here.
     *
     * @param group the group
     * @param target what was checked (a URL)
     * @param afterStart from the success of the group's last start here to the first answer
     */
    record ServiceAnswering(GroupId group, String target, Duration afterStart) implements EventData {
        /** Checks the fields. */
        public ServiceAnswering {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(afterStart, "afterStart");
        }

        @Override
        public Type type() {
            return Type.SERVICE_ANSWERING;
        }
    }
}
