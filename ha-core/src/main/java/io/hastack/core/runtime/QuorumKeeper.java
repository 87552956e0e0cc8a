package io.hastack.core.runtime;

import io.hastack.core.internal.Votes;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.quorum.ClaimTooLateException;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import io.hastack.core.spi.quorum.TieClaim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every view, whether this node's partition has quorum, and talks to the quorum
 * device: tie claims, majority records and fencing epochs. Thread-free: it is confined to the
 * node's event thread (but {@link #warmUpDevice}, which reads only thread-safe state and may run on
 * any thread), device calls (which may block) go to the executor it is given, and their
 * results come back through {@link Host#post}; the simulation harness gives it virtual time for
 * both. See {@code docs/safety.md} for the rules.
 */
final class QuorumKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumKeeper.class);

    /** This node's view of its partition's quorum. */
    enum Quorum {
        UNDECIDED,
        QUORATE,
        NOT_QUORATE
    }

    /** The node that keeps this quorum. Called on the event thread (except {@link #post}). */
    interface Host {
        /** Runs {@code task} on the event thread. */
        void post(Runnable task);

        /** Quorum was decided (or is undecided) for {@code view}; {@code previous} is the state before. */
        void decided(View view, Quorum previous, Quorum now, String text);

        /** A majority was recorded on the device. */
        void recorded(View view, String detail);

        /** Runs {@code task} on the event thread after {@code delay}. */
        void schedule(Runnable task, Duration delay);

        /**
         * True if this node holds its lease in {@code view} by the answers of its members (not
         * carried over from a view it ran alone in): a majority is recorded on the device only
         * then. By default, always.
         */
        default boolean leaseConfirmedIn(View view) {
            return true;
        }

        /**
         * The resources this node expects to start as the coordinator of {@code view} once it is
         * quorate (what ran on members that left): a tie claim takes their epochs with it, and a
         * majority asks for them as the view arrives, so that the plan needs no call to the device
         * of its own. A guess: epochs taken and not used are
         * harmless. By default, none.
         */
        default Set<ResourceId> startsExpectedIn(View view) {
            return Set.of();
        }

        /**
         * Until when (monotonic nanoseconds, {@link #nanoTime}) every one of {@code members} (this
         * node among them) but this node has answered a lease request this node sent in {@code
         * view} (so each of them installed that very view), counted from when the request was sent
         * for as long as no member can have removed this node since (the membership's quickest
         * removal, at most the lease time); empty if one of them has not. A tie is claimed for a
         * partition of more than one node only until then (a partition of this node alone claims
         * without asking). By default, never: a host that claims ties for several nodes must say.
         */
        default OptionalLong answeredUntil(View view, Set<NodeId> members) {
            return OptionalLong.empty();
        }

        /** The monotonic clock of {@link #answeredUntil}, in nanoseconds; read on any thread. */
        default long nanoTime() {
            return System.nanoTime();
        }

        /**
         * True if every one of {@code members} but this node answered the latest lease request this
         * node sent in {@code view}: no request is outstanding. By default, false.
         */
        default boolean latestAnsweredBy(View view, Set<NodeId> members) {
            return false;
        }

        /**
         * A tie claim for {@code view} waits for its members' answers: ask them for a lease now if
         * no request of {@code view} was sent yet, or {@code again} (the answers came too late for
         * the claim). By default, nothing.
         */
        default void askForAnswers(View view, boolean again) {}
    }

    private final NodeId self;
    private final LiveConfig live;
    private final Optional<QuorumDevice> device;
    private final Host host;
    private final Executor deviceCalls;
    private View view;
    private Quorum state = Quorum.UNDECIDED;
    private String text = "undecided: not in a view yet";
    /** True if the current view is quorate by the tie-break (exactly half of the votes). */
    private boolean byTie;
    /** The nodes whose votes count: the node list, less those that last_man_standing dropped. */
    private List<NodeId> expected;
    /** True until this node has seen every configured node in one view, with wait_for_all. */
    private boolean waitingForAll;
    /** The majority waiting to be recorded on the device, and its view; null if none waits. */
    private Set<NodeId> toRecord;

    private View recordView;

    /**
     * Epochs the device took with the tie claim for the current view, each used by at most one
     * start of the first plan after the claim (the view's first, unless the view was evaluated
     * again); cleared by that plan, by a first plan that is not sent at once, and by every new view.
     * (A majority's epochs taken ahead follow the same rules: {@link #epochsAhead}.)
     */
    private final Map<ResourceId, Long> claimedEpochs = new HashMap<>();

    /**
     * The epochs a coordinator quorate by majority asked the device for, for the starts it expects
     * ({@link #askEpochsAhead}), as the view arrived or else as it decided quorum; the first plan of
     * the evaluation waits for them and uses each once. Null if none were asked for, or once a plan
     * took them or they were dropped.
     */
    private CompletableFuture<Map<ResourceId, Long>> epochsAhead;

    /** Epochs {@link #claimAhead} asked for as a majority view arrived, and that view. */
    private record EpochsAhead(View view, CompletableFuture<Map<ResourceId, Long>> epochs) {}

    /** The epochs {@link #claimAhead} asked for, for the majority view that arrives now; null if none. */
    private EpochsAhead majorityAhead;

    /** A tie claim sent to the device as its view arrived, before {@link #evaluate}; see {@link #claimAhead}. */
    private record Ahead(View view, Set<NodeId> partition, CompletableFuture<TieClaim> claim) {}

    /** The claim {@link #claimAhead} sent for the view that arrives now; null if none. */
    private Ahead ahead;

    /**
     * A tie claim sent at a confirmed death ({@link #claimAtDeath}) for the view expected to follow
     * {@code after}; {@link #claimAhead} adopts it for that view if it comes next.
     */
    private record AtDeath(View after, long sentAt, Ahead claim) {}

    /**
     * How long after the death a claim sent at it can still serve the view that follows (which
     * comes within tens of milliseconds when this node decides the removal): an older one is
     * replaced at a later death, and not adopted.
     */
    private static final long AT_DEATH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** The claim {@link #claimAtDeath} sent; null if none, or once a view arrived. */
    private AtDeath atDeath;

    /** A tie claim that waits for the answers of its partition's members in its view. */
    private record WaitingTie(View view, Votes votes, long evaluation) {}

    /** The tie claim of the current view that waits for its members' answers; null if none. */
    private WaitingTie waitingTie;

    /**
     * Counts the evaluations: a device answer applies only to the evaluation that asked (the same
     * view may be evaluated again, e.g. after a node list change, while a claim is on its way).
     */
    private long evaluation;

    /**
     * @param deviceCalls where the device is called (it may block); nothing runs there without a
     *     device
     */
    QuorumKeeper(NodeId self, LiveConfig live, Optional<QuorumDevice> device, Executor deviceCalls, Host host) {
        this.self = self;
        this.live = live;
        this.device = device;
        this.deviceCalls = deviceCalls;
        this.host = host;
        this.expected = live.config().nodes();
        this.waitingForAll = live.config().waitForAll();
    }

    /**
     * Has the device run a claim's code once without changing anything ({@link
     * QuorumDevice#warmUp}), on the device's thread, after the calls already asked for: a node that
     * has not claimed a tie yet would otherwise load and compile that code in its first failover.
     */
    void warmUpDevice() {
        if (device.isEmpty()) {
            return;
        }
        QuorumDevice d = device.get();
        Set<ResourceId> resources = live.config().groups().stream()
                .flatMap(g -> g.resources().stream())
                .map(io.hastack.core.model.ResourceSpec::id)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        try {
            deviceCalls.execute(() -> {
                try {
                    d.warmUp(Set.of(self), resources);
                } catch (RuntimeException e) {
                    LOG.debug("{}: warming up {} failed: {}", self, d.describe(), e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("{}: not warming up {}: the node is stopping", self, d.describe());
        }
    }

    /** The nodes whose votes count now (fewer than the node list after last_man_standing dropped some). */
    List<NodeId> expected() {
        return expected;
    }

    Quorum state() {
        return state;
    }

    /** The quorum in words, for status. */
    String text() {
        return text;
    }

    /**
     * True if the members {@code heard} (this node included) keep this node's partition quorate:
     * the partition is not known to lack quorum, and they hold a majority of the votes, or exactly
     * half if the tie-break was won for the current view and they are all of its members. The lease's rule
     * ({@link Lease#expiry}); monotone in {@code heard}.
     */
    boolean sustains(Set<NodeId> heard) {
        // While a tie is being decided (UNDECIDED), answers from a majority of the votes still hold:
        // no other partition can have taken over what this node runs before they lapse.
        if (state == Quorum.NOT_QUORATE) {
            return false;
        }
        if (live.config().noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            return true;
        }
        if (!jointMajority(heard)) {
            return false;
        }
        Votes votes = Votes.of(expected, heard);
        return votes.isMajority()
                || (state == Quorum.QUORATE && byTie && votes.isTie() && heard.containsAll(view.members()));
    }

    /**
     * True unless a change of the node list is being committed and {@code members} lack a strict
     * majority of the list before it (no tie-break: see {@code docs/design/node-list-changes.md}).
     */
    private boolean jointMajority(java.util.Collection<NodeId> members) {
        List<NodeId> previous = live.config().previousNodes();
        return previous.isEmpty() || Votes.of(previous, members).isMajority();
    }

    /**
     * The node list changed from {@code before}'s to {@code after}'s (or a change of it was
     * committed): new nodes get their votes, nodes removed lose theirs, and the current view is
     * decided again by the new rule.
     */
    void nodesChanged(io.hastack.core.model.ClusterConfig before, io.hastack.core.model.ClusterConfig after) {
        List<NodeId> kept = expected;
        expected = after.nodes().stream()
                .filter(n -> kept.contains(n) || !before.nodes().contains(n))
                .toList();
        LOG.info(
                "{}: the node list is {}{}; votes count for {}",
                self,
                after.nodes(),
                after.previousNodes().isEmpty() ? "" : " (changing from " + after.previousNodes() + ")",
                expected);
        if (view == null) {
            return;
        }
        Votes votes = Votes.of(expected, view.members());
        if (state == Quorum.QUORATE
                && jointMajority(view.members())
                && (votes.isMajority() || (byTie && votes.isTie()))) {
            // Still quorate by the new rule: keep the decision, and a tie already won for these very
            // members (claiming it again would hold: the device's winner is inside the partition).
            text = "quorate: " + votes + (byTie ? ", tie won" : "")
                    + (live.config().previousNodes().isEmpty()
                            ? ""
                            : " (and " + Votes.of(live.config().previousNodes(), view.members())
                                    + " of the node list before the change)");
            return;
        }
        evaluate(view);
    }

    /**
     * This node holds its lease in {@code v} by its members' answers: a majority of {@code v}
     * waiting to be recorded is recorded now. (Recorded before, a member that joined a peer still
     * carrying its lease alone could win a later tie against it: see {@code docs/design/leases.md}.)
     */
    void leaseConfirmed(View v) {
        if (toRecord != null && v.equals(recordView)) {
            record();
        }
    }

    private void record() {
        Set<NodeId> partition = toRecord;
        View v = recordView;
        toRecord = null;
        QuorumDevice d = device.orElseThrow();
        deviceCalls.execute(() -> {
            try {
                d.recordMajority(partition);
                host.post(() -> host.recorded(v, "majority " + partition + " recorded on " + d.describe()));
            } catch (RuntimeException e) {
                LOG.warn(
                        "{}: could not record the majority {} on {}: {}",
                        self,
                        partition,
                        d.describe(),
                        e.getMessage());
            }
        });
    }

    /** Decides quorum for {@code v}: at once for a majority or minority, through the device for a tie. */
    void evaluate(View v) {
        Ahead sent = ahead;
        ahead = null;
        EpochsAhead arrived = majorityAhead;
        majorityAhead = null;
        if (!decide(v, sent, arrived) && sent != null) {
            LOG.warn(
                    "{}: the tie claim sent ahead for {} ({}) is not the one the evaluation of {} asks for; its"
                            + " answer is ignored",
                    self,
                    sent.view(),
                    sent.partition(),
                    v);
        }
    }

    /**
     * {@link #evaluate}'s work; true if it took the answer of {@code sent}, the claim sent ahead
     * (null: none). A majority takes {@code arrived}, the epochs asked for as {@code v} arrived
     * (null: none), if they were asked for this very view.
     */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code v} still the current view?
    private boolean decide(View v, Ahead sent, EpochsAhead arrived) {
        view = v;
        byTie = false;
        toRecord = null;
        waitingTie = null;
        claimedEpochs.clear();
        epochsAhead = null;
        long asked = ++evaluation;
        List<NodeId> counted = expectedIn(v);
        if (!counted.equals(expected)) {
            expected = counted;
            LOG.info("{}: votes count again for {} of the node list: {}", self, expected.size(), expected);
        }
        Votes votes = Votes.of(expected, v.members());
        boolean dropped = expected.size() < live.config().nodes().size();
        if (live.config().noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            if (!votes.isMajority()) {
                LOG.warn(
                        "{}: {} is not a majority; no-quorum-policy=ignore runs resources anyway (unsafe)",
                        self,
                        votes);
            }
            set(v, Quorum.QUORATE, "quorate by no-quorum-policy=ignore: " + votes);
            return false;
        }
        if (waitingForAll) {
            if (v.members().containsAll(live.config().nodes())) {
                waitingForAll = false;
                LOG.info("{}: every configured node is in {}: wait-for-all is satisfied", self, v);
            } else {
                List<NodeId> missing = live.config().nodes().stream()
                        .filter(n -> !v.contains(n))
                        .toList();
                set(
                        v,
                        Quorum.NOT_QUORATE,
                        "no quorum: wait-for-all: every configured node must be seen in one view first; not yet seen"
                                + " with the others: " + missing);
                return false;
            }
        }
        if (!jointMajority(v.members())) {
            set(
                    v,
                    Quorum.NOT_QUORATE,
                    "no quorum: the node list is changing from " + live.config().previousNodes() + " to "
                            + live.config().nodes() + ", and "
                            + Votes.of(live.config().previousNodes(), v.members())
                            + " of the old list is not a strict majority");
            return false;
        }
        if (votes.isMajority()) {
            // Before the record (below) on the device thread, so that the plan need not wait for it.
            epochsAhead = arrived != null && arrived.view() == v ? adopt(arrived, v) : askEpochsAhead(v);
            set(
                    v,
                    Quorum.QUORATE,
                    "quorate: " + votes + (dropped ? " (last-man-standing counts " + expected + ")" : ""));
            scheduleLastManStanding(v);
            if (device.isPresent()) {
                toRecord = votes.present();
                recordView = v;
                if (host.leaseConfirmedIn(v)) {
                    record();
                }
            }
        } else if (votes.isTie() && device.isPresent() && !dropped) {
            boolean adopt = sent != null && sent.view() == v && sent.partition().equals(votes.present());
            OptionalLong answered = answeredUntil(v, votes.present());
            if (!adopt && answered.isEmpty()) {
                // A view this node installed alone may overlap one its members are in already: a
                // claim for it could take the tie from a partition that holds it, to hand it on to
                // a later partition of this node's (see docs/design/quorum-device.md).
                waitingTie = new WaitingTie(v, votes, asked);
                set(
                        v,
                        Quorum.UNDECIDED,
                        "undecided: " + votes + ", waiting for every member of the view to answer a lease request"
                                + " before asking " + device.get().describe() + " to break the tie");
                host.askForAnswers(v, false);
                return false;
            }
            breakTie(v, votes, adopt ? sent : null, asked, answered.orElse(Long.MAX_VALUE));
            return adopt;
        } else {
            String why = !votes.isTie()
                    ? ""
                    : dropped
                            ? " (a tie among the votes last-man-standing left is not broken by the device)"
                            : " and no quorum device to break the tie";
            set(v, Quorum.NOT_QUORATE, "no quorum: " + votes + why);
        }
        return false;
    }

    /**
     * Every member of {@code v} (the current view) has answered a lease request of it: a tie claim
     * that waited for them is sent now.
     */
    void membersAnswered(View v) {
        WaitingTie w = waitingTie;
        if (w == null || !w.view().equals(v) || w.evaluation() != evaluation) {
            return;
        }
        OptionalLong answered = answeredUntil(v, w.votes().present());
        if (answered.isEmpty()) {
            if (host.latestAnsweredBy(v, w.votes().present())) {
                // Every member answered the latest request, but too late for a claim: ask again
                // (one request at a time: only once all have answered the one before).
                lateAnswers(v, "the answers to the latest lease request came too late for a claim");
            }
            return;
        }
        waitingTie = null;
        LOG.debug(
                "{}: every member of {} answered a lease request in it; claiming the tie for {}",
                self,
                v,
                w.votes().present());
        breakTie(w.view(), w.votes(), null, w.evaluation(), answered.getAsLong());
    }

    /** The view for which a late claim was last logged and asked again, so that it is once per view. */
    private View lateLogged;

    /**
     * A tie claim for {@code v} came too late ({@code why}): logged, and the members asked again at
     * once, once per view (after that, the lease's regular requests bring fresh answers: no storm of
     * requests where round trips keep taking longer than the window).
     */
    private void lateAnswers(View v, String why) {
        if (!v.equals(lateLogged)) {
            lateLogged = v;
            host.askForAnswers(v, true);
            LOG.warn(
                    "{}: the tie claim for {} waits for fresh answers of its members ({}); if this repeats, round"
                            + " trips or the quorum device take longer than the membership's quickest removal of a"
                            + " node (its verification timeout)",
                    self,
                    v,
                    why);
        }
    }

    /**
     * Asks the device to break the tie of {@code v} for the partition of {@code votes}, or takes the
     * answer of {@code sent}, the same claim sent ahead (null: none); decides {@code v} by the
     * answer unless evaluated again since the evaluation {@code asked}. The claim is made only
     * before {@code answeredUntil} (see {@link #sendClaim}); if the device thread reaches it later,
     * the claim waits for fresh answers again.
     */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code v} still the current view?
    private void breakTie(View v, Votes votes, Ahead sent, long asked, long answeredUntil) {
        QuorumDevice d = device.orElseThrow();
        set(v, Quorum.UNDECIDED, "undecided: " + votes + ", asking " + d.describe() + " to break the tie");
        // Only epochs of what this (later, authoritative) look expects are kept below. A claim sent
        // as the view arrived expected the same or more (a confirmation of death is only dropped
        // when the view is taken in); one sent at a death looked at the picture then, which a share
        // or report may have changed since: only the starts both looks expect keep an epoch.
        Set<ResourceId> expectedStarts = v.coordinator().equals(self) ? Set.copyOf(host.startsExpectedIn(v)) : Set.of();
        CompletableFuture<TieClaim> asking =
                sent != null ? sent.claim() : sendClaim(d, votes.present(), expectedStarts, answeredUntil);
        // An answer already here (a claim sent at the death, answered while the view formed) is
        // acted on in this task, on the event thread, instead of behind the tasks the view queued
        // meanwhile (the probe, the reports: ~10 ms in a two-node failover). A dependent action of
        // a completed future runs in the thread that adds it, so only then does it run here.
        boolean answeredAlready = asking.isDone();
        CompletableFuture<Void> unused = asking.<Void>handle((claim, error) -> {
                    if (error instanceof ClaimTooLateException) {
                        host.post(() -> {
                            if (evaluation == asked && view == v) {
                                waitingTie = new WaitingTie(v, votes, asked);
                                set(
                                        v,
                                        Quorum.UNDECIDED,
                                        "undecided: " + votes + ", waiting for every member of the view to answer a"
                                                + " lease request again before asking " + d.describe()
                                                + " to break the tie (" + error.getMessage() + ")");
                                lateAnswers(v, error.getMessage());
                                membersAnswered(v);
                            }
                        });
                        return null;
                    }
                    Quorum result;
                    String decided;
                    Map<ResourceId, Long> epochs = Map.of();
                    if (error == null) {
                        boolean won = claim.held();
                        epochs = claim.epochs();
                        result = won ? Quorum.QUORATE : Quorum.NOT_QUORATE;
                        decided = (won ? "quorate: " : "no quorum: ") + votes + ", tie " + (won ? "won" : "lost")
                                + " on "
                                + d.describe()
                                + (epochs.isEmpty()
                                        ? ""
                                        : " with the epochs of " + epochs.size()
                                                + (epochs.size() == 1 ? " resource" : " resources"));
                    } else {
                        result = Quorum.NOT_QUORATE;
                        decided = "no quorum: " + votes + ", tie-break failed: "
                                + (error.getMessage() != null ? error.getMessage() : error.toString());
                    }
                    Quorum r = result;
                    String t = decided;
                    Map<ResourceId, Long> taken = epochs;
                    Runnable decision = () -> {
                        if (evaluation != asked) {
                            return; // evaluated again meanwhile: a newer decision (or claim) owns the state
                        }
                        if (view == v) {
                            byTie = r == Quorum.QUORATE;
                            if (byTie) {
                                taken.forEach((resource, epoch) -> {
                                    if (expectedStarts.contains(resource)) {
                                        claimedEpochs.put(resource, epoch);
                                    }
                                });
                            }
                        }
                        if (votes.present().size() > 1) {
                            LOG.info("{}: {} (claimed for {} in {})", self, t, votes.present(), v);
                        }
                        set(v, r, t);
                        if (view == v && r == Quorum.QUORATE) {
                            scheduleLastManStanding(v);
                        }
                    };
                    if (answeredAlready) {
                        try {
                            decision.run();
                        } catch (RuntimeException e) {
                            // As the event loop treats a task that throws: the decision stands, and
                            // the answer is not read as a failed tie-break.
                            LOG.error("{}: acting on the tie's answer for {} failed", self, v, e);
                        }
                    } else {
                        host.post(decision);
                    }
                    return null;
                })
                .exceptionally(e -> {
                    // A bug in handling the answer: say so, and do not leave the view undecided.
                    LOG.error("{}: handling the tie claim's answer for {} failed", self, v, e);
                    host.post(() -> {
                        if (evaluation == asked) {
                            byTie = false;
                            claimedEpochs.clear();
                            set(v, Quorum.NOT_QUORATE, "no quorum: " + votes + ", tie-break failed: " + e);
                        }
                    });
                    return null;
                });
    }

    /**
     * The epochs asked for as {@code v} arrived, of the starts the node expects now (a second look
     * can only expect the same or nothing: taking the view in can only drop a confirmation of
     * death); null if it expects none now (those epochs go unused).
     */
    private CompletableFuture<Map<ResourceId, Long>> adopt(EpochsAhead arrived, View v) {
        Set<ResourceId> now = Set.copyOf(host.startsExpectedIn(v));
        if (now.isEmpty()) {
            return null;
        }
        return arrived.epochs().thenApply(epochs -> {
            Map<ResourceId, Long> kept = new HashMap<>(epochs);
            kept.keySet().retainAll(now);
            return Map.copyOf(kept);
        });
    }

    /**
     * As the coordinator of {@code v}, quorate by majority, asks the device at once for the epochs
     * of the starts it expects (what ran on members that left, all of whose deaths are confirmed),
     * as a tie claim takes them: its first plan then needs no device call of its own behind the
     * majority's record, which waits for the lease's answers in {@code v} and, with several
     * nodes, for the device's lock behind the other members' records (see {@code
     * docs/design/quorum-device.md}). Epochs taken and not used are harmless. Returns null if it
     * asks for none.
     */
    private CompletableFuture<Map<ResourceId, Long>> askEpochsAhead(View v) {
        // A merged view's other members may still coordinate a quorate partition of their own
        // until they install it, and take epochs meanwhile: the plan takes its own after their
        // reports, as before.
        if (device.isEmpty() || !v.coordinator().equals(self) || v.merged()) {
            return null;
        }
        List<ResourceId> starts = host.startsExpectedIn(v).stream()
                .sorted(java.util.Comparator.comparing(ResourceId::value))
                .toList();
        if (starts.isEmpty()) {
            return null;
        }
        QuorumDevice d = device.get();
        CompletableFuture<Map<ResourceId, Long>> taken = new CompletableFuture<>();
        try {
            deviceCalls.execute(() -> {
                try {
                    List<Long> epochs = d.nextEpochs(starts);
                    if (epochs.size() != starts.size()) {
                        throw new QuorumDeviceException(
                                d.describe() + " gave " + epochs.size() + " epochs for " + starts.size() + " starts",
                                null);
                    }
                    Map<ResourceId, Long> byResource = new HashMap<>();
                    for (int i = 0; i < starts.size(); i++) {
                        byResource.put(starts.get(i), epochs.get(i));
                    }
                    taken.complete(Map.copyOf(byResource));
                } catch (RuntimeException | Error e) {
                    // The plan then asks the device itself, and fails as a plan does if it fails again.
                    if (e instanceof Error) {
                        LOG.error("{}: taking the epochs of {} ahead on {} failed", self, starts, d.describe(), e);
                    } else {
                        LOG.debug("{}: taking the epochs of {} ahead failed: {}", self, starts, e.getMessage());
                    }
                    taken.complete(Map.of());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null; // the node is stopping
        }
        return taken;
    }

    /**
     * Sends the tie claim for {@code v} to the device at once if {@link #evaluate evaluate(v)} will
     * make one: the node calls this as the view arrives, before it takes the view in (its
     * coordinator's bookkeeping, its status, the view's event), so that the claim, the longest step
     * of a two-node failover after the view, runs meanwhile; or, if a claim sent at a death
     * ({@link #claimAtDeath}) was for this view ({@link #follows}), takes that one instead of
     * sending another. Changes nothing here: {@code
     * evaluate(v)} still decides, and uses this claim's answer if it asks the device the same for
     * the same view; otherwise the claim is one a partition of exactly half may make at any time
     * (the device's rule keeps the halves of a split apart), and its epochs go unused (harmless).
     * For a view {@code evaluate(v)} will decide quorate by majority, it asks the device for the
     * epochs of the starts this node expects as its coordinator instead (the same rules apply:
     * {@code evaluate(v)} takes them only for the same view). A tie of more than one node is never
     * claimed ahead: its claim waits for the members' answers in the view ({@link #membersAnswered}).
     */
    void claimAhead(View v) {
        if (ahead != null) {
            LOG.warn("{}: the tie claim sent ahead for {} was never evaluated", self, ahead.view());
        }
        ahead = null;
        majorityAhead = null;
        AtDeath early = atDeath;
        atDeath = null;
        Optional<Set<NodeId>> partition = tieToClaim(v);
        OptionalLong answered = partition.isPresent() ? answeredUntil(v, partition.get()) : OptionalLong.empty();
        if (answered.isPresent() && early != null && follows(early, v, partition.get())) {
            ahead = new Ahead(v, partition.get(), early.claim().claim());
        } else if (answered.isPresent()) {
            Set<ResourceId> starts = v.coordinator().equals(self) ? Set.copyOf(host.startsExpectedIn(v)) : Set.of();
            ahead = new Ahead(
                    v, partition.get(), sendClaim(device.orElseThrow(), partition.get(), starts, answered.getAsLong()));
        } else if (majorityAhead(v)) {
            CompletableFuture<Map<ResourceId, Long>> epochs = askEpochsAhead(v);
            if (epochs != null) {
                majorityAhead = new EpochsAhead(v, epochs);
            }
        }
    }

    /**
     * True if {@code v}, arriving now, is the view {@code early} was claimed for: it comes straight
     * after the view the death was confirmed in (no view in between), with the same members, not
     * merged, and its tie is claimed for the same partition.
     */
    @SuppressWarnings("ReferenceEquality") // identity: no view was installed in between
    private boolean follows(AtDeath early, View v, Set<NodeId> partition) {
        CompletableFuture<TieClaim> claim = early.claim().claim();
        boolean lostOrFailed = claim.isCompletedExceptionally()
                || (claim.isDone() && !claim.join().held()); // a claim made now may still win
        return early.after() == view
                && fresh(early)
                && !lostOrFailed
                && !v.merged()
                && v.members().equals(early.claim().view().members())
                && partition.equals(early.claim().partition());
    }

    private boolean fresh(AtDeath early) {
        return host.nanoTime() - early.sentAt() < AT_DEATH_NANOS;
    }

    /**
     * The death of {@code dead}, a member of {@code current}, is confirmed (its process exited): if
     * that leaves this node alone, the survivor of a two-node cluster, whose tie {@link #evaluate}
     * will claim for it at once in the view that removes {@code dead}, sends that claim now, with
     * the starts {@code startsIn} expects there, instead of when the view arrives. The claim then
     * runs on the device's thread while the membership forms the view (in a two-node failover,
     * ~20-30 ms from the confirmed death to the view), and {@link #claimAhead} adopts it if that view
     * comes next ({@link #follows}); otherwise it goes unused. Either way it is a claim this node
     * could make in that view: its partition is itself alone, which needs no member's answers, and
     * {@code dead} has no partition left. Nothing is decided here.
     */
    @SuppressWarnings("ReferenceEquality") // identity: the same view as the claim already sent
    void claimAtDeath(View current, NodeId dead, java.util.function.Function<View, Set<ResourceId>> startsIn) {
        if (current == null
                || current != view
                || dead.equals(self)
                || !current.contains(dead)
                || (atDeath != null && atDeath.after() == current && fresh(atDeath))) {
            return;
        }
        List<NodeId> rest =
                current.members().stream().filter(m -> !m.equals(dead)).toList();
        if (!rest.equals(List.of(self))) {
            return;
        }
        View next = new View(new ViewId(self, current.id().sequence() + 1), rest, false);
        Optional<Set<NodeId>> partition = tieToClaim(next);
        if (partition.isEmpty() || !partition.get().equals(Set.of(self))) {
            return;
        }
        Set<ResourceId> starts = Set.copyOf(startsIn.apply(next));
        atDeath = new AtDeath(
                current,
                host.nanoTime(),
                new Ahead(
                        next,
                        partition.get(),
                        sendClaim(device.orElseThrow(), partition.get(), starts, Long.MAX_VALUE)));
    }

    /** True if {@link #evaluate evaluate(v)} would decide {@code v} quorate by majority, with a device. */
    private boolean majorityAhead(View v) {
        if (device.isEmpty()
                || live.config().noQuorumPolicy() == NoQuorumPolicy.IGNORE
                || (waitingForAll && !v.members().containsAll(live.config().nodes()))
                || !jointMajority(v.members())) {
            return false;
        }
        return Votes.of(expectedIn(v), v.members()).isMajority();
    }

    /** {@link Host#answeredUntil}, and forever for a partition of this node alone. */
    private OptionalLong answeredUntil(View v, Set<NodeId> partition) {
        return partition.equals(Set.of(self)) ? OptionalLong.of(Long.MAX_VALUE) : host.answeredUntil(v, partition);
    }

    /**
     * The partition whose tie {@link #evaluate evaluate(v)} would ask the device to break, decided
     * by the same rules without changing anything; empty if it would decide without the device.
     */
    private Optional<Set<NodeId>> tieToClaim(View v) {
        if (device.isEmpty()
                || live.config().noQuorumPolicy() == NoQuorumPolicy.IGNORE
                || (waitingForAll && !v.members().containsAll(live.config().nodes()))
                || !jointMajority(v.members())) {
            return Optional.empty();
        }
        List<NodeId> counted = expectedIn(v);
        Votes votes = Votes.of(counted, v.members());
        boolean dropped = counted.size() < live.config().nodes().size();
        return !votes.isMajority() && votes.isTie() && !dropped ? Optional.of(votes.present()) : Optional.empty();
    }

    /**
     * The nodes whose votes count in {@code v}: {@link #expected}, and a node of the list that
     * returns in {@code v} counts again (last_man_standing only drops nodes that are away).
     */
    private List<NodeId> expectedIn(View v) {
        if (v.members().stream().filter(live.config().nodes()::contains).allMatch(expected::contains)) {
            return expected;
        }
        return live.config().nodes().stream()
                .filter(n -> expected.contains(n) || v.contains(n))
                .toList();
    }

    /**
     * Claims the tie for {@code partition} on the device's thread; completes there, exceptionally
     * if the claim fails, with {@link ClaimTooLateException} (and no claim) if the device reads the
     * winning partition at or after {@code answeredUntil}: a member's answer in the view is then too
     * old, so that member may have moved on to another view whose partition holds the tie by now
     * (which this claim would take: they share that member).
     */
    private CompletableFuture<TieClaim> sendClaim(
            QuorumDevice d, Set<NodeId> partition, Set<ResourceId> starts, long answeredUntil) {
        CompletableFuture<TieClaim> answer = new CompletableFuture<>();
        try {
            deviceCalls.execute(() -> {
                try {
                    BooleanSupplier inTime =
                            () -> answeredUntil == Long.MAX_VALUE || host.nanoTime() - answeredUntil < 0;
                    TieClaim claim = claim(d, partition, starts, inTime);
                    if (claim == null) {
                        throw new IllegalStateException(d.describe() + " answered no claim");
                    }
                    answer.complete(claim);
                } catch (RuntimeException | Error e) {
                    if (e instanceof Error) {
                        LOG.error("{}: claiming the tie on {} failed", self, d.describe(), e);
                    }
                    answer.completeExceptionally(e); // decided as a failed tie-break, never left undecided
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            answer.completeExceptionally(new IllegalStateException("the node is stopping", e));
        }
        return answer;
    }

    /**
     * Claims the tie for {@code partition}, with the epochs of {@code starts} if any; if the
     * combined call fails other than by the device's own error (a bug, bad data), claims the tie
     * alone (the plan then takes its epochs itself).
     */
    private TieClaim claim(QuorumDevice d, Set<NodeId> partition, Set<ResourceId> starts, BooleanSupplier inTime) {
        try {
            return d.claimTieInTime(partition, starts, inTime);
        } catch (QuorumDeviceException e) {
            throw e; // unreachable, kept conflicting or late: a plain claim would fail the same way, later
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: claiming the tie with the epochs of {} on {} failed ({}); claiming it alone",
                    self,
                    starts,
                    d.describe(),
                    e.getMessage());
            return d.claimTieInTime(partition, Set.of(), inTime);
        }
    }

    /**
     * With last_man_standing: once {@code v} has been quorate for the window, the configured nodes
     * missing from it stop counting, so that the next failure leaves a majority of those that
     * remain.
     */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code v} still the current view?
    private void scheduleLastManStanding(View v) {
        Optional<Duration> window = live.config().lastManStanding();
        if (window.isEmpty() || v.members().containsAll(expected)) {
            return;
        }
        host.schedule(
                () -> {
                    if (view != v || state != Quorum.QUORATE) {
                        return;
                    }
                    List<NodeId> remaining =
                            expected.stream().filter(v::contains).toList();
                    LOG.warn(
                            "{}: last-man-standing: {} stable for {} ms; the votes of {} no longer count",
                            self,
                            v,
                            window.get().toMillis(),
                            expected.stream().filter(n -> !v.contains(n)).toList());
                    expected = remaining;
                    text = "quorate: " + Votes.of(expected, v.members()) + " (last-man-standing counts " + expected
                            + ")";
                },
                window.get());
    }

    @SuppressWarnings("ReferenceEquality") // identity: is {@code forView} still the current view?
    private void set(View forView, Quorum now, String newText) {
        if (view != forView) {
            return; // decided for a view that is gone
        }
        Quorum previous = state;
        state = now;
        text = newText;
        host.decided(forView, previous, now, newText);
    }

    /**
     * Drops the epochs a tie claim took, or a majority took ahead, for the current view: the first
     * plan after it waits (for a lease or a configuration transition) or sends nothing.
     */
    void dropClaimedEpochs() {
        epochsAhead = null;
        if (!claimedEpochs.isEmpty()) {
            LOG.debug(
                    "{}: the first plan after the tie claim is not sent at once; dropping the epochs taken with it",
                    self);
            claimedEpochs.clear();
        }
    }

    /**
     * Gives every start in {@code actions} a fresh epoch from the device (none without a device);
     * completes on the event thread, exceptionally if the device fails.
     */
    CompletableFuture<List<Action>> stampEpochs(List<Action> actions) {
        // The epochs the tie claim of this view took, or those taken ahead for its majority, serve
        // this plan only (the evaluation's first), each one start; the rest are dropped (a stamp
        // failing below drops them too: harmless).
        Map<ResourceId, Long> claimed = new HashMap<>(claimedEpochs);
        claimedEpochs.clear();
        // Epochs taken from now on are greater than those of a claim sent at a death before: that
        // claim no longer serves the view that follows (its starts would carry the older ones).
        atDeath = null;
        CompletableFuture<Map<ResourceId, Long>> takenAhead = epochsAhead;
        epochsAhead = null;
        if (takenAhead == null || actions.stream().noneMatch(a -> a.type() == ActionType.START)) {
            return stamp(actions, claimed);
        }
        if (takenAhead.isDone()) {
            claimed.putAll(takenAhead.join()); // never completed exceptionally
            return stamp(actions, claimed);
        }
        CompletableFuture<List<Action>> result = new CompletableFuture<>();
        CompletableFuture<?> unused = takenAhead.thenAccept(epochs -> host.post(() -> {
            Map<ResourceId, Long> all = new HashMap<>(claimed);
            all.putAll(epochs);
            CompletableFuture<?> unusedStamp = stamp(actions, all).whenComplete((stamped, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(stamped);
                }
            });
        }));
        return result;
    }

    /** Stamps the starts of {@code actions} with {@code claimed} epochs, or fresh ones from the device. */
    private CompletableFuture<List<Action>> stamp(List<Action> actions, Map<ResourceId, Long> claimed) {
        CompletableFuture<List<Action>> result = new CompletableFuture<>();
        if (device.isEmpty() || actions.stream().noneMatch(a -> a.type() == ActionType.START)) {
            result.complete(actions);
            return result;
        }
        List<Action> withClaimed = new ArrayList<>(actions.size());
        List<Integer> unstamped = new ArrayList<>();
        for (Action a : actions) {
            Long epoch = a.type() == ActionType.START ? claimed.remove(a.resource()) : null;
            if (a.type() == ActionType.START && epoch == null) {
                unstamped.add(withClaimed.size());
            }
            withClaimed.add(epoch == null ? a : a.withEpoch(epoch));
        }
        if (unstamped.isEmpty()) {
            result.complete(List.copyOf(withClaimed));
            return result;
        }
        atDeath = null; // epochs queued now are greater than a claim's sent at a death before
        QuorumDevice d = device.get();
        deviceCalls.execute(() -> {
            try {
                List<ResourceId> starts = unstamped.stream()
                        .map(i -> withClaimed.get(i).resource())
                        .toList();
                List<Long> epochs = d.nextEpochs(starts);
                if (epochs.size() != starts.size()) {
                    throw new QuorumDeviceException(
                            d.describe() + " gave " + epochs.size() + " epochs for " + starts.size() + " starts", null);
                }
                List<Action> stamped = new ArrayList<>(withClaimed);
                for (int k = 0; k < unstamped.size(); k++) {
                    int i = unstamped.get(k);
                    stamped.set(i, stamped.get(i).withEpoch(epochs.get(k)));
                }
                host.post(() -> result.complete(List.copyOf(stamped)));
            } catch (RuntimeException e) {
                host.post(() -> result.completeExceptionally(e));
            }
        });
        return result;
    }
}
