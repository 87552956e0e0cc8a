package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.Messages.MaintenanceOrder;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.Placement;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a coordinator knows of the cluster, kept across views, and the one place that builds the
 * {@link ClusterSnapshot} it plans from: the members' latest reports, what departed members last
 * ran, the operators' orders merged from the reports (newest wins), and the last placement a
 * coordinator announced. Confined to the node's event thread.
 */
final class ClusterState {
    private final LiveConfig live;
    private final Map<NodeId, NodeReport> reports = new HashMap<>();
    /** What members that left last reported (known only if this node coordinated when they left). */
    private final Map<NodeId, NodeInfo> departed = new TreeMap<>(Comparator.comparing(NodeId::value));
    /** The latest placement a coordinator announced (this node's own while it coordinates). */
    private Placement lastPlacement;
    /** The latest manual move order of every group, merged from the members' reports. */
    private final Map<GroupId, MoveOrder> moves = new HashMap<>();
    /** The latest cluster maintenance order, merged from the members' reports. */
    private MaintenanceOrder clusterMaintenance = MaintenanceOrder.NONE;

    ClusterState(LiveConfig live) {
        this.live = live;
    }

    /**
     * A new view: a coordinator remembers what the members that left last reported; a node taking
     * over takes that from the last announced placement. Reports of members no longer in the view
     * are dropped.
     *
     * @param wasCoordinating whether this node coordinated the previous view
     * @param takesOver whether this node coordinates {@code newView} and did not before
     */
    void viewChanged(View newView, boolean wasCoordinating, boolean takesOver) {
        if (wasCoordinating) {
            reports.forEach((node, report) -> {
                if (!newView.contains(node)) {
                    departed.put(node, new NodeInfo(node, NodeStatus.ONLINE, report.states(), report.failures()));
                }
            });
        } else if (takesOver && lastPlacement != null) {
            // Taking over: what the previous coordinator last told everyone is the best knowledge of
            // what the members that left were running.
            lastPlacement.active().forEach((node, states) -> {
                if (!newView.contains(node) && !states.isEmpty()) {
                    departed.put(node, new NodeInfo(node, NodeStatus.ONLINE, states, Map.of()));
                }
            });
        }
        departed.keySet().removeAll(newView.members());
        reports.keySet().retainAll(newView.members());
    }

    /** A member's report: it replaces the member's previous one, and its orders are merged. */
    void report(NodeId from, NodeReport report) {
        reports.put(from, report);
        for (MoveOrder m : report.moves()) {
            if (m.supersedes(moves.get(m.group()))) {
                moves.put(m.group(), m);
            }
        }
        if (report.clusterMaintenance().supersedes(clusterMaintenance)) {
            clusterMaintenance = report.clusterMaintenance();
        }
    }

    /** The members' latest reports. */
    Map<NodeId, NodeReport> reports() {
        return reports;
    }

    /** A placement some coordinator announced; the newest view's wins. */
    void placementReceived(Placement placement) {
        if (lastPlacement == null
                || placement.view().sequence() >= lastPlacement.view().sequence()) {
            lastPlacement = placement;
        }
    }

    /** What is active where now, by the reports, as this node announces it in {@code view}. */
    Placement announce(ViewId view) {
        Map<NodeId, Map<ResourceId, ResourceState>> active = new HashMap<>();
        reports.forEach((node, report) -> active.put(node, report.states()));
        lastPlacement = new Placement(view, active);
        return lastPlacement;
    }

    /** What is known of every member of {@code view} that has reported, in view order; fenced members as such. */
    List<NodeInfo> nodes(View view, Set<NodeId> fenced) {
        List<NodeInfo> nodes = new ArrayList<>();
        ClusterConfig config = live.config();
        for (NodeId member : view.members()) {
            NodeReport r = reports.get(member);
            if (fenced.contains(member)) {
                nodes.add(new NodeInfo(member, NodeStatus.FENCED, Map.of(), Map.of()));
            } else if (r != null) {
                NodeStatus status = !r.configHash().equals(config.hash())
                                || r.reconfiguring()
                                || !config.nodes().contains(member)
                        ? NodeStatus.CONFIG_MISMATCH
                        : NodeStatus.of(r.leaving(), r.maintenance(), r.standby(), r.quorate());
                nodes.add(new NodeInfo(member, status, r.states(), r.failures()));
            }
        }
        return nodes;
    }

    /** The snapshot to plan from in {@code view}. */
    ClusterSnapshot snapshot(View view, Set<NodeId> fenced, boolean fenceDevice) {
        List<Move> active = new ArrayList<>();
        moves.values().forEach(m -> m.move().ifPresent(active::add));
        active.sort(Comparator.comparing(m -> m.group().value()));
        return new ClusterSnapshot(
                live.config(),
                view.id(),
                nodes(view, fenced),
                active,
                List.copyOf(departed.values()),
                clusterMaintenance.on(),
                fenceDevice);
    }
}
