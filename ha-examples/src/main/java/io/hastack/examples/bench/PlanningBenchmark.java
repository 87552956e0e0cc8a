package io.hastack.examples.bench;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.Score;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the planner takes on a large cluster: 100 nodes, 10,000 resources in 1,000 groups of 10,
 * every group with a location preference and a lesser avoidance, 200 colocations (100 mandatory),
 * every group running; then one node fails and the planner must move its groups. Plain harness (no
 * JMH): {@code --trials N} (default 200) timed plans after 100 warm-up plans, p50 / p99 / max in ms.
 * Two baselines from the same run: the same cluster without any constraint, and the steady state
 * (nothing failed, nothing to do). The target is a p50 of at most 50 ms on a 2-core machine.
 */
public final class PlanningBenchmark {
    static final int NODES = 100;
    static final int GROUPS = 1_000;
    static final int PER_GROUP = 10;
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private PlanningBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) {
        int trials = 200;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--trials") && i + 1 < args.length) {
                trials = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: PlanningBenchmark [--trials N]; unexpected '" + args[i] + "'");
                System.exit(2);
            }
        }
        System.out.printf(
                "planning %d nodes, %d resources in %d groups; %d trials each (ms)%n",
                NODES, GROUPS * PER_GROUP, GROUPS, trials);
        System.out.printf("  %-44s %8s %8s %8s %8s%n", "", "p50", "p99", "max", "actions");
        report("one node fails, with constraints", snapshot(true, true), trials);
        report("baseline: one node fails, no constraints", snapshot(false, true), trials);
        report("baseline: steady state, with constraints", snapshot(true, false), trials);
    }

    private static void report(String label, ClusterSnapshot snapshot, int trials) {
        DefaultPlanner planner = new DefaultPlanner();
        int actions = 0;
        for (int i = 0; i < 100; i++) {
            actions = planner.plan(snapshot, NOW).actions().size();
        }
        List<Long> nanos = new ArrayList<>(trials);
        for (int i = 0; i < trials; i++) {
            long start = System.nanoTime();
            Plan plan = planner.plan(snapshot, NOW);
            nanos.add(System.nanoTime() - start);
            actions = plan.actions().size();
        }
        System.out.printf(
                "  %-44s %8.1f %8.1f %8.1f %8d%n",
                label,
                FailoverBenchmark.percentile(nanos, 50) / 1e6,
                FailoverBenchmark.percentile(nanos, 99) / 1e6,
                nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6,
                actions);
    }

    /** The cluster, every group running on the node it prefers; without node 1 if {@code nodeFailed}. */
    static ClusterSnapshot snapshot(boolean constraints, boolean nodeFailed) {
        ClusterConfig.Builder config = ClusterConfig.builder();
        String[] names = new String[NODES];
        for (int n = 0; n < NODES; n++) {
            names[n] = node(n);
        }
        config.nodes(names);
        Map<NodeId, Map<ResourceId, ResourceState>> states = new HashMap<>();
        for (int g = 0; g < GROUPS; g++) {
            List<ResourceSpec> specs = new ArrayList<>(PER_GROUP);
            Map<ResourceId, ResourceState> on = states.computeIfAbsent(NodeId.of(node(home(g))), k -> new HashMap<>());
            for (int r = 0; r < PER_GROUP; r++) {
                ResourceSpec spec = ResourceSpec.builder(String.format("g%04d-r%d", g, r), "bench")
                        .build();
                specs.add(spec);
                on.put(spec.id(), ResourceState.RUNNING);
            }
            config.group(new ResourceGroup(io.hastack.core.model.GroupId.of(group(g)), specs));
            if (constraints) {
                config.location(LocationConstraint.prefer("prefer-" + g, group(g), node(home(g)), 100));
                config.location(LocationConstraint.avoid("avoid-" + g, group(g), node((home(g) + 50) % NODES), 50));
                if (g % 5 == 1) {
                    // Groups 1, 6, 11, ... go with the group before them (same home node).
                    config.colocation(new ColocationConstraint(
                            "with-" + g,
                            io.hastack.core.model.GroupId.of(group(g)),
                            io.hastack.core.model.GroupId.of(group(g - 1)),
                            g % 10 == 1 ? Score.INFINITY : 500));
                }
            }
        }
        List<NodeInfo> nodes = new ArrayList<>();
        for (int n = nodeFailed ? 1 : 0; n < NODES; n++) {
            NodeId id = NodeId.of(node(n));
            nodes.add(new NodeInfo(
                    id, io.hastack.core.spi.plan.NodeStatus.ONLINE, states.getOrDefault(id, Map.of()), Map.of()));
        }
        return new ClusterSnapshot(config.build(), new ViewId(nodes.get(0).node(), 2), nodes);
    }

    /** Group {@code g} and the one before it share a home when they are colocated. */
    private static int home(int g) {
        int lead = g % 5 == 1 ? g - 1 : g;
        return lead % NODES;
    }

    private static String node(int n) {
        return String.format("n%03d", n);
    }

    private static String group(int g) {
        return String.format("g%04d", g);
    }

    /** The number of starts in {@code plan}; for checks. */
    static long starts(Plan plan) {
        return plan.actions().stream().filter(a -> a.type() == ActionType.START).count();
    }
}
