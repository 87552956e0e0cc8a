package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.Move;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The messages nodes exchange; encoded by {@link MessageCodec}, never by Java serialization. */
final class Messages {
    private Messages() {}

    /**
     * A cluster message. Each kind hands itself to the method of {@link Handler} made for it, so a
     * new kind of message does not compile until every handler handles it; {@link MessageCodec}
     * holds its tag, writer and reader in one table, which a test walks for every kind.
     */
    sealed interface Message
            permits Probe,
                    NodeReport,
                    Execute,
                    LeaveGranted,
                    Cleanup,
                    MoveOrder,
                    Placement,
                    MaintenanceOrder,
                    LeasePing,
                    LeasePong,
                    DeathNotice,
                    ConfigProposal,
                    ConfigVerdict,
                    ConfigInstall,
                    ConfigRequest,
                    StatusShare,
                    NodeOrder {
        /** Calls {@code handler}'s method for this kind of message. */
        void dispatch(NodeId from, Handler handler);
    }

    /** What a node does with each kind of message; one method per kind. */
    interface Handler {
        /** The coordinator asks what runs here. */
        void probe(NodeId from, Probe probe);

        /** A member says what runs there. */
        void report(NodeId from, NodeReport report);

        /** The coordinator's actions for this node. */
        void execute(NodeId from, Execute execute);

        /** The coordinator lets this node leave. */
        void leaveGranted(NodeId from, LeaveGranted granted);

        /** An operator's cleanup. */
        void cleanup(NodeId from, Cleanup cleanup);

        /** An operator's move, ban or clear. */
        void moveOrder(NodeId from, MoveOrder order);

        /** The coordinator's last placement. */
        void placement(NodeId from, Placement placement);

        /** An operator's cluster maintenance switch. */
        void maintenanceOrder(NodeId from, MaintenanceOrder order);

        /** A member asks for a membership lease. */
        void leasePing(NodeId from, LeasePing ping);

        /** A member grants this node's lease request. */
        void leasePong(NodeId from, LeasePong pong);

        /** A node is declared dead from outside the membership (a host monitor, an operator, a fence). */
        void deathNotice(NodeId from, DeathNotice notice);

        /** A member asks the coordinator to change the configuration. */
        void configProposal(NodeId from, ConfigProposal proposal);

        /** The coordinator's answer to a proposal. */
        void configVerdict(NodeId from, ConfigVerdict verdict);

        /** A configuration version: from the coordinator, take it; from a member, it answers a request. */
        void configInstall(NodeId from, ConfigInstall install);

        /** The coordinator asks for this node's (newer) configuration. */
        void configRequest(NodeId from, ConfigRequest request);

        /** The coordinator's picture of the whole cluster. */
        void statusShare(NodeId from, StatusShare share);

        /** An operator's standby or maintenance order for this node, given on another node. */
        void nodeOrder(NodeId from, NodeOrder order);
    }

    /** What a member says about itself in a report, besides its resources. */
    enum Flag {
        /** The node is shutting down. */
        LEAVING(1),
        /** An operator put the node in standby. */
        STANDBY(2),
        /** An operator put the node in maintenance. */
        MAINTENANCE(4),
        /** The node believes its partition has quorum. */
        QUORATE(8),
        /**
         * The node has taken a new configuration version but still stops what it removes or changes:
         * its resources are left alone until it has finished.
         */
        RECONFIGURING(16),
        /**
         * The node keeps no configuration across restarts ({@link
         * io.hastack.core.spi.config.ConfigStore#durable()} is false): the node list cannot change.
         */
        VOLATILE_CONFIG(32);

        private final int bit;

        Flag(int bit) {
            this.bit = bit;
        }

        /** The flag's bit on the wire (fixed: reordering the constants changes nothing). */
        int bit() {
            return bit;
        }
    }

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
    record Probe(ViewId view) implements Message {
        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.probe(from, this);
        }
    }

    /**
     * Node to coordinator: what runs here. Sent in answer to a probe, after every local state
     * change, and when the node starts to leave.
     *
     * @param view the view the report answers (the probe's) or was sent in
     * @param configHash the hash of the configuration version the node holds
     * @param configVersion that version's number
     * @param flags what the node says about itself: leaving, standby, maintenance, quorate
     * @param completedPlan the last plan whose actions this node finished (or abandoned), or null
     * @param states resource states; a resource not listed is stopped
     * @param failures failure histories; a resource not listed has none
     * @param moves the latest manual move order of every group this node has heard of
     * @param clusterMaintenance the latest cluster maintenance order this node has heard of
     *     ({@link MaintenanceOrder#NONE} if none)
     * @param grantAges for every node outside the reporter's view that it granted a membership lease
     *     to recently: how many milliseconds ago it last did (see {@code docs/design/leases.md})
     * @param uptimeMillis how long ago the reporter started: a node that started within a lease time
     *     may have granted leases in its previous life that it no longer knows of
     */
    record NodeReport(
            ViewId view,
            String configHash,
            long configVersion,
            Set<Flag> flags,
            PlanId completedPlan,
            Map<ResourceId, ResourceState> states,
            Map<ResourceId, Failure> failures,
            List<MoveOrder> moves,
            MaintenanceOrder clusterMaintenance,
            Map<NodeId, Long> grantAges,
            long uptimeMillis)
            implements Message {
        NodeReport {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(configHash, "configHash");
            flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
            states = Map.copyOf(states);
            failures = Map.copyOf(failures);
            moves = List.copyOf(moves);
            Objects.requireNonNull(clusterMaintenance, "clusterMaintenance");
            grantAges = Map.copyOf(grantAges);
            if (uptimeMillis < 0) {
                throw new IllegalArgumentException("uptime " + uptimeMillis + " ms is negative");
            }
            grantAges.forEach((node, age) -> {
                if (age < 0) {
                    throw new IllegalArgumentException("lease grant age " + age + " ms of " + node + " is negative");
                }
            });
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.report(from, this);
        }

        /** Whether the node is shutting down. */
        boolean leaving() {
            return flags.contains(Flag.LEAVING);
        }

        /** Whether an operator put the node in standby. */
        boolean standby() {
            return flags.contains(Flag.STANDBY);
        }

        /** Whether an operator put the node in maintenance. */
        boolean maintenance() {
            return flags.contains(Flag.MAINTENANCE);
        }

        /** Whether the node believes its partition has quorum. */
        boolean quorate() {
            return flags.contains(Flag.QUORATE);
        }

        /** Whether the node still applies its configuration version (see {@link Flag#RECONFIGURING}). */
        boolean reconfiguring() {
            return flags.contains(Flag.RECONFIGURING);
        }

        /** Whether the node keeps no configuration across restarts (see {@link Flag#VOLATILE_CONFIG}). */
        boolean volatileConfig() {
            return flags.contains(Flag.VOLATILE_CONFIG);
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

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.maintenanceOrder(from, this);
        }
    }

    /**
     * Coordinator to node: run these actions, in order, if you are still in the plan's view and hold
     * (and have applied) the configuration the plan was made from ({@code configHash}).
     */
    record Execute(PlanId plan, List<Action> actions, String configHash) implements Message {
        Execute {
            Objects.requireNonNull(plan, "plan");
            actions = List.copyOf(actions);
            Objects.requireNonNull(configHash, "configHash");
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.execute(from, this);
        }
    }

    /** Coordinator to a leaving node: your resources have been handed over; you may leave. */
    record LeaveGranted(ViewId view) implements Message {
        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.leaveGranted(from, this);
        }
    }

    /**
     * Any node to every node: forget the failures of {@code resource} (every resource if null) and
     * probe it again; a blocked or failed resource becomes what its monitor now says.
     */
    record Cleanup(ResourceId resource) implements Message {
        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.cleanup(from, this);
        }
    }

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

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.placement(from, this);
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

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.moveOrder(from, this);
        }
    }

    /**
     * Member to every other member of its view, every few hundred milliseconds: renew my membership
     * lease. Answered with a {@link LeasePong} only by a member in the same view.
     *
     * @param view the view the sender is in
     * @param sequence the sender's number for this request; the answer echoes it, and the sender
     *     counts the lease from when it sent the request
     * @param leaseMillis the sender's lease time: a member whose own differs grants nothing, since
     *     the others' wait for an expired lease assumes one lease time everywhere
     * @param configVersion the version of the configuration the sender holds
     * @param configHash that version's hash
     * @param nodes that version's node list
     * @param previousNodes the list before the change it is committing (empty unless it is a joint
     *     version): a member whose version was made from the sender's (its lineage holds it) grants
     *     nothing unless the sender counts votes at least as strictly as it does (the same node list,
     *     and the same list before the change if this member's version is a joint one), since the
     *     sender would count votes by a list the cluster is leaving or has left (see {@code
     *     docs/design/node-list-changes.md})
     */
    record LeasePing(
            ViewId view,
            long sequence,
            long leaseMillis,
            long configVersion,
            String configHash,
            List<NodeId> nodes,
            List<NodeId> previousNodes)
            implements Message {
        LeasePing {
            Objects.requireNonNull(view, "view");
            if (leaseMillis <= 0) {
                throw new IllegalArgumentException("lease time " + leaseMillis + " ms is not positive");
            }
            if (configVersion < 0) {
                throw new IllegalArgumentException("configuration version " + configVersion + " is negative");
            }
            Objects.requireNonNull(configHash, "configHash");
            nodes = List.copyOf(nodes);
            previousNodes = List.copyOf(previousNodes);
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.leasePing(from, this);
        }
    }

    /** The answer to a {@link LeasePing}: the grantor is in {@code view} too. */
    record LeasePong(ViewId view, long sequence) implements Message {
        LeasePong {
            Objects.requireNonNull(view, "view");
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.leasePong(from, this);
        }
    }

    /**
     * Any node to every node: {@code node} is dead, as a host or hypervisor monitor (or an operator
     * who checked) declares: its groups may start elsewhere without waiting for its lease.
     */
    record DeathNotice(NodeId node, String reason) implements Message {
        DeathNotice {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.deathNotice(from, this);
        }
    }

    /**
     * Member to the coordinator: make {@code config} the cluster's configuration, if the cluster's is
     * still version {@code baseVersion} with hash {@code baseHash} (-1 and empty: whatever it is).
     * Answered with a {@link ConfigVerdict}.
     *
     * @param request the proposer's number for this request, echoed in the verdict
     */
    record ConfigProposal(long request, long baseVersion, String baseHash, ClusterConfig config) implements Message {
        ConfigProposal {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(baseHash, "baseHash");
            if (baseVersion < -1) {
                throw new IllegalArgumentException("base version " + baseVersion + " is neither -1 nor a version");
            }
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.configProposal(from, this);
        }
    }

    /**
     * Coordinator to a proposer: the proposal became {@code version}, or was refused for {@code
     * refusal} (empty when accepted); {@code retry}: only for now (the cluster is still taking a
     * version), so the proposer sends it again shortly.
     */
    record ConfigVerdict(long request, long version, String refusal, boolean retry) implements Message {
        ConfigVerdict {
            Objects.requireNonNull(refusal, "refusal");
        }

        /** True if the change was made. */
        boolean accepted() {
            return refusal.isEmpty();
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.configVerdict(from, this);
        }
    }

    /**
     * A configuration version. From the coordinator of the receiver's view: take it if it is newer
     * (or the same version changed apart: the coordinator's wins). From a member to the coordinator:
     * the answer to a {@link ConfigRequest}, taken by the whole view if it is newer.
     */
    record ConfigInstall(VersionedConfig config) implements Message {
        ConfigInstall {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.configInstall(from, this);
        }
    }

    /** Coordinator to a member that reported a newer configuration version: send it. */
    record ConfigRequest(long version) implements Message {
        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.configRequest(from, this);
        }
    }

    /**
     * Coordinator to every other member, whenever its picture changes: every member's status,
     * states and failures and the planner's notes, so that any node answers a status query for the
     * whole cluster (as {@code crm_mon} does on any Pacemaker node). For reading only: no decision
     * is made from it.
     */
    record StatusShare(
            ViewId view, long configVersion, List<io.hastack.core.spi.plan.NodeInfo> nodes, List<String> notes)
            implements Message {
        StatusShare {
            Objects.requireNonNull(view, "view");
            nodes = List.copyOf(nodes);
            notes = List.copyOf(notes);
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.statusShare(from, this);
        }
    }

    /**
     * Any node to {@code node}: an operator put it in standby ({@code standby}) or maintenance (else)
     * or took it out ({@code on}), through another node's admin (Pacemaker's {@code pcs node standby
     * node2} on any node). The node applies it as if given locally.
     */
    record NodeOrder(NodeId node, boolean standby, boolean on) implements Message {
        NodeOrder {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public void dispatch(NodeId from, Handler handler) {
            handler.nodeOrder(from, this);
        }
    }
}
