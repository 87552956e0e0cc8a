package io.hastack.core.model;

import com.google.common.hash.Hashing;
import io.hastack.core.internal.Durations;
import io.hastack.core.internal.Require;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resource configuration every node of a cluster must share: the resource groups and the
 * cluster-wide policy. Immutable; build with {@link #builder()}.
 *
 * <p>Nodes compare {@link #hash()} values: the coordinator refuses to manage a node whose hash
 * differs from its own.
 */
public final class ClusterConfig {
    /** Failures of one resource on one node after which its group leaves that node. */
    public static final int DEFAULT_MIGRATION_THRESHOLD = 3;
    /** Stickiness of a resource that sets none (pcs sets 1 on a new cluster). */
    public static final int DEFAULT_STICKINESS = 1;

    private final List<ResourceGroup> groups;
    private final List<NodeId> nodes;
    private final List<NodeId> previousNodes;
    private final Map<NodeId, String> addresses;
    private final NoQuorumPolicy noQuorumPolicy;
    private final int migrationThreshold;
    private final int defaultStickiness;
    private final java.time.Duration failureTimeout;
    private final boolean maintenanceMode;
    private final boolean waitForAll;
    private final java.util.Optional<java.time.Duration> lastManStanding;
    private final List<LocationConstraint> locations;
    private final List<ColocationConstraint> colocations;
    private final List<OrderConstraint> orders;
    private final Map<ResourceId, GroupId> groupOf;
    private final String hash;

    private ClusterConfig(Builder b) {
        this.groups = List.copyOf(b.groups.values());
        this.nodes = List.copyOf(b.nodes);
        this.previousNodes = List.copyOf(b.previousNodes);
        Map<NodeId, String> ordered = new LinkedHashMap<>();
        nodes.stream().filter(b.addresses::containsKey).forEach(n -> ordered.put(n, b.addresses.get(n)));
        b.addresses.forEach(ordered::putIfAbsent); // an address of a node not in the list: refused below
        this.addresses = java.util.Collections.unmodifiableMap(ordered);
        checkNodes(nodes, previousNodes, addresses);
        this.noQuorumPolicy = b.noQuorumPolicy;
        this.migrationThreshold = b.migrationThreshold;
        this.defaultStickiness = b.defaultStickiness;
        this.failureTimeout = b.failureTimeout;
        this.maintenanceMode = b.maintenanceMode;
        this.waitForAll = b.waitForAll;
        this.lastManStanding = java.util.Optional.ofNullable(b.lastManStanding);
        this.locations = List.copyOf(b.locations);
        this.colocations = List.copyOf(b.colocations);
        this.orders = List.copyOf(b.orders);
        Map<ResourceId, GroupId> owners = new HashMap<>();
        for (ResourceGroup g : groups) {
            for (ResourceSpec r : g.resources()) {
                GroupId previous = owners.putIfAbsent(r.id(), g.id());
                if (previous != null) {
                    throw new IllegalArgumentException("resource " + r.id() + " is in both group " + previous
                            + " and group " + g.id() + ": a resource belongs to one group");
                }
            }
        }
        this.groupOf = Map.copyOf(owners);
        ConfigValidator.validate(this);
        this.hash = Hashing.sha256()
                .hashString(canonicalText(), StandardCharsets.UTF_8)
                .toString()
                .substring(0, 16);
    }

    /** Starts an empty configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding everything this configuration holds, to change a copy of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        groups.forEach(b::group);
        b.nodes.addAll(nodes);
        b.previousNodes.addAll(previousNodes);
        b.addresses.putAll(addresses);
        b.noQuorumPolicy = noQuorumPolicy;
        b.migrationThreshold = migrationThreshold;
        b.defaultStickiness = defaultStickiness;
        b.failureTimeout = failureTimeout;
        b.maintenanceMode = maintenanceMode;
        b.waitForAll = waitForAll;
        b.lastManStanding = lastManStanding.orElse(null);
        b.locations.addAll(locations);
        b.colocations.addAll(colocations);
        b.orders.addAll(orders);
        return b;
    }

    private static void checkNodes(List<NodeId> nodes, List<NodeId> previous, Map<NodeId, String> addresses) {
        for (NodeId n : addresses.keySet()) {
            if (!nodes.contains(n)) {
                throw new IllegalArgumentException(
                        "node " + n + " has an address but is not in the node list " + nodes);
            }
        }
        if (!addresses.isEmpty() && addresses.size() != nodes.size()) {
            List<NodeId> without =
                    nodes.stream().filter(n -> !addresses.containsKey(n)).toList();
            throw new IllegalArgumentException("nodes " + without
                    + " have no address: give every node an address, or none (a membership that finds nodes"
                    + " itself)");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        addresses.forEach((n, a) -> {
            if (!seen.add(a)) {
                throw new IllegalArgumentException("address " + a + " is given to two nodes (node " + n + ")");
            }
        });
        if (!previous.isEmpty() && NodeChange.between(previous, nodes).isEmpty()) {
            throw new IllegalArgumentException("previous node list " + previous + " and node list " + nodes
                    + " must differ by one node added at the end or one node removed: the node list changes"
                    + " one node at a time");
        }
    }

    /** The groups in configuration order (the planner places them in this order). */
    public List<ResourceGroup> groups() {
        return groups;
    }

    /** The group named {@code id}, if configured. */
    public Optional<ResourceGroup> group(GroupId id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The group that contains {@code resource}, if the resource is configured. */
    public Optional<GroupId> groupOf(ResourceId resource) {
        return Optional.ofNullable(groupOf.get(resource));
    }

    /** The spec of {@code resource}, if configured. */
    public Optional<ResourceSpec> resource(ResourceId resource) {
        return groupOf(resource).flatMap(this::group).flatMap(g -> g.resource(resource));
    }

    /**
     * The nodes of the cluster, one vote each: a partition is quorate with more than half of them,
     * or with exactly half and the quorum device's tie-break. Empty if not configured (a node then
     * refuses to start).
     */
    public List<NodeId> nodes() {
        return nodes;
    }

    /**
     * While a change of the node list is being committed, the node list before it; empty
     * otherwise. Set by the coordinator that makes the change, and cleared by it once every node
     * of both lists that could still hold the old list holds the new one; meanwhile a partition
     * needs a strict majority of these nodes too (see {@code docs/safety.md}).
     */
    public List<NodeId> previousNodes() {
        return previousNodes;
    }

    /** The change of the node list being committed, if one is ({@link #previousNodes()}). */
    public Optional<NodeChange> nodeChange() {
        return previousNodes.isEmpty() ? Optional.empty() : NodeChange.between(previousNodes, nodes);
    }

    /**
     * Where each node is reached, as the membership understands it ({@code host:port} for TCP), in
     * node-list order: every node has one, or none has (a membership that finds nodes itself).
     * Replicated with the rest, so that a node added at run time is found and admitted.
     */
    public Map<NodeId, String> addresses() {
        return addresses;
    }

    /** What a partition without quorum does. */
    public NoQuorumPolicy noQuorumPolicy() {
        return noQuorumPolicy;
    }

    /** Failures of a resource on a node after which the planner moves its group away from that node. */
    public int migrationThreshold() {
        return migrationThreshold;
    }

    /** The stickiness of resources that set none ({@link #DEFAULT_STICKINESS} unless set). */
    public int defaultStickiness() {
        return defaultStickiness;
    }

    /** How long failures count unless a resource sets its own; {@link java.time.Duration#ZERO} = forever. */
    public java.time.Duration failureTimeout() {
        return failureTimeout;
    }

    /** True in maintenance mode: the cluster monitors everything and starts or stops nothing. */
    public boolean maintenanceMode() {
        return maintenanceMode;
    }

    /**
     * Corosync's {@code wait_for_all}: after a node starts, its partition is quorate for the first
     * time only once it has seen every configured node in one view. Off by default.
     */
    public boolean waitForAll() {
        return waitForAll;
    }

    /**
     * Corosync's {@code last_man_standing}, with its window: once a quorate partition has been
     * stable for the window, the nodes missing from it stop counting as votes, so that the
     * partition stays quorate when more nodes fail one by one; a node that returns counts again.
     * Empty (the default) when off. See {@code docs/safety.md} for the failure it allows.
     */
    public java.util.Optional<java.time.Duration> lastManStanding() {
        return lastManStanding;
    }

    /** The location constraints, in configuration order. */
    public List<LocationConstraint> locations() {
        return locations;
    }

    /** The colocation constraints, in configuration order. */
    public List<ColocationConstraint> colocations() {
        return colocations;
    }

    /** The order constraints, in configuration order. */
    public List<OrderConstraint> orders() {
        return orders;
    }

    /** The stickiness of {@code resource}: its own, else the default. */
    public int stickiness(ResourceSpec resource) {
        return resource.stickiness().orElse(defaultStickiness);
    }

    /** The migration threshold of {@code resource}: its own, else the cluster's. */
    public int migrationThreshold(ResourceSpec resource) {
        return resource.migrationThreshold().orElse(migrationThreshold);
    }

    /** The failure timeout of {@code resource}: its own, else the cluster's. */
    public java.time.Duration failureTimeout(ResourceSpec resource) {
        return resource.failureTimeout().orElse(failureTimeout);
    }

    /**
     * What a failure of {@code operation} on {@code resource} leads to: the resource's own policy,
     * else Pacemaker's defaults: {@link OnFail#RESTART} for a monitor, {@link OnFail#MIGRATE} for a
     * start (Pacemaker's start-failure-is-fatal), {@link OnFail#FENCE} for a stop (forced stop first;
     * without a fence device the resource stays blocked).
     */
    public OnFail onFail(ResourceSpec resource, Operation operation) {
        return resource.onFail(operation)
                .orElse(
                        switch (operation) {
                            case START -> OnFail.MIGRATE;
                            case STOP -> OnFail.FENCE;
                            case MONITOR, VALIDATE -> OnFail.RESTART;
                        });
    }

    /** A short hex digest of {@link #canonicalText()}; equal configurations have equal hashes. */
    public String hash() {
        return hash;
    }

    /** The whole configuration as canonical text, one line per item. */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder("migration-threshold=")
                .append(migrationThreshold)
                .append('\n');
        sb.append("no-quorum-policy=")
                .append(noQuorumPolicy.name().toLowerCase(java.util.Locale.ROOT))
                .append('\n');
        sb.append("nodes=").append(nodes).append('\n');
        if (!previousNodes.isEmpty()) {
            sb.append("previous-nodes=").append(previousNodes).append('\n');
        }
        if (!addresses.isEmpty()) {
            sb.append("addresses=").append(addresses).append('\n');
        }
        sb.append("default-stickiness=").append(Score.format(defaultStickiness)).append('\n');
        sb.append("failure-timeout=").append(failureTimeout.toMillis()).append('\n');
        sb.append("maintenance-mode=").append(maintenanceMode).append('\n');
        if (waitForAll) {
            sb.append("wait-for-all=true\n");
        }
        lastManStanding.ifPresent(
                w -> sb.append("last-man-standing-window=").append(w.toMillis()).append('\n'));
        for (ResourceGroup g : groups) {
            sb.append("group ")
                    .append(g.id())
                    .append(g.isClone() ? " clone-max=" + g.cloneMax() : "")
                    .append(g.ordered() ? "" : " ordered=false")
                    .append('\n');
            for (ResourceSpec r : g.resources()) {
                sb.append("  ").append(r.canonicalText()).append('\n');
            }
        }
        locations.forEach(c -> sb.append(c.canonicalText()).append('\n'));
        colocations.forEach(c -> sb.append(c.canonicalText()).append('\n'));
        orders.forEach(c -> sb.append(c.canonicalText()).append('\n'));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterConfig other && canonicalText().equals(other.canonicalText());
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterConfig[" + groups.size() + " groups, hash " + hash + "]";
    }

    /**
     * Builds a {@link ClusterConfig}. Each setter refuses a bad value at once with an
     * {@link IllegalArgumentException} naming the field, leaving the builder as it was;
     * {@link #build()} checks what needs the whole configuration. Not thread-safe.
     */
    public static final class Builder {
        private final Map<GroupId, ResourceGroup> groups = new LinkedHashMap<>();
        private final List<NodeId> nodes = new java.util.ArrayList<>();
        private final List<NodeId> previousNodes = new java.util.ArrayList<>();
        private final Map<NodeId, String> addresses = new LinkedHashMap<>();
        private NoQuorumPolicy noQuorumPolicy = NoQuorumPolicy.STOP;
        private int migrationThreshold = DEFAULT_MIGRATION_THRESHOLD;
        private int defaultStickiness = DEFAULT_STICKINESS;
        private java.time.Duration failureTimeout = java.time.Duration.ZERO;
        private boolean maintenanceMode;
        private boolean waitForAll;
        private java.time.Duration lastManStanding;
        private final List<LocationConstraint> locations = new java.util.ArrayList<>();
        private final List<ColocationConstraint> colocations = new java.util.ArrayList<>();
        private final List<OrderConstraint> orders = new java.util.ArrayList<>();

        private Builder() {}

        /** Adds a group; its id must not be used by an earlier group. */
        public Builder group(ResourceGroup group) {
            Require.notNull("group", group);
            if (groups.putIfAbsent(group.id(), group) != null) {
                throw new IllegalArgumentException("group " + group.id() + " is configured twice");
            }
            return this;
        }

        /**
         * Sets the cluster's nodes (the votes for quorum): at least one, each at most once. Replaces
         * an earlier node list.
         *
         * @throws IllegalArgumentException naming the bad entry; the earlier node list is kept
         */
        public Builder nodes(String... names) {
            Require.notNull("node list", names);
            if (names.length == 0) {
                throw new IllegalArgumentException("node list must not be empty: every node of the cluster has a vote");
            }
            List<NodeId> list = new java.util.ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                if (names[i] == null) {
                    throw new IllegalArgumentException(
                            "node list: node " + (i + 1) + " of " + names.length + " must not be null");
                }
                NodeId id;
                try {
                    id = NodeId.of(names[i]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("node list: " + e.getMessage(), e);
                }
                if (list.contains(id)) {
                    throw new IllegalArgumentException("node " + id + " is listed twice in the node list");
                }
                list.add(id);
            }
            nodes.clear();
            nodes.addAll(list);
            return this;
        }

        /**
         * Sets the node list before a change of it that is being committed
         * ({@link ClusterConfig#previousNodes()}); none (the default) when no change is. The
         * coordinator sets it; an application leaves it alone.
         *
         * @throws IllegalArgumentException naming the bad entry; the earlier list is kept
         */
        public Builder previousNodes(List<NodeId> list) {
            Require.notNull("previous node list", list);
            if (list.stream().anyMatch(java.util.Objects::isNull)
                    || list.size() != new java.util.HashSet<>(list).size()) {
                throw new IllegalArgumentException(
                        "previous node list " + list + " must name each node once, and no null");
            }
            previousNodes.clear();
            previousNodes.addAll(list);
            return this;
        }

        /**
         * Sets where {@code node} is reached ({@code host:port} for TCP; {@link
         * ClusterConfig#addresses()}); null removes it. {@link #build()} checks that every node
         * has one, or none.
         *
         * @throws IllegalArgumentException if {@code address} is blank or has white space
         */
        public Builder address(NodeId node, String address) {
            Require.notNull("node", node);
            if (address == null) {
                addresses.remove(node);
                return this;
            }
            if (address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "address of node " + node + " must be host:port without white space, was '" + address + "'");
            }
            addresses.put(node, address);
            return this;
        }

        /** Sets what a partition without quorum does; {@link NoQuorumPolicy#STOP} by default. */
        public Builder noQuorumPolicy(NoQuorumPolicy policy) {
            this.noQuorumPolicy = Require.notNull("no-quorum-policy", policy);
            return this;
        }

        /** Sets the migration threshold; it must be at least 1. */
        public Builder migrationThreshold(int threshold) {
            if (threshold < 1) {
                throw new IllegalArgumentException("migration-threshold must be at least 1, was " + threshold);
            }
            this.migrationThreshold = threshold;
            return this;
        }

        /** Sets the stickiness of resources that set none; {@link ClusterConfig#DEFAULT_STICKINESS} by default. */
        public Builder defaultStickiness(int score) {
            this.defaultStickiness = Score.require("default stickiness", score);
            return this;
        }

        /**
         * Sets how long failures count: {@link java.time.Duration#ZERO} (the default) until cleanup,
         * else from 1 s to 365 days.
         *
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public Builder failureTimeout(java.time.Duration timeout) {
            this.failureTimeout = Durations.FAILURE_TIMEOUT.requireZeroOrWithin("failure-timeout", timeout);
            return this;
        }

        /** Sets maintenance mode: nothing is started or stopped while it is on. */
        public Builder maintenanceMode(boolean on) {
            this.maintenanceMode = on;
            return this;
        }

        /** Sets corosync's {@code wait_for_all} ({@link ClusterConfig#waitForAll()}); off by default. */
        public Builder waitForAll(boolean on) {
            this.waitForAll = on;
            return this;
        }

        /**
         * Turns corosync's {@code last_man_standing} on with {@code window} (corosync's default is
         * 10 s; from 1 s to 1 h), or off with null ({@link ClusterConfig#lastManStanding()}).
         *
         * @throws IllegalArgumentException if the window lies outside 1 s to 1 h
         */
        public Builder lastManStanding(java.time.Duration window) {
            this.lastManStanding = window == null
                    ? null
                    : Durations.LAST_MAN_STANDING_WINDOW.require("last-man-standing window", window);
            return this;
        }

        /** Adds a location constraint. */
        public Builder location(LocationConstraint constraint) {
            locations.add(Require.notNull("location constraint", constraint));
            return this;
        }

        /** Adds a colocation constraint. */
        public Builder colocation(ColocationConstraint constraint) {
            colocations.add(Require.notNull("colocation constraint", constraint));
            return this;
        }

        /** Adds an order constraint. */
        public Builder order(OrderConstraint constraint) {
            orders.add(Require.notNull("order constraint", constraint));
            return this;
        }

        /**
         * Validates and builds the configuration.
         *
         * @throws IllegalArgumentException naming the group, resource or constraint that is wrong and
         *     why: unknown references, ordering or colocation cycles, contradictory scores
         */
        public ClusterConfig build() {
            return new ClusterConfig(this);
        }
    }
}
