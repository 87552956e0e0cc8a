package io.hastack.core.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ToIntFunction;

/** Orders of groups that constraints impose: graph helpers of the planner's stages and of {@link StopOrder}. */
final class GroupOrder {
    private GroupOrder() {}

    /** The groups with every first-group of an order constraint before its then-group. */
    static List<ResourceGroup> startOrder(ClusterConfig config) {
        Map<GroupId, List<GroupId>> before = new HashMap<>();
        for (OrderConstraint o : config.orders()) {
            before.computeIfAbsent(o.then(), k -> new ArrayList<>()).add(o.first());
        }
        return topological(config.groups(), before, g -> 0);
    }

    /**
     * {@code groups}, each after the groups {@code before} lists for it; among the groups whose
     * predecessors are all listed, the lowest {@code rank} first, then the order of {@code groups}.
     *
     * @throws IllegalStateException on a cycle, which configuration validation refuses
     */
    static List<ResourceGroup> topological(
            List<ResourceGroup> groups, Map<GroupId, List<GroupId>> before, ToIntFunction<ResourceGroup> rank) {
        Map<GroupId, Integer> index = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            index.put(groups.get(i).id(), i);
        }
        Map<GroupId, Integer> waiting = new HashMap<>();
        Map<GroupId, List<GroupId>> after = new HashMap<>();
        before.forEach((g, firsts) -> {
            for (GroupId f : firsts) {
                waiting.merge(g, 1, Integer::sum);
                after.computeIfAbsent(f, k -> new ArrayList<>()).add(g);
            }
        });
        PriorityQueue<ResourceGroup> ready =
                new PriorityQueue<>(Comparator.comparingInt(rank).thenComparingInt(g -> index.get(g.id())));
        groups.stream().filter(g -> !waiting.containsKey(g.id())).forEach(ready::add);
        List<ResourceGroup> result = new ArrayList<>(groups.size());
        while (!ready.isEmpty()) {
            ResourceGroup g = ready.poll();
            result.add(g);
            for (GroupId next : after.getOrDefault(g.id(), List.of())) {
                if (waiting.merge(next, -1, Integer::sum) == 0) {
                    ready.add(groups.get(index.get(next)));
                }
            }
        }
        if (result.size() != groups.size()) {
            throw new IllegalStateException("constraint cycle among groups; the configuration should have refused it");
        }
        return result;
    }
}
