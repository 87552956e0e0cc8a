package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.security.Refusals;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A point-in-time status of the cluster as one node sees it. On the coordinator it covers every
 * member; on another node it is the whole-cluster picture the coordinator last shared (as {@code
 * crm_mon} answers on any Pacemaker node), or only the node itself before the coordinator has
 * shared one; the quorum, lease and refused lines are always the node's own.
 *
 * @param node the node that produced it
 * @param view the current view, if the node is a member
 * @param coordinator whether {@code node} coordinates the view
 * @param config the configuration
 * @param configVersion its version (see {@link io.hastack.core.model.VersionedConfig})
 * @param nodes what is known of each member (every member, as the coordinator sees it)
 * @param quorum this node's quorum, in words ("quorate: 2 of 3 votes [n1, n2]")
 * @param lease this node's membership lease, in words ("held: heard from [n1, n2] within 3000
 *     ms"); a node without it acts on nothing (see {@code docs/design/leases.md})
 * @param refused what this node refused (frames, joins, names), by reason (see {@code
 *     docs/security.md})
 * @param notes the planner's latest notes (things it chose not to do and why)
 */
public record ClusterStatus(
        NodeId node,
        Optional<View> view,
        boolean coordinator,
        ClusterConfig config,
        long configVersion,
        String quorum,
        String lease,
        Refusals.Snapshot refused,
        List<NodeInfo> nodes,
        List<String> notes) {

    /** Copies the lists. */
    public ClusterStatus {
        nodes = List.copyOf(nodes);
        notes = List.copyOf(notes);
    }

    /** The nodes on which {@code resource} is {@link ResourceState#RUNNING}. */
    public List<NodeId> runningOn(ResourceId resource) {
        return nodes.stream()
                .filter(n -> n.state(resource) == ResourceState.RUNNING)
                .map(NodeInfo::node)
                .toList();
    }

    /** The state of {@code resource} on {@code node}, if that node is known. */
    public Optional<ResourceState> state(NodeId node, ResourceId resource) {
        return nodes.stream().filter(n -> n.node().equals(node)).findFirst().map(n -> n.state(resource));
    }

    /** A readable table: members, then one row per resource with its state on each member. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Cluster status from ")
                .append(node)
                .append(view.map(v -> " (" + v + (coordinator ? ", coordinator" : ", coordinator is " + v.coordinator())
                                + ")")
                        .orElse(" (not a member)"))
                .append('\n');
        sb.append("  configuration: version ")
                .append(configVersion)
                .append(" (hash ")
                .append(config.hash())
                .append(")\n");
        sb.append("  quorum: ").append(quorum).append('\n');
        sb.append("  lease: ").append(lease).append('\n');
        sb.append("  refused: ").append(refused.render()).append('\n');
        sb.append(String.format("  %-14s %-16s %s%n", "NODE", "STATUS", "FAILURES"));
        for (NodeInfo n : nodes) {
            sb.append(String.format(
                    "  %-14s %-16s %s%n",
                    n.node(),
                    describe(n.status()),
                    n.failCounts().isEmpty() ? "-" : n.failCounts().toString()));
        }
        sb.append(String.format("  %-14s %-14s %-16s %s%n", "GROUP", "RESOURCE", "AGENT", "STATE BY NODE"));
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec r : g.resources()) {
                List<String> where = new ArrayList<>();
                for (NodeInfo n : nodes) {
                    ResourceState s = n.state(r.id());
                    if (s != ResourceState.STOPPED) {
                        where.add(s + "@" + n.node());
                    }
                }
                sb.append(String.format(
                        "  %-14s %-14s %-16s %s%n",
                        g.id(), r.id(), r.agentType(), where.isEmpty() ? "STOPPED" : String.join(" ", where)));
            }
        }
        notes.forEach(n -> sb.append("  note: ").append(n).append('\n'));
        return sb.toString();
    }

    private static String describe(NodeStatus status) {
        return switch (status) {
            case ONLINE -> "online";
            case LEAVING -> "leaving";
            case STANDBY -> "standby";
            case MAINTENANCE -> "maintenance";
            case NO_QUORUM -> "no-quorum";
            case FENCED -> "fenced";
            case CONFIG_MISMATCH -> "config-mismatch";
        };
    }
}
