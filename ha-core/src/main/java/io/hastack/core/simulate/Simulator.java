package io.hastack.core.simulate;

import io.hastack.core.model.Failure;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.core.spi.plan.Plan;
import io.hastack.core.spi.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers "what would happen if ...": applies each event to the snapshot, then plans, applies the
 * plan as if every action succeeded, and plans again until the plan is empty, recording every step.
 * Nothing is executed. Pure and thread-safe: the same arguments give the same simulation.
 */
public final class Simulator {
    /** Plans after one event before the simulation declares the cluster unsettled. */
    static final int MAX_STEPS = 20;

    private final Planner planner;

    /** A simulator driving {@code planner} (use the cluster's own). */
    public Simulator(Planner planner) {
        this.planner = Objects.requireNonNull(planner, "planner");
    }

    /**
     * One step of a simulation.
     *
     * @param trigger what led to it: an event, or "plan N after ..."
     * @param plan the plan at this step (empty once settled)
     */
    public record Step(String trigger, Plan plan) {}

    /**
     * A whole simulation.
     *
     * @param steps every plan, in order
     * @param end the snapshot after the last step
     */
    public record Simulation(List<Step> steps, ClusterSnapshot end) {
        /** Copies the list. */
        public Simulation {
            steps = List.copyOf(steps);
        }

        /** The steps as text, one block each. */
        public String render() {
            return render(false);
        }

        /** The steps as text, one block each, with each plan's placement scores if {@code scores}. */
        public String render(boolean scores) {
            StringBuilder sb = new StringBuilder();
            for (Step s : steps) {
                sb.append(s.trigger()).append(":\n").append(s.plan().summary());
                if (scores && !s.plan().scores().isEmpty()) {
                    sb.append("  scores:\n").append(s.plan().scoresText().indent(2));
                }
            }
            return sb.toString();
        }
    }

    /** Simulates {@code events}, in order, starting from {@code start}. */
    public Simulation run(ClusterSnapshot start, List<SimEvent> events, Instant now) {
        List<Step> steps = new ArrayList<>();
        ClusterSnapshot snapshot = settle(start, "before any event", steps, now);
        for (SimEvent event : events) {
            snapshot = apply(snapshot, event, now);
            snapshot = settle(snapshot, "after " + event, steps, now);
            if (event instanceof SimEvent.NodeLeaves leaves) {
                snapshot = without(snapshot, leaves.node());
                snapshot = settle(snapshot, "after " + leaves.node() + " has left", steps, now);
            }
        }
        return new Simulation(steps, snapshot);
    }

    private ClusterSnapshot settle(ClusterSnapshot snapshot, String trigger, List<Step> steps, Instant now) {
        for (int i = 1; i <= MAX_STEPS; i++) {
            Plan plan = planner.plan(snapshot, now);
            steps.add(new Step(i == 1 ? trigger : "step " + i + " " + trigger, plan));
            if (plan.isEmpty()) {
                return snapshot;
            }
            snapshot = succeed(snapshot, plan);
        }
        throw new IllegalStateException("the plan did not settle within " + MAX_STEPS + " steps " + trigger);
    }

    private static ClusterSnapshot apply(ClusterSnapshot snapshot, SimEvent event, Instant now) {
        if (event instanceof SimEvent.NodeFails fails) {
            requireMember(snapshot, fails.node());
            return without(snapshot, fails.node());
        }
        if (event instanceof SimEvent.Standby standby) {
            requireMember(snapshot, standby.node());
            return map(snapshot, n -> n.node().equals(standby.node()) ? n.withStatus(NodeStatus.STANDBY) : n);
        }
        if (event instanceof SimEvent.NodeLeaves leaves) {
            requireMember(snapshot, leaves.node());
            return map(snapshot, n -> n.node().equals(leaves.node()) ? n.withStatus(NodeStatus.LEAVING) : n);
        }
        SimEvent.MonitorFails fails = (SimEvent.MonitorFails) event;
        requireMember(snapshot, fails.node());
        return map(snapshot, n -> {
            if (!n.node().equals(fails.node())) {
                return n;
            }
            if (n.state(fails.resource()) != ResourceState.RUNNING) {
                throw new IllegalArgumentException(
                        fails.resource() + " does not run on " + fails.node() + " at this point of the simulation");
            }
            Map<ResourceId, ResourceState> states = new HashMap<>(n.states());
            states.put(fails.resource(), ResourceState.FAILED);
            Map<ResourceId, Failure> failures = new HashMap<>(n.failures());
            Failure before = failures.get(fails.resource());
            int previous = before == null
                            || snapshot.config()
                                    .resource(fails.resource())
                                    .map(r -> before.expired(snapshot.config().failureTimeout(r), now))
                                    .orElse(false)
                    ? 0
                    : before.count();
            failures.put(fails.resource(), new Failure(previous + 1, now, Operation.MONITOR));
            return new NodeInfo(n.node(), n.status(), states, failures);
        });
    }

    /** The snapshot after every action of {@code plan} succeeded. */
    private static ClusterSnapshot succeed(ClusterSnapshot snapshot, Plan plan) {
        return map(snapshot, n -> {
            if (plan.fences().stream().anyMatch(f -> f.node().equals(n.node()))) {
                return new NodeInfo(n.node(), NodeStatus.FENCED, Map.of(), Map.of());
            }
            Map<ResourceId, ResourceState> states = new HashMap<>(n.states());
            for (Action a : plan.actionsFor(n.node())) {
                if (a.type() == ActionType.START) {
                    states.put(a.resource(), ResourceState.RUNNING);
                } else {
                    states.remove(a.resource());
                }
            }
            return new NodeInfo(n.node(), n.status(), states, n.failures());
        });
    }

    private static void requireMember(ClusterSnapshot snapshot, NodeId node) {
        if (!snapshot.members().contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not a member at this point of the simulation");
        }
    }

    private static ClusterSnapshot without(ClusterSnapshot snapshot, NodeId node) {
        return snapshot.without(node);
    }

    private static ClusterSnapshot map(ClusterSnapshot snapshot, java.util.function.UnaryOperator<NodeInfo> f) {
        List<NodeInfo> nodes = new ArrayList<>();
        snapshot.nodes().forEach(n -> nodes.add(f.apply(n)));
        return snapshot.withNodes(nodes);
    }

    /** Parses events written as {@code node-fails N}, {@code node-leaves N}, {@code monitor-fails R on N}. */
    public static List<SimEvent> parseEvents(List<String> texts) {
        return texts.stream().map(SimEvent::parse).toList();
    }
}
