package io.hastack.metrics;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.spi.plan.ActionType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The phases of a failover as one node sees them, from its events, each timed from the failover's
 * start (the node's first suspicion of a member, a member of its view confirmed dead, or a view that
 * lost one), once per failover: {@code detected}, {@code verified} (a death confirmed, or a node
 * fenced), {@code view} (the view without the member), {@code quorum} (when the decision changed),
 * {@code lease} (the end of the coordinator's lease wait: its announced end, or the confirmation of
 * the last node it waited for if that came first), {@code fence} (a node fenced), {@code plan} (the
 * first plan with actions, on the coordinator), {@code stop} (the first stop here), {@code start}
 * (the first start here), {@code converged}, {@code answering} (the group's service check answered
 * here after the start, even after convergence: {@code SERVICE_ANSWERING}). The lease wait itself is also {@code hastack.failover.lease.wait}. A
 * failover ends when the cluster converges, or is forgotten after {@link HaMetrics#TAKEOVER_WINDOW}.
 * Thread-safe; fed one event at a time, in order.
 */
final class FailoverPhases {
    private final MeterRegistry registry;
    private final String self;

    /** The members of the last view this node installed; empty before the first. */
    private List<NodeId> members = List.of();
    /** When the failover this node sees began, or null between failovers. */
    private Instant start;
    /**
     * When the last failover that ended here began, until its service answered: the answer comes
     * after the start, often after the cluster converged. Null if none is awaited.
     */
    private Instant ended;

    private final Set<String> seen = new HashSet<>();
    /** When the lease wait the coordinator announced ends, if one is under way; else null. */
    private Instant leaseEnds;
    /** The nodes that lease wait is for that are not confirmed dead yet. */
    private final Set<NodeId> leaseNodes = new HashSet<>();

    /** Records in {@code registry} the phases that node {@code self} sees. */
    FailoverPhases(MeterRegistry registry, String self) {
        this.registry = registry;
        this.self = self;
    }

    /** Follows {@code event}, recording the phase it marks, if any. */
    synchronized void onEvent(HaEvent event) {
        EventData d = event.data();
        Instant t = event.time();
        if (start != null && Duration.between(start, t).compareTo(HaMetrics.TAKEOVER_WINDOW) > 0) {
            end();
        }
        if (d instanceof EventData.ServiceAnswering) {
            // The answer of a start of this failover here: while it runs, or after it converged.
            if (start != null) {
                if (seen.contains("start")) {
                    phase("answering", t);
                }
            } else if (ended != null && Duration.between(ended, t).compareTo(HaMetrics.TAKEOVER_WINDOW) <= 0) {
                record("answering", ended, t);
            }
            ended = null;
            return;
        }
        boolean lost = d instanceof EventData.ViewInstalled v && !v.left().isEmpty();
        boolean deathOfMember = d instanceof EventData.DeathConfirmed c && members.contains(c.node());
        if (d instanceof EventData.ViewInstalled v) {
            members = v.members();
        }
        if (start == null && (d instanceof EventData.MemberSuspected || lost || deathOfMember)) {
            start = t;
            Counter.builder("hastack.failovers")
                    .description("failovers this node saw begin (a member suspected, confirmed dead or lost)")
                    .tag("node", self)
                    .register(registry)
                    .increment();
            phase("detected", t);
        }
        if (start == null) {
            return;
        }
        leaseWaitEnded(d, t);
        if (lost) {
            phase("view", t);
        } else if (d instanceof EventData.DeathConfirmed) {
            phase("verified", t);
        } else if (d instanceof EventData.QuorumGained || d instanceof EventData.QuorumLost) {
            phase("quorum", t);
        } else if (d instanceof EventData.NodeFenced) {
            phase("fence", t);
            phase("verified", t); // a confirmed fence is a confirmed death
        } else if (d instanceof EventData.PlanComputed p && !p.actions().isEmpty()) {
            phase("plan", t);
        } else if (d instanceof EventData.ActionSucceeded a && a.action() == ActionType.STOP) {
            phase("stop", t);
        } else if (d instanceof EventData.ActionSucceeded a && a.action() == ActionType.START) {
            phase("start", t);
        } else if (d instanceof EventData.TakeoverWait w) {
            Timer.builder("hastack.failover.lease.wait")
                    .description("how long the coordinator held every start for a lease to expire")
                    .tag("node", self)
                    .register(registry)
                    .record(w.holdFor());
            if (leaseEnds == null && !seen.contains("lease")) {
                leaseEnds = t.plus(w.holdFor());
                leaseNodes.clear();
                leaseNodes.addAll(w.nodes());
            }
        } else if (d instanceof EventData.Converged) {
            if (leaseEnds != null) {
                // Converged within the wait: something (a confirmation not seen here) ended it early.
                phase("lease", leaseEnds.isBefore(t) ? leaseEnds : t);
            }
            phase("converged", t);
            end();
        }
    }

    /**
     * The lease wait under way ends at its announced end, or earlier once every node it waits for
     * is confirmed dead or fenced (the coordinator then releases the starts at once).
     */
    private void leaseWaitEnded(EventData d, Instant t) {
        if (leaseEnds == null) {
            return;
        }
        if (!t.isBefore(leaseEnds)) {
            phase("lease", leaseEnds);
        } else if (confirmed(d).map(leaseNodes::remove).orElse(false) && leaseNodes.isEmpty()) {
            phase("lease", t);
        } else {
            return;
        }
        leaseEnds = null;
    }

    /** The node whose death {@code d} confirms (a death confirmed, or a node fenced), if any. */
    private static Optional<NodeId> confirmed(EventData d) {
        if (d instanceof EventData.DeathConfirmed c) {
            return Optional.of(c.node());
        }
        if (d instanceof EventData.NodeFenced f) {
            return Optional.of(f.node());
        }
        return Optional.empty();
    }

    private void end() {
        // A failover that started something here awaits its service's answer.
        ended = start != null && seen.contains("start") && !seen.contains("answering") ? start : null;
        start = null;
        seen.clear();
        leaseEnds = null;
        leaseNodes.clear();
    }

    private void phase(String phase, Instant at) {
        if (seen.add(phase)) {
            record(phase, start, at);
        }
    }

    private void record(String phase, Instant from, Instant at) {
        Timer.builder("hastack.failover.phase")
                .description("time from the start of a failover this node saw to each of its phases")
                .tag("node", self)
                .tag("phase", phase)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.between(from, at));
    }
}
