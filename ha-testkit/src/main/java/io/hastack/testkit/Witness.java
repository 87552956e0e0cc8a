package io.hastack.testkit;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.EpochGuard;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.ResourceAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * An external observer of a test cluster (part of the test kit): its agents record every start and stop, so a test can
 * ask where a resource really runs, independently of what the nodes believe. Faults are switched
 * per node and resource: a failing monitor, a hanging start.
 */
public final class Witness {
    /** One start or stop that an agent performed, with the epoch the resource was started with. */
    public record Event(NodeId node, ResourceId resource, String what, long epoch) {}

    private final Map<ResourceId, Set<NodeId>> running = new ConcurrentHashMap<>();
    private final List<Event> history = new CopyOnWriteArrayList<>();
    private final Set<String> failingMonitors = ConcurrentHashMap.newKeySet();
    private final Set<String> hangingStarts = ConcurrentHashMap.newKeySet();
    private final Set<String> failingStops = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> hangingStops = new ConcurrentHashMap<>();
    private final Set<String> failingForcedStops = ConcurrentHashMap.newKeySet();
    private final Set<NodeId> dead = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<ResourceId, EpochGuard> guards = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger staleWrites =
            new java.util.concurrent.atomic.AtomicInteger();
    private final Map<ResourceId, Long> lastAcceptedWrite = new ConcurrentHashMap<>();

    private static String key(NodeId node, ResourceId resource) {
        return node + "/" + resource;
    }

    private volatile boolean exclusiveChecked;

    /**
     * From now on, a start of an exclusive resource while it runs on another live node is a
     * violation. Not the default: a frozen node's copy still runs (as a real process would) while
     * the others start one after its lease, which the fencing epochs guard; a test without frozen
     * nodes or {@code no-quorum-policy=ignore} asks for the stricter check.
     */
    public void checkExclusiveStarts() {
        exclusiveChecked = true;
    }

    /** The live nodes on which {@code resource} runs. */
    public Set<NodeId> runningOn(String resource) {
        Set<NodeId> nodes = ConcurrentHashMap.newKeySet();
        nodes.addAll(running.getOrDefault(ResourceId.of(resource), Set.of()));
        nodes.removeAll(dead);
        return nodes;
    }

    /** Every start and stop so far, in order. */
    public List<Event> history() {
        return new ArrayList<>(history);
    }

    /**
     * Safety violations seen so far: a start that was accepted although its epoch was not greater
     * than every earlier accepted start's epoch of the same resource (an epoch handed out twice), and
     * (after {@link #checkExclusiveStarts()}) a start of an exclusive resource (not a clone's copy)
     * while it runs on another live node.
     * Starts with a stale epoch (a timed-out start that returns late) are rejected, as a resource
     * guarded by an {@link EpochGuard} rejects them, and recorded as {@code rejected}.
     */
    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    /**
     * Writes rejected because a newer epoch had written already: an old copy fenced off by its
     * epoch. Each running copy writes once per monitor call.
     */
    public int staleWritesRejected() {
        return staleWrites.get();
    }

    /** How many times {@code resource} was started on {@code node}. */
    public long starts(String node, String resource) {
        return history.stream()
                .filter(e -> e.what().equals("start")
                        && e.node().equals(NodeId.of(node))
                        && e.resource().equals(ResourceId.of(resource)))
                .count();
    }

    /** Marks {@code node} crashed: what ran there died with it. */
    public void crashed(NodeId node) {
        dead.add(node);
        running.values().forEach(nodes -> nodes.remove(node));
    }

    /** Marks {@code node} restarted: it is alive again, running nothing yet. */
    public void revived(NodeId node) {
        dead.remove(node);
    }

    /** Makes the next stops of {@code resource} on {@code node} hang until {@link #releaseStops()}. */
    public void hangStop(NodeId node, String resource) {
        hangingStops.putIfAbsent(key(node, ResourceId.of(resource)), new CountDownLatch(1));
    }

    /** Lets every hanging stop return, and stops making stops hang. */
    public void releaseStops() {
        hangingStops.values().forEach(CountDownLatch::countDown);
        hangingStops.clear();
    }

    /** Clears every stop and forced-stop failure switched on by {@link #failStop}. */
    public void healStops() {
        failingStops.clear();
        failingForcedStops.clear();
    }

    /** Clears every monitor failure switched on by {@link #failMonitor}. */
    public void healMonitors() {
        failingMonitors.clear();
    }

    /** Makes the monitor of {@code resource} on {@code node} fail while {@code fail}. */
    public void failMonitor(NodeId node, String resource, boolean fail) {
        if (fail) {
            failingMonitors.add(key(node, ResourceId.of(resource)));
        } else {
            failingMonitors.remove(key(node, ResourceId.of(resource)));
        }
    }

    /** Makes stop of {@code resource} on {@code node} fail, and also its forced stop if {@code evenForced}. */
    public void failStop(NodeId node, String resource, boolean evenForced) {
        failingStops.add(key(node, ResourceId.of(resource)));
        if (evenForced) {
            failingForcedStops.add(key(node, ResourceId.of(resource)));
        }
    }

    /** Makes starts of {@code resource} on {@code node} hang, ignoring interrupts, until {@link #releaseAll()}. */
    public void hangStart(NodeId node, String resource) {
        hangingStarts.add(key(node, ResourceId.of(resource)));
    }

    /** Lets every hanging start return (at the end of a test). */
    public void releaseAll() {
        release.countDown();
    }

    /** An agent for one resource on one node. */
    public ResourceAgent agent() {
        return new WitnessAgent();
    }

    /** Records what it does in the witness; can force a stop. */
    private final class WitnessAgent implements ResourceAgent, ForceStoppable {
        @Override
        public AgentOutcome forceStop(AgentContext ctx) {
            if (failingForcedStops.contains(key(ctx.node(), ctx.resource()))) {
                return AgentOutcome.failed("injected forced-stop failure");
            }
            running.getOrDefault(ctx.resource(), ConcurrentHashMap.newKeySet()).remove(ctx.node());
            history.add(new Event(ctx.node(), ctx.resource(), "killed", ctx.epoch()));
            return AgentOutcome.success("killed");
        }

        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("witness", "records starts and stops", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext ctx) {
            // A test asks for a refusal with parameter invalid=<why>.
            String why = ctx.parameters().get("invalid");
            return why == null
                    ? AgentOutcome.success()
                    : AgentOutcome.of(io.hastack.core.spi.agent.AgentResult.ERR_CONFIGURED, why);
        }

        @Override
        public AgentOutcome start(AgentContext ctx) {
            if (hangingStarts.contains(key(ctx.node(), ctx.resource()))) {
                // Ignores interrupts, like a stuck system call.
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException ignored) {
                        // keep hanging
                    }
                }
            }
            EpochGuard guard = guards.computeIfAbsent(ctx.resource(), r -> EpochGuard.inMemory());
            synchronized (guard) {
                long before = guard.highest();
                if (!guard.admit(ctx.epoch())) {
                    history.add(new Event(ctx.node(), ctx.resource(), "rejected", ctx.epoch()));
                    return AgentOutcome.failed("stale epoch " + ctx.epoch() + " < " + before);
                }
                if (ctx.epoch() == before) {
                    violations.add("start of " + ctx.resource() + " on " + ctx.node() + " reused epoch " + ctx.epoch());
                }
            }
            if (dead.contains(ctx.node())) {
                // A call of a crashed incarnation that returns after the crash: nothing runs.
                return AgentOutcome.failed("the node crashed during the start");
            }
            Set<NodeId> copies = running.computeIfAbsent(ctx.resource(), r -> ConcurrentHashMap.newKeySet());
            if (ctx.cloneInstance().isEmpty() && exclusiveChecked) {
                Set<NodeId> others = new java.util.HashSet<>(copies);
                others.removeAll(dead);
                others.remove(ctx.node());
                if (!others.isEmpty()) {
                    violations.add("exclusive " + ctx.resource() + " started on " + ctx.node() + " while it runs on "
                            + others);
                }
            }
            copies.add(ctx.node());
            history.add(new Event(ctx.node(), ctx.resource(), "start", ctx.epoch()));
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext ctx) {
            CountDownLatch hang = hangingStops.get(key(ctx.node(), ctx.resource()));
            if (hang != null) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return AgentOutcome.failed("stop interrupted while hanging");
                }
            }
            if (failingStops.contains(key(ctx.node(), ctx.resource()))) {
                return AgentOutcome.failed("injected stop failure");
            }
            running.getOrDefault(ctx.resource(), ConcurrentHashMap.newKeySet()).remove(ctx.node());
            history.add(new Event(ctx.node(), ctx.resource(), "stop", ctx.epoch()));
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext ctx) {
            boolean up = running.getOrDefault(ctx.resource(), Set.of()).contains(ctx.node());
            if (!up) {
                return AgentOutcome.notRunning("not running");
            }
            // Every monitor is also a write through the resource's epoch guard.
            EpochGuard guard = guards.computeIfAbsent(ctx.resource(), r -> EpochGuard.inMemory());
            synchronized (guard) {
                if (!guard.admit(ctx.epoch())) {
                    staleWrites.incrementAndGet();
                    return AgentOutcome.failed(
                            "write with epoch " + ctx.epoch() + " rejected: epoch " + guard.highest() + " has written");
                }
                long last = lastAcceptedWrite.getOrDefault(ctx.resource(), 0L);
                if (ctx.epoch() < last) {
                    violations.add("write of " + ctx.resource() + " from " + ctx.node() + " accepted with epoch "
                            + ctx.epoch() + " after a write with epoch " + last);
                }
                lastAcceptedWrite.put(ctx.resource(), Math.max(last, ctx.epoch()));
            }
            return failingMonitors.contains(key(ctx.node(), ctx.resource()))
                    ? AgentOutcome.failed("injected monitor failure")
                    : AgentOutcome.success();
        }
    }
}
