package io.hastack.core.runtime;

import io.hastack.core.internal.Durations;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.Messages.Cleanup;
import io.hastack.core.runtime.Messages.MaintenanceOrder;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An operator's commands to a running node, in Pacemaker's vocabulary ({@code crm_resource
 * --move/--ban/--clear/--cleanup}, node standby and maintenance, the cluster's maintenance mode).
 * Get it with {@link HaNode#admin()}.
 *
 * <p>Each command checks its arguments at once (a bad one throws {@link IllegalArgumentException}
 * naming it, and nothing changes), then runs on the node's event thread and returns a future of
 * what it did here; orders that concern the cluster are also sent to every member of the view, and
 * the coordinator re-plans once their reports reach it. The futures complete on the node's event
 * thread: do not block there. Thread-safe.
 */
public final class Admin {
    /** What the admin needs from its node. */
    interface Node {
        /** Runs {@code work} on the event thread; the future fails if the node is stopped. */
        <T> CompletableFuture<T> onEventThread(Supplier<T> work);

        /** The node-side protocol; only on the event thread. */
        Participant participant();

        /** Asks the membership to verify {@code node} now ({@link Membership#suspect}). */
        void suspect(NodeId node);

        /**
         * Runs the agents' validate (and their metadata's required parameters) for {@code specs} on
         * this node; completes with one line per resource that cannot run, empty if all can.
         */
        CompletableFuture<List<String>> validate(List<ResourceSpec> specs);

        /** True if the node has a fence device. */
        boolean canFence();
    }

    private final NodeId self;
    private final LiveConfig live;
    private final Clock clock;
    private final Node node;

    Admin(NodeId self, LiveConfig live, Clock clock, Node node) {
        this.self = self;
        this.live = live;
        this.clock = clock;
        this.node = node;
    }

    /**
     * Puts this node in standby ({@code true}) or takes it out, as Pacemaker's node standby: it stays
     * in the cluster, but its groups move away and nothing starts on it. Taking it out makes it
     * eligible again (groups stay where they run).
     *
     * @return this node's status once the change is made here
     */
    public CompletableFuture<NodeStatus> standby(boolean on) {
        return node.onEventThread(() -> {
            node.participant().standby(on);
            return node.participant().ownInfo().status();
        });
    }

    /**
     * Puts this node in maintenance ({@code true}) or takes it out, as Pacemaker's node maintenance:
     * what runs here is left exactly as it is (monitored and reported, never started or stopped by
     * the cluster) and nothing new is placed here.
     *
     * @return this node's status once the change is made here
     */
    public CompletableFuture<NodeStatus> maintenance(boolean on) {
        return node.onEventThread(() -> {
            node.participant().maintenance(on);
            return node.participant().ownInfo().status();
        });
    }

    /**
     * Puts {@code node} in standby or takes it out, from this node (Pacemaker's {@code pcs node
     * standby NODE} on any node): this node's own as {@link #standby(boolean)}; another member is
     * sent the order and applies it as if given there. Like the node's own flag, it holds until taken
     * back or the node restarts.
     *
     * @return completes once the order is made here or sent to the node
     * @throws IllegalArgumentException if {@code node} is not in the node list
     */
    public CompletableFuture<Void> standby(NodeId node, boolean on) {
        return order(node, true, on);
    }

    /**
     * Puts {@code node} in maintenance or takes it out, from this node; as {@link #standby(NodeId,
     * boolean)}.
     *
     * @throws IllegalArgumentException if {@code node} is not in the node list
     */
    public CompletableFuture<Void> maintenance(NodeId node, boolean on) {
        return order(node, false, on);
    }

    private CompletableFuture<Void> order(NodeId target, boolean standby, boolean on) {
        Objects.requireNonNull(target, "node");
        if (!live.config().nodes().contains(target)) {
            throw new IllegalArgumentException((standby ? "standby" : "maintenance") + " of " + target
                    + ": it is not in the node list " + live.config().nodes());
        }
        return node.onEventThread(() -> {
            if (target.equals(self)) {
                if (standby) {
                    node.participant().standby(on);
                } else {
                    node.participant().maintenance(on);
                }
                return null;
            }
            View v = node.participant().view();
            if (v == null || !v.contains(target)) {
                throw new IllegalStateException("node " + target + " is not a member of "
                        + (v == null ? "a view with " + self : v.toString())
                        + " now: standby and maintenance apply to a running node");
            }
            node.participant().send(target, new Messages.NodeOrder(target, standby, on));
            return null;
        });
    }

    /**
     * Switches the cluster's maintenance mode at run time (Pacemaker's {@code maintenance-mode}):
     * while on, the cluster starts and stops nothing anywhere; resources are still monitored and
     * reported. Every member hears it and reports it, so a new coordinator knows it; the newest order
     * wins. The configuration's own {@code maintenanceMode} keeps the cluster in maintenance
     * regardless.
     *
     * @return the order as given (its time orders it among others)
     */
    public CompletableFuture<Instant> clusterMaintenance(boolean on) {
        MaintenanceOrder order = new MaintenanceOrder(on, clock.instant());
        return node.onEventThread(() -> {
            node.participant().broadcast(order);
            return order.issued();
        });
    }

    /**
     * Moves {@code group} to {@code node} until {@link #clearMove} (Pacemaker's
     * {@code crm_resource --move}): a location preference of +INFINITY that replaces any earlier move
     * or ban of the group.
     *
     * @return the move, once recorded here and sent to every member
     * @throws IllegalArgumentException if the group is not configured or the node is not in the
     *     node list
     */
    public CompletableFuture<Move> move(GroupId group, NodeId node) {
        return order(group, node, false, Optional.empty());
    }

    /**
     * As {@link #move(GroupId, NodeId)}, lapsing after {@code lifetime} (Pacemaker's
     * {@code --lifetime}).
     *
     * @throws IllegalArgumentException as {@link #move(GroupId, NodeId)}, or if the lifetime lies
     *     outside 1 s to 365 days
     */
    public CompletableFuture<Move> move(GroupId group, NodeId node, Duration lifetime) {
        return order(
                group, node, false, Optional.of(Durations.MOVE_LIFETIME.require("lifetime of the move", lifetime)));
    }

    /**
     * Bans {@code group} from {@code node} until cleared ({@code crm_resource --ban}): -INFINITY
     * there, replacing any earlier move or ban of the group.
     *
     * @throws IllegalArgumentException as {@link #move(GroupId, NodeId)}
     */
    public CompletableFuture<Move> ban(GroupId group, NodeId node) {
        return order(group, node, true, Optional.empty());
    }

    /**
     * As {@link #ban(GroupId, NodeId)}, lapsing after {@code lifetime}.
     *
     * @throws IllegalArgumentException as {@link #move(GroupId, NodeId, Duration)}
     */
    public CompletableFuture<Move> ban(GroupId group, NodeId node, Duration lifetime) {
        return order(group, node, true, Optional.of(Durations.MOVE_LIFETIME.require("lifetime of the ban", lifetime)));
    }

    /**
     * Clears the move or ban of {@code group} ({@code crm_resource --clear}).
     *
     * @return the time of the clearing order
     * @throws IllegalArgumentException if the group is not configured
     */
    public CompletableFuture<Instant> clearMove(GroupId group) {
        requireGroup(group);
        MoveOrder order = new MoveOrder(group, Optional.empty(), clock.instant());
        return node.onEventThread(() -> {
            node.participant().broadcast(order);
            return order.issued();
        });
    }

    /**
     * Forgets the failures of {@code resource} on every member and probes it again (Pacemaker's
     * cleanup): a resource whose stop failed (blocked) or that failed becomes what its monitor says
     * now, and the coordinator re-plans from that. Use it once the cause is fixed.
     *
     * @return the members the cleanup was sent to (this node alone outside a view)
     * @throws IllegalArgumentException if the resource is not configured
     */
    public CompletableFuture<List<NodeId>> cleanup(ResourceId resource) {
        Objects.requireNonNull(resource, "resource");
        if (live.config().resource(resource).isEmpty()) {
            throw new IllegalArgumentException("no resource " + resource + " is configured");
        }
        return cleanup(new Cleanup(resource));
    }

    /** As {@link #cleanup(ResourceId)}, for every resource. */
    public CompletableFuture<List<NodeId>> cleanupAll() {
        return cleanup(new Cleanup(null));
    }

    /**
     * Declares {@code dead} dead, as a host or hypervisor monitor (or an operator who checked) knows
     * it to be (Pacemaker's {@code stonith_admin --confirm}): every member records it, so its groups
     * start elsewhere as soon as the membership removes it, without waiting for its lease to expire,
     * and the membership is asked to verify it now rather than after its heartbeat timeout. Declaring
     * a live node dead can start a second copy of its groups: only a monitor that knows the node is
     * down (powered off, its VM destroyed) may call this. The declaration lapses when the node rejoins.
     *
     * @return the members the declaration was sent to
     * @throws IllegalArgumentException if {@code dead} is not in the node list, is this node, or the
     *     reason is blank
     */
    public CompletableFuture<List<NodeId>> declareDead(NodeId dead, String reason) {
        Objects.requireNonNull(dead, "node");
        Objects.requireNonNull(reason, "reason");
        if (!live.config().nodes().contains(dead)) {
            throw new IllegalArgumentException("cannot declare " + dead + " dead: it is not in the node list "
                    + live.config().nodes());
        }
        if (dead.equals(self)) {
            throw new IllegalArgumentException("node " + self + " cannot declare itself dead");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("declaring " + dead + " dead needs a reason (what the monitor saw)");
        }
        Messages.DeathNotice notice = new Messages.DeathNotice(dead, reason.strip());
        return node.onEventThread(() -> {
            node.participant().broadcast(notice);
            node.suspect(dead);
            View v = node.participant().view();
            return v == null ? List.of(self) : v.members();
        });
    }

    /** The configuration this node holds now, with its version. */
    public VersionedConfig configuration() {
        return live.get();
    }

    /**
     * Makes {@code proposed} the cluster's configuration, as Pacemaker's {@code cibadmin --replace}
     * does, without restarting a node: checked here first (the agents' validate for every resource
     * it adds or whose agent or parameters it changes), then by the coordinator against the
     * cluster's configuration (quorum, the base version, the node list), given the next version and
     * sent to every member, each of which keeps it and applies it: what it removes stops first,
     * what it changes restarts, what it adds is probed everywhere and then started where the planner
     * places it. See {@code docs/design/replicated-config.md}.
     *
     * @param baseVersion the version the change was made against: the change is refused if the
     *     cluster's version is another (someone else changed it meanwhile); -1 to replace whatever
     *     version it is
     * @return the version this node holds once the coordinator accepted the change and this node
     *     took it (the same version if the change changes nothing); fails with {@link
     *     HaConfigurationException} naming what is wrong if an agent or the coordinator refuses it
     * @throws IllegalArgumentException at once if the base version is below -1, the configuration
     *     is too large to send (over 512 KiB encoded), or a resource's on-fail is fence while this
     *     node has no fence device
     */
    public CompletableFuture<VersionedConfig> configure(ClusterConfig proposed, long baseVersion) {
        Objects.requireNonNull(proposed, "proposed configuration");
        if (baseVersion < -1) {
            throw new IllegalArgumentException(
                    "base version " + baseVersion + " is neither a version (0 or more) nor -1 (any version)");
        }
        requireCarriable(proposed);
        List<ResourceSpec> touched = touched(proposed);
        return node.validate(touched).thenCompose(failures -> {
            if (!failures.isEmpty()) {
                return CompletableFuture.failedFuture(new HaConfigurationException(
                        "the configuration change is refused: " + String.join("; ", failures)));
            }
            CompletableFuture<VersionedConfig> result = new CompletableFuture<>();
            CompletableFuture<Void> sent = node.onEventThread(() -> {
                var unused = node.participant().propose(proposed, baseVersion).whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
                return null;
            });
            var unused = sent.exceptionally(e -> {
                result.completeExceptionally(e);
                return null;
            });
            return result;
        });
    }

    /**
     * What {@link #configure(ClusterConfig, long)} would check on this node, without proposing
     * anything (Pacemaker's {@code crm_verify}): the configuration is small enough to send, a
     * fence on-fail has a fence device, and the agents here accept every resource it adds or whose
     * agent or parameters it changes. The coordinator's checks (quorum, version, node list) are not
     * made.
     *
     * @return one line per problem; empty if none
     */
    public CompletableFuture<List<String>> validate(ClusterConfig proposed) {
        Objects.requireNonNull(proposed, "proposed configuration");
        try {
            requireCarriable(proposed);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(List.of(e.getMessage()));
        }
        return node.validate(touched(proposed));
    }

    private void requireCarriable(ClusterConfig proposed) {
        ConfigCodec.requireSendable(proposed);
        if (!node.canFence()) {
            HaNode.fenceWithoutDevice(proposed).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
    }

    /** The resources of {@code proposed} that are new here or whose agent or parameters change. */
    private List<ResourceSpec> touched(ClusterConfig proposed) {
        ClusterConfig current = live.config();
        List<ResourceSpec> touched = new java.util.ArrayList<>();
        for (var g : proposed.groups()) {
            for (ResourceSpec r : g.resources()) {
                Optional<ResourceSpec> before = current.resource(r.id());
                if (before.isEmpty()
                        || !before.get().agentType().equals(r.agentType())
                        || !before.get().parameters().equals(r.parameters())) {
                    touched.add(r);
                }
            }
        }
        return touched;
    }

    /**
     * Applies {@code change} to the configuration this node holds and proposes the result against
     * its version (see {@link #configure(ClusterConfig, long)}); if someone else changed it
     * meanwhile, the coordinator refuses it and the caller may simply call again.
     *
     * @throws IllegalArgumentException if {@code change} throws it (a bad value, named by the
     *     builder), or as {@link #configure(ClusterConfig, long)}
     */
    public CompletableFuture<VersionedConfig> configure(java.util.function.UnaryOperator<ClusterConfig> change) {
        VersionedConfig base = live.get();
        ClusterConfig proposed = Objects.requireNonNull(change.apply(base.config()), "the changed configuration");
        return configure(proposed, base.version());
    }

    /**
     * Adds {@code node} at the end of the node list of the running cluster (Pacemaker's {@code pcs
     * cluster node add}): once every member holds the new list, the membership admits the node and
     * it can be started with the cluster's configuration file. The coordinator refuses it while
     * another change of the node list is being committed, or if the current view would not hold a
     * strict majority of the new list. See {@code docs/design/node-list-changes.md}.
     *
     * @param address where the node is reached ({@code host:port}), required when the other nodes
     *     have addresses; empty otherwise
     * @throws IllegalArgumentException at once if {@code node} is in the node list already, or the
     *     address is missing, unexpected or taken
     */
    public CompletableFuture<VersionedConfig> addNode(NodeId node, Optional<String> address) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
        return configure(c -> withNodeAdded(c, node, address));
    }

    /**
     * Removes {@code node} from the node list of the running cluster (Pacemaker's {@code pcs
     * cluster node remove}); stop it first. The coordinator refuses it while {@code node} is a
     * member, while another change of the node list is being committed, for a cluster of two nodes,
     * or if a constraint still names the node.
     *
     * @throws IllegalArgumentException at once if {@code node} is not in the node list, is this
     *     node, or a location constraint names it
     */
    public CompletableFuture<VersionedConfig> removeNode(NodeId node) {
        Objects.requireNonNull(node, "node");
        if (node.equals(self)) {
            throw new IllegalArgumentException(
                    "node " + node + " cannot remove itself: stop it, then remove it from another node");
        }
        return configure(c -> withNodeRemoved(c, node));
    }

    /** {@code config} with {@code node} added at the end of its node list, at {@code address}. */
    static ClusterConfig withNodeAdded(ClusterConfig config, NodeId node, Optional<String> address) {
        if (config.nodes().contains(node)) {
            throw new IllegalArgumentException("node " + node + " is in the node list " + config.nodes() + " already");
        }
        if (config.addresses().isEmpty() && address.isPresent()) {
            throw new IllegalArgumentException("node " + node + " is given address " + address.get()
                    + " but the other nodes have none in the configuration: add it without an address (a"
                    + " membership that finds nodes itself, such as in-process), or give every node its"
                    + " address in ClusterConfig (with TCP, as hastack-node does)");
        }
        if (!config.addresses().isEmpty() && address.isEmpty()) {
            throw new IllegalArgumentException("node " + node
                    + " needs an address (host:port): the other nodes are reached at " + config.addresses());
        }
        List<String> names = new java.util.ArrayList<>();
        config.nodes().forEach(n -> names.add(n.value()));
        names.add(node.value());
        ClusterConfig.Builder b = config.toBuilder().previousNodes(List.of()).nodes(names.toArray(String[]::new));
        address.ifPresent(a -> b.address(node, a));
        return b.build();
    }

    /** {@code config} with {@code node} taken out of its node list. */
    static ClusterConfig withNodeRemoved(ClusterConfig config, NodeId node) {
        if (!config.nodes().contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not in the node list " + config.nodes());
        }
        if (config.nodes().size() == 1) {
            throw new IllegalArgumentException("node " + node + " is the only node: a cluster keeps at least one");
        }
        config.locations().stream()
                .filter(l -> l.node().equals(node))
                .findFirst()
                .ifPresent(l -> {
                    throw new IllegalArgumentException("location constraint " + l.id() + " names node " + node
                            + ": remove the constraint first (hastack constraint remove " + l.id() + ")");
                });
        ClusterConfig.Builder b = config.toBuilder()
                .previousNodes(List.of())
                .nodes(config.nodes().stream()
                        .filter(n -> !n.equals(node))
                        .map(NodeId::value)
                        .toArray(String[]::new));
        b.address(node, null);
        return b.build();
    }

    private CompletableFuture<List<NodeId>> cleanup(Cleanup cleanup) {
        return node.onEventThread(() -> node.participant().cleanupEverywhere(cleanup.resource()));
    }

    private CompletableFuture<Move> order(GroupId group, NodeId to, boolean ban, Optional<Duration> lifetime) {
        requireGroup(group);
        Objects.requireNonNull(to, "node");
        if (!live.config().nodes().contains(to)) {
            throw new IllegalArgumentException("cannot " + (ban ? "ban " : "move ") + group + (ban ? " from " : " to ")
                    + to + ": it is not in the node list " + live.config().nodes());
        }
        Instant now = clock.instant();
        Move move = new Move(group, to, ban, lifetime.map(now::plus));
        MoveOrder order = new MoveOrder(group, Optional.of(move), now);
        return node.onEventThread(() -> {
            node.participant().broadcast(order);
            return move;
        });
    }

    private void requireGroup(GroupId group) {
        Objects.requireNonNull(group, "group");
        if (live.config().group(group).isEmpty()) {
            throw new IllegalArgumentException("no group " + group + " is configured");
        }
    }

    @Override
    public String toString() {
        return "Admin of " + self;
    }
}
