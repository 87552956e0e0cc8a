package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.Flag;
import io.hastack.core.runtime.Messages.MaintenanceOrder;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.Placement;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.StatusShare;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Planner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.helpers.NOPLogger;

/**
 * Runs a throwaway {@link Coordinator} through whole rounds of a failover to this node, and acts
 * on none of it: its port sends, records, schedules and fences nothing, and it logs nothing. A node
 * that has not coordinated yet (every node but the first to start) otherwise runs the
 * coordinator's code for the first time in a failover, once the node that coordinated has died.
 * Each round: another configured node ran every resource (its placement), this node granted it a
 * lease just now, and its death is confirmed; a view of this node alone arrives, quorate; this
 * node reports nothing active; the plan (what the planner moves here) is dispatched; this node
 * reports it done and its starts running, plan after plan, until the plan is empty. Then the
 * coordinator's part of the status (its nodes, notes and snapshot, and a status share compared
 * with the last, as the node does). Not rehearsed: the node's own event handling, the epochs (the
 * port hands the plan back as it is), the messages' encoding and the participant's side. The
 * coordinator is confined to the calling thread and shares nothing with the node's own but the
 * configuration it reads, the clock and the planner, which is pure; so this runs off the event
 * thread.
 */
final class CoordinatorRehearsal {
    /** How many plans in a row one rehearsal carries out before its plan must be empty. */
    private static final int MAX_WAVES = 8;

    private CoordinatorRehearsal() {}

    /**
     * Rehearses {@code rounds} rounds as {@code self} and returns the plans the rehearsal
     * coordinators dispatched (to nobody), in order.
     */
    static List<Execute> run(
            NodeId self, LiveConfig live, Planner planner, Clock clock, Duration leaseTime, int rounds) {
        List<Execute> dispatched = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            VersionedConfig held = live.get();
            Map<ResourceId, ResourceState> all = new HashMap<>();
            held.config().groups().stream()
                    .flatMap(g -> g.resources().stream())
                    .forEach(r -> all.put(r.id(), ResourceState.RUNNING));
            Coordinator c = new Coordinator(
                    self, live, planner, clock, leaseTime, new SilentPort(dispatched), NOPLogger.NOP_LOGGER);
            Optional<NodeId> departed =
                    held.config().nodes().stream().filter(n -> !n.equals(self)).findFirst();
            int round = i;
            departed.ifPresent(d -> {
                c.placementReceived(new Placement(new ViewId(d, round), Map.of(d, all)));
                c.deathConfirmed(d, "rehearsal: its process exited");
            });
            // This node granted the departed one a lease just now: only the confirmed death lets the
            // plan start at once.
            Map<NodeId, Long> grantAges = departed.map(d -> Map.of(d, 0L)).orElse(Map.of());
            View alone = new View(new ViewId(self, i + 1L), List.of(self), false);
            c.viewChanged(alone);
            c.quorumChanged(true);
            int before = dispatched.size();
            c.reportReceived(self, report(alone, held, null, Map.of(), grantAges, leaseTime));
            // A plan may start things in waves (an order whose first group is a clone): each done,
            // until the plan is empty.
            Map<ResourceId, ResourceState> started = new HashMap<>();
            for (int wave = 0; wave < MAX_WAVES && dispatched.size() > before; wave++) {
                before = dispatched.size();
                Execute plan = dispatched.get(before - 1);
                plan.actions().stream()
                        .filter(a -> a.type() == ActionType.START)
                        .forEach(a -> started.put(a.resource(), ResourceState.RUNNING));
                c.reportReceived(self, report(alone, held, plan.plan(), started, grantAges, leaseTime));
            }
            if (!c.converged()) {
                throw new IllegalStateException("rehearsal round " + i + " of " + self + " did not converge");
            }
            // What the node's status publication asks of its coordinator, and its share's comparison.
            StatusShare last = new StatusShare(alone.id(), held.version(), c.nodes(), c.notes());
            boolean unusedSame = new StatusShare(alone.id(), held.version(), c.nodes(), c.notes()).equals(last);
            Optional<?> unusedSnapshot = c.currentSnapshot();
        }
        return dispatched;
    }

    /**
     * This node's report in {@code view}: quorate, {@code completed} done (null: none), {@code
     * active} running, leases granted {@code grantAges} ago, and up for longer than a lease and
     * its margin (no lease of an earlier incarnation to wait for).
     */
    private static NodeReport report(
            View view,
            VersionedConfig held,
            PlanId completed,
            Map<ResourceId, ResourceState> active,
            Map<NodeId, Long> grantAges,
            Duration leaseTime) {
        return new NodeReport(
                view.id(),
                held.hash(),
                held.version(),
                EnumSet.of(Flag.QUORATE),
                completed,
                active,
                Map.of(),
                List.of(),
                MaintenanceOrder.NONE,
                grantAges,
                leaseTime.multipliedBy(2).plus(Takeover.margin(leaseTime)).toMillis());
    }

    /** Sends, records, schedules and fences nothing; keeps the plans it was asked to send. */
    private static final class SilentPort implements Coordinator.Port {
        private final List<Execute> dispatched;

        SilentPort(List<Execute> dispatched) {
            this.dispatched = dispatched;
        }

        @Override
        public void send(NodeId node, Message message) {
            if (message instanceof Execute e) {
                dispatched.add(e);
            }
        }

        @Override
        public void event(EventData data, String subject, String detail) {}

        @Override
        public void schedule(Runnable task, Duration delay) {}

        @Override
        public Optional<CompletableFuture<FenceResult>> fence(NodeId node) {
            return Optional.empty();
        }

        @Override
        public boolean canFence() {
            return false;
        }

        @Override
        public CompletableFuture<List<Action>> stampEpochs(List<Action> actions) {
            return CompletableFuture.completedFuture(actions);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public boolean leaseHeld() {
            return true;
        }
    }
}
