package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.Messages.LeasePing;
import io.hastack.core.runtime.Messages.LeasePong;
import io.hastack.core.spi.membership.View;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * This node's membership lease, and the leases it grants (see {@code docs/design/leases.md}). The
 * node asks every other member of its view for a lease every {@link #renewInterval()}; a member
 * in the same view answers. The lease holds while the members that answered a request sent within
 * the last {@link #time()} (on this node's monotonic clock, counted from when the request was
 * <em>sent</em>, so that an answer held up in a queue or during a pause never extends it) together
 * with this node sustain its partition's quorum. Each node also remembers when it last granted a
 * lease to whom, so that a coordinator knows how long a node removed from the view may still
 * believe it holds one.
 *
 * <p>Thread-free: confined to the node's event thread; time comes from the monotonic clock it is
 * given (virtual time in the simulation harness).
 */
final class Lease {
    /** Requests kept for their answers; older answers are ignored (they would have expired anyway). */
    private static final int OUTSTANDING = 64;

    private final NodeId self;
    private final Duration time;
    private final Duration renewInterval;
    private final LongSupplier nanos;
    private View view;
    private long sequence;
    /**
     * When this node sent its latest request; meaningless before the first (then no answer was
     * heard either, so nothing reads it).
     */
    private long lastRequestAt;
    /** When this node sent each of its latest requests, by sequence. */
    private final Map<Long, Long> sent = new LinkedHashMap<>(OUTSTANDING, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > OUTSTANDING;
        }
    };
    /** For each other member: when this node sent the latest request that member answered. */
    private final Map<NodeId, Long> heard = new HashMap<>();
    /** For each node: when this node last granted it a lease. */
    private final Map<NodeId, Long> granted = new HashMap<>();
    /** The members that answered a request of the current view. */
    private final Set<NodeId> answeredInView = new HashSet<>();

    /**
     * @param time how long an answered request keeps the lease
     * @param nanos the monotonic clock, in nanoseconds
     */
    Lease(NodeId self, Duration time, LongSupplier nanos) {
        this.self = self;
        this.time = time;
        this.renewInterval = time.dividedBy(5); // once: Duration divides through BigDecimal
        this.nanos = nanos;
    }

    /** How long an answered request keeps the lease. */
    Duration time() {
        return time;
    }

    /** How often to ask: five times per lease time, so that a lost answer or two costs nothing. */
    Duration renewInterval() {
        return renewInterval;
    }

    /**
     * A new view: answers to requests of other views no longer count; what was heard already is
     * kept until it is older than the lease time, from members that left too: they granted it in a
     * view that contained both, and whoever of them is in a later quorate view reports the grant, so
     * that its coordinator waits for it (two majorities share a member; see the design).
     */
    void viewInstalled(View v) {
        view = v;
        sent.clear();
        answeredInView.clear();
    }

    /** True if {@code ping} was sent in a view this node has not installed yet. */
    boolean fromLaterView(LeasePing ping) {
        return view == null || ping.view().sequence() > view.id().sequence();
    }

    /**
     * A new lease request to send to every other member, or empty outside a view; it names the
     * configuration version {@code config} the node holds: its hash, its node list and the list
     * before the change it commits.
     */
    Optional<LeasePing> request(io.hastack.core.model.VersionedConfig config) {
        if (view == null) {
            return Optional.empty();
        }
        long seq = ++sequence;
        lastRequestAt = nanos.getAsLong();
        sent.put(seq, lastRequestAt);
        return Optional.of(new LeasePing(
                view.id(),
                seq,
                time.toMillis(),
                config.version(),
                config.hash(),
                config.config().nodes(),
                config.config().previousNodes()));
    }

    /**
     * Grants {@code from}'s request if both are in the same view, and remembers when; empty (no
     * answer) otherwise: a node outside this node's view gets no lease from it.
     */
    Optional<LeasePong> grant(NodeId from, LeasePing ping) {
        if (view == null
                || from.equals(self)
                || !ping.view().equals(view.id())
                || !view.contains(from)
                || ping.leaseMillis() != time.toMillis()) {
            return Optional.empty();
        }
        granted.put(from, nanos.getAsLong());
        return Optional.of(new LeasePong(view.id(), ping.sequence()));
    }

    /** Counts {@code from}'s answer, if it answers a recent request of this view. */
    boolean answered(NodeId from, LeasePong pong) {
        if (view == null || !pong.view().equals(view.id()) || !view.contains(from) || from.equals(self)) {
            return false;
        }
        Long at = sent.get(pong.sequence());
        if (at == null) {
            return false;
        }
        heard.merge(from, at, Math::max);
        answeredInView.add(from);
        return true;
    }

    /**
     * Until when (monotonic nanoseconds) every one of {@code members} but this node has answered a
     * request of the current view within the lease time: the lease time after the earliest of the
     * latest requests they answered ({@link Long#MAX_VALUE} if {@code members} is this node
     * alone); empty if one of them has not answered, or not within the lease time.
     */
    OptionalLong answeredInViewUntil(Set<NodeId> members) {
        if (view == null) {
            return OptionalLong.empty();
        }
        long until = Long.MAX_VALUE;
        for (NodeId m : members) {
            if (m.equals(self)) {
                continue;
            }
            Long at = heard.get(m);
            if (!view.contains(m) || !answeredInView.contains(m) || at == null) {
                return OptionalLong.empty();
            }
            long expires = at + time.toNanos();
            if (until == Long.MAX_VALUE || expires - until < 0) {
                until = expires;
            }
        }
        return until == Long.MAX_VALUE || until - nanos.getAsLong() > 0 ? OptionalLong.of(until) : OptionalLong.empty();
    }

    /**
     * True if every one of {@code members} but this node answered the latest request of the current
     * view (none is outstanding).
     */
    boolean latestAnsweredInView(Set<NodeId> members) {
        return view != null
                && !sent.isEmpty()
                && members.stream()
                        .allMatch(m -> m.equals(self)
                                || (answeredInView.contains(m)
                                        && Long.valueOf(lastRequestAt).equals(heard.get(m))));
    }

    /** True if this node sent a request in the current view. */
    boolean askedInView() {
        return !sent.isEmpty();
    }

    /**
     * True if the lease holds by answers to requests of the current view alone (or this node alone
     * sustains quorum): what is heard from earlier views, which keeps a lease across a view change,
     * does not count. A majority is recorded on the quorum device only then.
     */
    boolean heldInView(Predicate<Set<NodeId>> sustains) {
        long now = nanos.getAsLong();
        Set<NodeId> members = new HashSet<>();
        members.add(self);
        answeredInView.forEach(node -> {
            Long at = heard.get(node);
            if (at != null && at + time.toNanos() - now > 0) {
                members.add(node);
            }
        });
        return sustains.test(members);
    }

    /**
     * Until when (monotonic nanoseconds) the lease holds, if it holds now; {@link Long#MAX_VALUE}
     * if this node alone sustains quorum (a single-member view that won the tie, or
     * {@code no-quorum-policy=ignore}). {@code sustains} says whether a set of members (this node
     * included) keeps the partition quorate; it must be monotone.
     */
    OptionalLong expiry(Predicate<Set<NodeId>> sustains) {
        Set<NodeId> members = new HashSet<>();
        members.add(self);
        if (sustains.test(members)) {
            return OptionalLong.of(Long.MAX_VALUE);
        }
        List<Map.Entry<NodeId, Long>> latestFirst = new ArrayList<>(heard.entrySet());
        latestFirst.sort(Map.Entry.<NodeId, Long>comparingByValue(Comparator.reverseOrder()));
        long now = nanos.getAsLong();
        for (Map.Entry<NodeId, Long> e : latestFirst) {
            long until = e.getValue() + time.toNanos();
            if (until - now <= 0) {
                return OptionalLong.empty(); // the rest were heard even earlier
            }
            members.add(e.getKey());
            if (sustains.test(members)) {
                return OptionalLong.of(until);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * True if the lease holds until the lease time after this node's latest request (enough of
     * that request's answers have come, or this node alone sustains quorum): losing the answers
     * still on their way, at a view change, would not leave the lease older than one renew
     * interval and a round trip at the next round.
     */
    boolean latestRoundHolds(Predicate<Set<NodeId>> sustains) {
        OptionalLong until = expiry(sustains);
        if (until.isEmpty()) {
            return false;
        }
        // An expiry short of forever comes from answers heard, so a request was sent.
        return until.getAsLong() == Long.MAX_VALUE || until.getAsLong() - (lastRequestAt + time.toNanos()) >= 0;
    }

    /** True if the lease holds now. */
    boolean held(Predicate<Set<NodeId>> sustains) {
        OptionalLong until = expiry(sustains);
        return until.isPresent() && (until.getAsLong() == Long.MAX_VALUE || until.getAsLong() - nanos.getAsLong() > 0);
    }

    /** The members heard from within the lease time, this node included, for messages. */
    Set<NodeId> heardRecently() {
        Set<NodeId> members = new HashSet<>();
        members.add(self);
        long now = nanos.getAsLong();
        heard.forEach((node, at) -> {
            if (at + time.toNanos() - now > 0) {
                members.add(node);
            }
        });
        return members;
    }

    /**
     * For every node outside the current view that this node granted a lease to within {@code
     * horizon}: how many milliseconds ago it last did. Older grants are forgotten.
     */
    Map<NodeId, Long> grantAges(Duration horizon) {
        long now = nanos.getAsLong();
        granted.values().removeIf(at -> now - at > horizon.toNanos());
        Map<NodeId, Long> ages = new HashMap<>();
        granted.forEach((node, at) -> {
            if (view == null || !view.contains(node)) {
                ages.put(node, Duration.ofNanos(now - at).toMillis());
            }
        });
        return ages;
    }
}
