package io.hastack.core.runtime;

import io.hastack.core.internal.Votes;
import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.View;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a coordinator must wait for before it starts anything: the membership leases that nodes
 * outside its view may still hold (see {@code docs/design/leases.md}). Each member's report says
 * how long ago it last granted a lease to each node outside its view; a member that reports has
 * installed the view and grants those nodes nothing more. A node's lease lasts at most the lease
 * time after the request that a grant answered, on that node's clock; with clocks that drift apart
 * by at most {@link #DRIFT} and a margin for the node watchdog to kill what the node runs, the lease
 * has surely expired by {@code received - age + leaseTime * (1 + DRIFT) + margin} on this node's
 * monotonic clock. A node whose death is confirmed (its process exited, a fence device confirmed it,
 * or a host monitor declared it dead) is not waited for. Thread-free: confined to the event thread.
 */
final class Takeover {
    /** The assumed bound on how fast two nodes' monotonic clocks drift apart: 1 %. */
    static final double DRIFT = 0.01;

    /** How long a confirmation of death stays good if the node is not removed from the view. */
    private final Duration confirmationLifetime;

    private final long waitNanos;
    /** For every node that may hold a lease: when (monotonic nanos) it has surely expired. */
    private final Map<NodeId, Long> expiry = new HashMap<>();
    /** Confirmed deaths: the evidence, and when it arrived. */
    private final Map<NodeId, Confirmation> confirmed = new HashMap<>();
    /**
     * Members that started recently: until when (monotonic nanos) leases granted by their previous
     * life, which they no longer know of, may still hold.
     */
    private final Map<NodeId, Long> restarted = new HashMap<>();

    private List<NodeId> configured;
    /** The node list a change being committed changes from; empty if none is. */
    private List<NodeId> previous = List.of();

    private View view;

    /** Evidence of a death, when it arrived, and whether a view without the node followed. */
    private record Confirmation(String evidence, long at, boolean removed) {}

    /**
     * @param leaseTime the lease time of every node (the same configuration everywhere)
     * @param margin added to the wait, for the node watchdog and scheduling
     */
    Takeover(List<NodeId> configured, Duration leaseTime, Duration margin) {
        this.configured = List.copyOf(configured);
        this.waitNanos = (long) (leaseTime.toNanos() * (1 + DRIFT)) + margin.toNanos();
        this.confirmationLifetime = leaseTime.multipliedBy(2);
    }

    /** The margin the node watchdog gets: a tenth of the lease time, at least 100 ms. */
    static Duration margin(Duration leaseTime) {
        Duration tenth = leaseTime.dividedBy(10);
        return tenth.compareTo(Duration.ofMillis(100)) > 0 ? tenth : Duration.ofMillis(100);
    }

    /** The node list changed (or a change of it was committed): majorities count by both lists. */
    void nodes(List<NodeId> configured, List<NodeId> previous) {
        this.configured = List.copyOf(configured);
        this.previous = List.copyOf(previous);
    }

    /** A member's report, received at {@code receivedAt}, says when it last granted leases. */
    void grantAges(Map<NodeId, Long> ages, long receivedAt) {
        ages.forEach((node, ageMillis) -> {
            long until = receivedAt - Duration.ofMillis(ageMillis).toNanos() + waitNanos;
            expiry.merge(node, until, Math::max);
        });
    }

    /**
     * A member's report, received at {@code receivedAt}, says it started {@code uptimeMillis} ago:
     * within a lease time, leases its previous life granted may still hold.
     */
    void uptime(NodeId member, long uptimeMillis, long receivedAt) {
        long until = receivedAt - Duration.ofMillis(uptimeMillis).toNanos() + waitNanos;
        if (until - receivedAt > 0) {
            restarted.put(member, until);
        } else {
            restarted.remove(member);
        }
    }

    /** {@code node} is known dead: what it ran may start elsewhere now. */
    void confirmed(NodeId node, String evidence, long now) {
        confirmed.put(node, new Confirmation(evidence, now, false));
    }

    /** The evidence that {@code node} is dead, if it is confirmed. */
    Optional<String> confirmation(NodeId node) {
        return Optional.ofNullable(confirmed.get(node)).map(Confirmation::evidence);
    }

    /**
     * A new view: its members are back (nothing to wait for, and an old confirmation of their death
     * no longer applies); a confirmation for a node that was not removed soon after is dropped
     * (it was wrong: a live node whose connection broke).
     */
    void viewInstalled(View view, long now) {
        this.view = view;
        expiry.keySet().removeAll(view.members());
        restarted.keySet().retainAll(view.members());
        // Back in the cluster (a new life), or never removed soon after (the evidence was wrong).
        confirmed
                .entrySet()
                .removeIf(e -> e.getValue().removed()
                        ? view.contains(e.getKey())
                        : now - e.getValue().at() > confirmationLifetime.toNanos());
        confirmed.replaceAll((node, c) -> view.contains(node) ? c : new Confirmation(c.evidence(), c.at(), true));
    }

    /**
     * The nodes whose leases may still hold at {@code now}, with when each has surely expired:
     * nodes outside the view that members granted a lease to (confirmed deaths excluded), and
     * members that restarted within a lease time, unless the members that did not are a majority by
     * themselves (any node's lease needs a majority, which then includes one that remembers its
     * grants). Sorted by node.
     */
    Map<NodeId, Long> pending(long now) {
        expiry.values().removeIf(until -> until - now <= 0);
        restarted.values().removeIf(until -> until - now <= 0);
        Map<NodeId, Long> waiting = new TreeMap<>(java.util.Comparator.comparing(NodeId::value));
        expiry.forEach((node, until) -> {
            if (!confirmed.containsKey(node)) {
                waiting.put(node, until);
            }
        });
        if (view != null && !restarted.isEmpty()) {
            List<NodeId> remembering = view.members().stream()
                    .filter(m -> !restarted.containsKey(m))
                    .toList();
            if (!Votes.of(configured, remembering).isMajority()
                    || (!previous.isEmpty() && !Votes.of(previous, remembering).isMajority())) {
                restarted.forEach((node, until) -> waiting.merge(node, until, Math::max));
            }
        }
        return waiting;
    }

    /** The nodes whose leases may still hold, for messages. */
    List<NodeId> pendingNodes(long now) {
        return List.copyOf(pending(now).keySet());
    }
}
