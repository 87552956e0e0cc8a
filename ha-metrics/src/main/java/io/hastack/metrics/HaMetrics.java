package io.hastack.metrics;

import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaEventListener;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.spi.plan.ActionType;
import io.micrometer.core.instrument.Counter;
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

/**
 * The meters of one node, named and tagged as {@code docs/metrics.md} lists them: gauges read the
 * node's status when scraped (quorum, lease, coordinator, view, configuration version, each
 * resource's state and failure count here); counters and timers follow its events (actions by
 * operation and result with their durations, failed monitors, view changes, fences, quorum and lease
 * losses, plans, pauses, and the takeover time: from the view that lost a member to a start here).
 * Bind it to a registry ({@link #bindTo}), then register it with {@link HaNode#addListener} (any
 * executor: it only counts).
 */
public final class HaMetrics implements MeterBinder, HaEventListener {
    /** Takeovers are counted from a lost member to a start here within this long. */
    static final Duration TAKEOVER_WINDOW = Duration.ofMinutes(5);

    private final HaNode node;
    private MeterRegistry registry;
    private final Map<ResourceId, List<Meter>> resourceMeters = new HashMap<>();
    private final AtomicLong longestPauseNanos = new AtomicLong();
    private final AtomicReference<Instant> memberLostAt = new AtomicReference<>();
    /** When the failover this node sees began (its first suspicion or loss), or null between failovers. */
    private Instant failoverStart;

    private final Set<String> phasesSeen = new java.util.HashSet<>();

    /** The meters of {@code node}. */
    public HaMetrics(HaNode node) {
        this.node = node;
    }

    @Override
    public synchronized void bindTo(MeterRegistry r) {
        this.registry = r;
        String self = node.id().value();
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
        refreshResources();
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
        failoverPhases(r, self, event);
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
     * The phases of a failover as this node sees them, each timed from its start (the node's first
     * suspicion of a member, or the view that lost one): {@code detected}, {@code view}, {@code
     * quorum} (when the decision changed), {@code plan} (the first plan with actions, on the
     * coordinator), {@code start} (the first start here), {@code converged}; the lease wait the
     * coordinator announced is {@code hastack.failover.lease.wait}. A failover ends when the
     * cluster converges, or is forgotten after {@link #TAKEOVER_WINDOW}.
     */
    private synchronized void failoverPhases(MeterRegistry r, String self, HaEvent event) {
        EventData d = event.data();
        Instant t = event.time();
        if (failoverStart != null && Duration.between(failoverStart, t).compareTo(TAKEOVER_WINDOW) > 0) {
            failoverStart = null;
        }
        boolean lost = d instanceof EventData.ViewInstalled v && !v.left().isEmpty();
        if (failoverStart == null && (d instanceof EventData.MemberSuspected || lost)) {
            failoverStart = t;
            phasesSeen.clear();
            Counter.builder("hastack.failovers")
                    .description("failovers this node saw begin (a member suspected or lost)")
                    .tag("node", self)
                    .register(r)
                    .increment();
            phase(r, self, "detected", t);
        }
        if (failoverStart == null) {
            return;
        }
        if (lost) {
            phase(r, self, "view", t);
        } else if (d instanceof EventData.QuorumGained || d instanceof EventData.QuorumLost) {
            phase(r, self, "quorum", t);
        } else if (d instanceof EventData.PlanComputed p && !p.actions().isEmpty()) {
            phase(r, self, "plan", t);
        } else if (d instanceof EventData.ActionSucceeded a && a.action() == ActionType.START) {
            phase(r, self, "start", t);
        } else if (d instanceof EventData.TakeoverWait w) {
            Timer.builder("hastack.failover.lease.wait")
                    .description("how long the coordinator held every start for a lease to expire")
                    .tag("node", self)
                    .register(r)
                    .record(w.holdFor());
        } else if (d instanceof EventData.Converged) {
            phase(r, self, "converged", t);
            failoverStart = null;
        }
    }

    private void phase(MeterRegistry r, String self, String phase, Instant at) {
        if (phasesSeen.add(phase)) {
            Timer.builder("hastack.failover.phase")
                    .description("time from the start of a failover this node saw to each of its phases")
                    .tag("node", self)
                    .tag("phase", phase)
                    .publishPercentileHistogram()
                    .register(r)
                    .record(Duration.between(failoverStart, at));
        }
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
