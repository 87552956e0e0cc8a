package io.hastack.core.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one order in which resources stop, for planned stops and for a node's emergency stop alike:
 * groups in the reverse of their start order (a then-group of an order constraint before its
 * first-group), and in each group its members in reverse. Pure.
 */
public final class StopOrder {
    private StopOrder() {}

    /** {@code group}'s members in the order they stop: the reverse of the order they start in. */
    static List<ResourceSpec> members(ResourceGroup group) {
        List<ResourceSpec> reversed = new ArrayList<>(group.resources());
        Collections.reverse(reversed);
        return reversed;
    }

    /** The groups of {@code config} in the order they stop: the reverse of their start order. */
    static List<ResourceGroup> groups(ClusterConfig config) {
        List<ResourceGroup> reversed = new ArrayList<>(GroupOrder.startOrder(config));
        Collections.reverse(reversed);
        return reversed;
    }

    /**
     * Stops of every resource of {@code config} that is {@code active} on {@code node}, in stop
     * order, each with {@code reason}: what a node that must stop everything at once (a pause, lost
     * quorum, a close without a hand-over) runs, one after the other.
     */
    public static List<Action> stopEverything(
            ClusterConfig config, NodeId node, Predicate<ResourceId> active, String reason) {
        List<Action> stops = new ArrayList<>();
        for (ResourceGroup g : groups(config)) {
            for (ResourceSpec r : members(g)) {
                if (active.test(r.id())) {
                    stops.add(new Action(ActionType.STOP, node, g.id(), r.id(), reason));
                }
            }
        }
        return stops;
    }
}
