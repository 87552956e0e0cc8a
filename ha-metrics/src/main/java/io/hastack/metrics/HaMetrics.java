package io.hastack.metrics;

import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaEventListener;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.MessageCounts;
import io.hastack.core.runtime.MessageKind;
import io.hastack.core.runtime.MonitorListener;
import io.hastack.core.runtime.MonitorResult;
import io.hastack.core.spi.plan.ActionType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The meters of one node, named and tagged as {@code docs/metrics.md} lists them: gauges read the
 * node's status when scraped (quorum, lease, coordinator, view, configuration version, each
 * resource's state and failure count here), and counters its message counts ({@link
 * HaNode#messageCounts()}, by kind and direction); counters and timers follow its events (actions
 * by operation and result with their durations, failed monitors, view changes, fences, quorum and
 * lease losses, plans and planning time, pauses, the phases of a failover, and the takeover time:
 * from the view that lost a member to a start here) and its monitor results (monitor latency).
 * Bind it to a registry ({@link #bindTo}), then register it with {@link HaNode#addListener} and
 * {@link HaNode#addMonitorListener} (any executor: it only counts).
 */
public final class HaMetrics implements MeterBinder, HaEventListener, MonitorListener {
    /** Takeovers are counted from a lost member to a start here within this long. */
    static final Duration TAKEOVER_WINDOW = Duration.ofMinutes(5);

    private final HaNode node;
    /** The registry bound to, or null before {@link #bindTo}; written after {@link #phases}. */
    private volatile MeterRegistry registry;

    private final Map<ResourceId, List<Meter>> resourceMeters = new HashMap<>();
    private final AtomicLong longestPauseNanos = new AtomicLong();
    private final AtomicReference<Instant> memberLostAt = new AtomicReference<>();
    /** The failover phases, once bound. */
    private volatile FailoverPhases phases;

    /** The meters of {@code node}. */
    public HaMetrics(HaNode node) {
        this.node = node;
    }

    /**
     * Registers the node's gauges and message counters in {@code r}, and records the meters that
     * follow its events and monitors there from now on. Bind once: a second registry replaces the
     * first for those (use a composite registry for several).
     */
    @Override
    public synchronized void bindTo(MeterRegistry r) {
        String self = node.id().value();
        this.phases = new FailoverPhases(r, self);
        this.registry = r;
        Gauge.builder("hastack.quorate", node, n -> n.status().quorum().startsWith("quorate") ? 1 : 0)
                .description("1 if this node's partition has quorum")
                .tag("node", self)
                .register(r);
        Gauge.builder("hastack.lease.held", node, n -> n.holdsLease() ? 1 : 0)
                .description("1 if this node holds its membership lease (it may act)")
                .tag("node", self)
                .register(r);
        Gauge.builder("hastack.coordinator", node, n -> n.status().coordinator() ? 1 : 0)
                .description("1 if this node coordinates its view")
                .tag("node", self)
                .register(r);
        Gauge.builder(
                        "hastack.view.members",
                        node,
                        n -> n.status().view().map(v -> v.members().size()).orElse(0))
                .description("members of this node's current view")
                .tag("node", self)
                .register(r);
        Gauge.builder("hastack.config.version", node, n -> n.configuration().version())
                .description("the configuration version this node holds")
                .tag("node", self)
                .register(r);
        Gauge.builder("hastack.pause.longest", longestPauseNanos, a -> a.get() / 1e9)
                .description("the longest pause of this JVM seen, in seconds")
                .baseUnit("seconds")
                .tag("node", self)
                .register(r);
        messages(r, self);
        refreshResources();
    }

    /**
     * One counter of messages and one of their bytes for every kind of message and direction, read
     * from the node's counts when scraped: a bounded set of tags ({@link MessageKind}).
     */
    private void messages(MeterRegistry r, String self) {
        for (MessageKind kind : MessageKind.values()) {
            messages(r, self, "sent", kind.tag(), c -> c.sent(kind));
            messages(r, self, "received", kind.tag(), c -> c.received(kind));
        }
        messages(r, self, "received", "invalid", MessageCounts::invalid);
    }

    private void messages(
            MeterRegistry r,
            String self,
            String direction,
            String kind,
            Function<MessageCounts, MessageCounts.Traffic> traffic) {
        FunctionCounter.builder(
                        "hastack.messages",
                        node,
                        n -> traffic.apply(n.messageCounts()).messages())
                .description("cluster messages this node sent to or received from the others, by kind")
                .tag("node", self)
                .tag("direction", direction)
                .tag("kind", kind)
                .register(r);
        FunctionCounter.builder(
                        "hastack.message.bytes",
                        node,
                        n -> traffic.apply(n.messageCounts()).bytes())
                .description("the bytes on the wire of those messages")
                .baseUnit("bytes")
                .tag("node", self)
                .tag("direction", direction)
                .tag("kind", kind)
                .register(r);
    }

    /** Registers the state and failure gauges of resources new in the configuration; removes gone ones. */
    private synchronized void refreshResources() {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Set<ResourceId> now = new java.util.HashSet<>();
        node.config()
                .groups()
                .forEach(g -> g.resources().stream().map(ResourceSpec::id).forEach(now::add));
        resourceMeters.entrySet().removeIf(e -> {
            if (now.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(r::remove);
            r.find("hastack.monitor.latency")
                    .tag("resource", e.getKey().value())
                    .meters()
                    .forEach(r::remove);
            return true;
        });
        String self = node.id().value();
        for (ResourceId id : now) {
            if (resourceMeters.containsKey(id)) {
                continue;
            }
            List<Meter> meters = new ArrayList<>();
            for (ResourceState s : ResourceState.values()) {
                meters.add(Gauge.builder("hastack.resource.state", node, n -> stateOf(n, id) == s ? 1 : 0)
                        .description("1 for the state the resource is in on this node")
                        .tag("node", self)
                        .tag("resource", id.value())
                        .tag("state", s.name().toLowerCase(Locale.ROOT))
                        .register(r));
            }
            meters.add(Gauge.builder("hastack.resource.failures", node, n -> {
                        var f = n.localState().failures().get(id);
                        return f == null ? 0 : f.count();
                    })
                    .description("failures of the resource on this node that still count")
                    .tag("node", self)
                    .tag("resource", id.value())
                    .register(r));
            resourceMeters.put(id, meters);
        }
    }

    private static ResourceState stateOf(HaNode n, ResourceId id) {
        return n.localState().states().getOrDefault(id, ResourceState.STOPPED);
    }

    @Override
    public void onEvent(HaEvent event) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        String self = node.id().value();
        EventData d = event.data();
        phases.onEvent(event);
        if (d instanceof EventData.ViewInstalled v) {
            Counter.builder("hastack.view.changes")
                    .description("views installed")
                    .tag("node", self)
                    .register(r)
                    .increment();
            if (!v.left().isEmpty()) {
                memberLostAt.set(event.time());
            }
        } else if (d instanceof EventData.ActionSucceeded a) {
            action(r, self, a.action(), "success").record(a.took());
            Instant lost = memberLostAt.get();
            if (a.action() == ActionType.START && lost != null) {
                Duration since = Duration.between(lost, event.time());
                if (!since.isNegative() && since.compareTo(TAKEOVER_WINDOW) < 0) {
                    Timer.builder("hastack.takeover")
                            .description("from the view that lost a member to a start here that followed it")
                            .tag("node", self)
                            .tag("resource", a.resource().value())
                            .publishPercentileHistogram()
                            .register(r)
                            .record(since);
                }
            }
        } else if (d instanceof EventData.ActionFailed a) {
            Counter.builder("hastack.action.failures")
                    .description("actions that failed or timed out")
                    .tag("node", self)
                    .tag("operation", operation(a.action()))
                    .register(r)
                    .increment();
        } else if (d instanceof EventData.MonitorFailed m) {
            Counter.builder("hastack.monitor.failures")
                    .description("recurring monitors that failed")
                    .tag("node", self)
                    .tag("resource", m.resource().value())
                    .register(r)
                    .increment();
        } else if (d instanceof EventData.NodeFenced || d instanceof EventData.FenceFailed) {
            Counter.builder("hastack.fences")
                    .description("fences this node ran")
                    .tag("node", self)
                    .tag("result", d instanceof EventData.NodeFenced ? "success" : "failure")
                    .register(r)
                    .increment();
        } else if (d instanceof EventData.QuorumLost) {
            count(r, "hastack.quorum.losses", "times this node's partition lost quorum", self);
        } else if (d instanceof EventData.LeaseLost) {
            count(r, "hastack.lease.losses", "times this node lost its membership lease", self);
        } else if (d instanceof EventData.PlanComputed p) {
            Counter.builder("hastack.plans")
                    .description("plans this node made as coordinator")
                    .tag("node", self)
                    .register(r)
                    .increment();
            Counter.builder("hastack.plan.actions")
                    .description("actions in the plans this node made")
                    .tag("node", self)
                    .register(r)
                    .increment(p.actions().size());
            if (!p.actions().isEmpty()) {
                planTime(r, self, "actions").record(p.took());
            }
        } else if (d instanceof EventData.Converged c) {
            planTime(r, self, "empty").record(c.took());
        } else if (d instanceof EventData.PauseDetected p) {
            longestPauseNanos.accumulateAndGet(p.stall().toNanos(), Math::max);
            Timer.builder("hastack.pauses")
                    .description("pauses of this JVM longer than the detector's threshold")
                    .tag("node", self)
                    .register(r)
                    .record(p.stall());
        } else if (d instanceof EventData.ConfigApplied) {
            refreshResources();
        }
    }

    /**
     * Records how {@code result}'s monitor ended and how long it took, as {@code
     * hastack.monitor.latency} (tagged with its resource and result).
     */
    @Override
    public void monitorCompleted(MonitorResult result) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Timer.builder("hastack.monitor.latency")
                .description("recurring monitors of the resources here, by result, with how long the agent took")
                .tag("node", node.id().value())
                .tag("resource", result.resource().value())
                .tag("result", monitorResult(result.status()))
                .register(r)
                .record(result.took());
    }

    private static String monitorResult(MonitorResult.Status status) {
        return switch (status) {
            case OK -> "success";
            case FAILED -> "failure";
            case TIMED_OUT -> "timeout";
        };
    }

    /**
     * The planner's time for a run that made a plan with actions ({@code actions}; a run that only
     * fences or holds its starts is not timed, so that a run told as several events counts once), or
     * an empty plan that converged ({@code empty}; later empty plans, which tell nothing new, make
     * no event).
     */
    private static Timer planTime(MeterRegistry r, String self, String plan) {
        return Timer.builder("hastack.plan.time")
                .description("how long the planner took, for plans with actions and the plan that converged")
                .tag("node", self)
                .tag("plan", plan)
                .publishPercentileHistogram()
                .register(r);
    }

    private static Timer action(MeterRegistry r, String self, ActionType type, String result) {
        return Timer.builder("hastack.actions")
                .description("resource actions that ended here, by operation and result")
                .tag("node", self)
                .tag("operation", operation(type))
                .tag("result", result)
                .publishPercentileHistogram()
                .register(r);
    }

    private static String operation(ActionType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static void count(MeterRegistry r, String name, String description, String self) {
        Counter.builder(name)
                .description(description)
                .tag("node", self)
                .register(r)
                .increment();
    }
}
