package io.hastack.core.runtime;

import io.hastack.core.internal.Callbacks;
import io.hastack.core.internal.Votes;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeChange;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.Messages.Cleanup;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.Flag;
import io.hastack.core.runtime.Messages.LeaveGranted;
import io.hastack.core.runtime.Messages.MaintenanceOrder;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.Placement;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-side protocol of one member, free of threads: what it does with views, quorum
 * decisions, the coordinator's probes and plans, operator orders and its own pauses; what it
 * reports. It holds the member's flags (leaving, standby, maintenance), the operator orders it has
 * heard, the last plan it finished and a plan deferred until its view or quorum is known, and it
 * routes coordinator messages to this member's {@link Coordinator}.
 *
 * <p>{@link HaNode} runs it on its event thread; the simulation harness runs the same class on
 * virtual time. Confined to one thread: every method must be called there.
 *
 * <p>The rules: a plan runs only if it comes from the coordinator of this member's current view
 * and this member's partition is quorate and it has not stalled; a plan for a view not installed
 * yet, or while quorum is still being decided, waits; any other plan is refused (and reported
 * finished, so that the coordinator's transition ends). After a stall longer than the safe bound
 * the member stops everything before anything else. On quorum loss it follows the
 * {@code no-quorum-policy}.
 */
final class Participant implements Messages.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Participant.class);

    /** What the participant needs from its host. Called on the participant's thread. */
    interface Port {
        /** Sends {@code message} to {@code to}, this member included (then delivered later, not now). */
        void send(NodeId to, Message message);

        /** Something worth an {@link HaEvent} happened. */
        void event(EventData data, String subject, String detail);

        /** This member's quorum for its current view. */
        Quorum quorum();

        /** How the quorum was decided, for messages. */
        String quorumText();

        /** False if this member has stalled longer than its safe bound and not caught up yet. */
        boolean fresh();

        /** How long since this member's pause detector last ticked. */
        Duration stalledFor();

        /** The coordinator let this member leave. */
        void leaveGranted();

        /** The monotonic clock, in nanoseconds. */
        long nanoTime();

        /** Runs {@code task} on the participant's thread after {@code delay}. */
        void schedule(Runnable task, Duration delay);

        /** True if these members (this one included) keep this member's partition quorate ({@link QuorumKeeper#sustains}). */
        boolean sustains(Set<NodeId> members);

        /**
         * This member's lease now holds until {@code nanoTime} (monotonic), or does not hold (empty):
         * what the node watchdog is told.
         */
        default void leaseUntil(OptionalLong nanoTime) {}

        /**
         * {@code node}'s death is confirmed by another member (it saw the process exit) or an
         * operator: the membership may remove it without verifying ({@link
         * io.hastack.core.spi.membership.Membership#removeConfirmed}); the default does nothing.
         */
        default void removeConfirmed(NodeId node) {}

        /**
         * This member holds its lease by the answers of the others (or alone by quorum), not only
         * carried over from a view it ran alone in: the quorum keeper may record the majority now.
         */
        default void leaseConfirmed() {}

        /** A member answered a lease request of the current view. By default, nothing. */
        default void leaseAnswered() {}

        /**
         * Keeps {@code config}, which this member takes now, for its next start ({@link
         * io.hastack.core.spi.config.ConfigStore#save}); the default keeps nothing.
         *
         * @return false if it could not be kept
         */
        default boolean storeConfig(VersionedConfig config) {
            return true;
        }

        /** True if a restarted member starts from the newest version it stored ({@link #storeConfig}). */
        default boolean keepsConfig() {
            return true;
        }

        /**
         * This member took {@code next}, whose node list (or the list it changes from) differs from
         * {@code previous}'s: the membership, the quorum and the takeover wait follow it.
         */
        default void nodesChanged(ClusterConfig previous, ClusterConfig next) {}

        /** {@code lost} was replaced though changed apart from {@code winner}: keep a copy. */
        default void configDiscarded(VersionedConfig lost, VersionedConfig winner) {}
    }

    /** How long a member waits before it tries again to apply a configuration it could not. */
    static final Duration RECONFIGURE_RETRY = Duration.ofSeconds(10);

    /** How long a proposer waits for the coordinator's verdict. */
    static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(15);

    private final NodeId self;
    private final LiveConfig live;
    private final LocalResources resources;
    /** How many configuration versions this member has taken but not finished applying. */
    private int applying;
    /** Configuration changes this member proposed, waiting for the coordinator's verdict. */
    private final Map<Long, Proposal> proposals = new HashMap<>();
    /** Why the coordinator last deferred a proposal of this member, by request. */
    private final Map<Long, String> deferrals = new HashMap<>();

    private long proposalSequence;
    /** The coordinator's latest whole-cluster picture (for status only). */
    private Messages.StatusShare shared;
    /** A picture shared for a view this member has not installed yet, with who shared it. */
    private Messages.StatusShare earlyShare;

    private NodeId earlyShareFrom;

    private record Proposal(
            NodeId coordinator, CompletableFuture<VersionedConfig> result, Messages.ConfigProposal message) {}

    /** How soon a proposer sends a proposal again that the coordinator could not take yet. */
    static final Duration PROPOSAL_RETRY = Duration.ofMillis(250);

    private final Coordinator coordinator;
    private final Port port;

    private View view;
    private PlanId lastCompleted;
    private boolean leaving;
    private boolean standby;
    private boolean maintenance;
    /** The latest manual move order of every group this member has heard of. */
    private final Map<GroupId, MoveOrder> moves = new HashMap<>();
    /** The latest cluster maintenance order this member has heard of. */
    private MaintenanceOrder clusterMaintenance = MaintenanceOrder.NONE;

    /** A plan (or probe) that waits for its view, quorum decision or lease, with who sent it. */
    private record Deferred(NodeId from, Execute execute, Probe probe) {}

    private Deferred deferred;
    /** Set by a detected pause until the member has stopped its resources and reported. */
    private boolean demoted;

    private final Lease lease;
    /** Whether the lease held when last checked. */
    private boolean leaseHeld;
    /**
     * Whether a check of the lease is scheduled, and for when: the earliest expiry it was scheduled
     * for that has not run yet. One pending check is enough, since it schedules the next when it runs.
     */
    private boolean checkPending;

    private long checkPendingFor;
    /** A probe for a view this member has not installed yet: answered once it is. */
    private Deferred pendingProbe;

    private boolean renewing;
    /** When this member started (monotonic nanos), for its reports' uptime. */
    private final long startedAt;
    /** Members whose lease requests had another lease time (logged once each). */
    private final Set<NodeId> mismatchedLease = new java.util.HashSet<>();
    /** How long a node waits before it tries again to take a version its store refused. */
    static final Duration RETAKE = Duration.ofSeconds(1);

    /** The version this node's store last refused to keep (null: none pending), and from whom. */
    private VersionedConfig refusedToTake;

    private NodeId refusedFrom;
    private boolean retakeScheduled;

    /** Members told once per version that they count votes by an older, less strict node list. */
    private final Set<String> staleLists = new java.util.HashSet<>();
    /**
     * Lease requests from members of a view this member has not installed yet, or held back while
     * it carries its lease ({@link #carrying}), by sender.
     */
    private final Map<NodeId, Messages.LeasePing> pendingPings = new HashMap<>();

    /**
     * True while this member carries the lease it held alone, by the tie-break of a two-node
     * cluster, into the view its peer joined, until the peer's answers give it a lease of its own
     * (see {@code docs/design/leases.md}, "A peer that joins"): without this, the peer's return
     * would stop everything this member runs. Meanwhile it grants no lease, so the peer cannot
     * record the new majority on the quorum device, and the device keeps the tie for this member.
     */
    private boolean carrying;

    /** Until when (monotonic nanos) the carried lease holds at most: one lease time after the view. */
    private long carryUntil;

    /** The node list the lease was carried under: a change of it ends the carry. */
    private List<NodeId> carryNodes = List.of();

    Participant(
            NodeId self,
            LiveConfig live,
            LocalResources resources,
            Coordinator coordinator,
            Duration leaseTime,
            Port port) {
        this.self = self;
        this.live = live;
        this.resources = resources;
        this.coordinator = coordinator;
        this.port = port;
        this.lease = new Lease(self, leaseTime, port::nanoTime);
        this.startedAt = port.nanoTime();
    }

    /** The view this member is in; null before the first. */
    View view() {
        return view;
    }

    /**
     * Installs {@code v}: the coordinator starts over, the lease counts answers in this view only,
     * and this member asks the others for its lease at once, unless the view only lost members (a
     * failover) and the answers to its latest request hold the lease: then its next regular
     * request, at most one renew interval later, is the view's first, and the lease is never older
     * than in between two regular rounds. The caller decides quorum for it next.
     */
    void viewInstalled(View v) {
        boolean shrank = view != null
                && v.members().size() < view.members().size()
                && view.members().containsAll(v.members());
        carrying = aloneByTie() && v.contains(self) && v.members().size() == 2;
        if (carrying) {
            carryUntil = port.nanoTime() + lease.time().toNanos();
            carryNodes = live.config().nodes();
            LOG.info(
                    "{} carries the lease it held alone into {} until its peer answers (at most {} ms)",
                    self,
                    v,
                    lease.time().toMillis());
        }
        view = v;
        failProposals("the view changed to " + v + " before the coordinator answered; the change may have"
                + " been made: read the configuration version and retry");
        lease.viewInstalled(v);
        coordinator.viewChanged(v);
        if (pendingProbe != null && pendingProbe.probe().view().equals(v.id())) {
            port.send(pendingProbe.from(), report(v.id()));
        }
        pendingProbe = null;
        if (earlyShare != null && earlyShare.view().equals(v.id()) && earlyShareFrom.equals(v.coordinator())) {
            shared = earlyShare; // the coordinator shares a picture again only when it changes
        }
        earlyShare = null;
        Map<NodeId, Messages.LeasePing> waiting = new HashMap<>(pendingPings);
        pendingPings.clear();
        waiting.forEach(this::leasePing);
        if (!renewing) {
            renewing = true;
            renewLease();
        } else if (!(shrank && lease.latestRoundHolds(port::sustains))) {
            // A round in flight is lost with the view (its answers carry the old one): ask again now.
            requestLease();
        }
        // Otherwise the lease it holds carries it (answers heard within the lease time count
        // across views), and every member's round of requests and answers, the square of the
        // members in messages, stays out of the failover's first moments, when the coordinator
        // waits for the members' reports on the same cores (docs/design/leases.md).
        checkLease();
    }

    // ---- the membership lease ----------------------------------------------------------------

    /** Asks every other member for a lease, checks it, and does so again after the renew interval. */
    private void renewLease() {
        requestLease();
        checkLease();
        port.schedule(this::renewLease, lease.renewInterval());
    }

    private void requestLease() {
        lease.request(live.get())
                .ifPresent(ping ->
                        view.members().stream().filter(m -> !m.equals(self)).forEach(m -> port.send(m, ping)));
    }

    /**
     * Until when (monotonic nanoseconds) every one of {@code members} but this member has answered a
     * lease request of the current view {@code v} within the lease time; empty if one has not, or
     * {@code v} is not the current view. See {@link Lease#answeredInViewUntil}.
     */
    OptionalLong answeredInView(View v, Set<NodeId> members) {
        return v.equals(view) ? lease.answeredInViewUntil(members) : OptionalLong.empty();
    }

    /**
     * True if every one of {@code members} but this member answered the latest lease request of the
     * current view {@code v}.
     */
    boolean latestAnsweredInView(View v, Set<NodeId> members) {
        return v.equals(view) && lease.latestAnsweredInView(members);
    }

    /**
     * Asks the other members of the current view {@code v} for a lease now, unless it did in {@code
     * v} already and not {@code again}.
     */
    void askForAnswers(View v, boolean again) {
        if (v.equals(view) && (again || !lease.askedInView())) {
            requestLease();
        }
    }

    /** True if this member holds its membership lease now. */
    boolean leaseHeld() {
        return lease.held(port::sustains) || carried();
    }

    /**
     * True if this member holds its lease by the answers of its current view's members (or alone by
     * quorum), not carried and not by answers from an earlier view.
     */
    boolean leaseConfirmed() {
        return !carrying && lease.heldInView(port::sustains);
    }

    /**
     * True if this member held its lease alone in a single-member view of a two-node cluster, by
     * the quorum device's tie-break (a lease without end: the device gives the tie to no one else).
     */
    private boolean aloneByTie() {
        return view != null
                && view.members().equals(List.of(self))
                && live.config().nodes().size() == 2
                && live.config().noQuorumPolicy() != NoQuorumPolicy.IGNORE
                && lease.expiry(port::sustains).orElse(0) == Long.MAX_VALUE;
    }

    /**
     * True while the carried lease holds: in the view carried into, for at most one lease time, while
     * that view is not known to lack quorum and the node list is still the same two nodes.
     */
    private boolean carried() {
        return carrying
                && port.nanoTime() - carryUntil < 0
                && port.quorum() != Quorum.NOT_QUORATE
                && live.config().nodes().equals(carryNodes)
                && live.config().previousNodes().isEmpty();
    }

    /** Ends the carry for good in this view and answers the peer's requests held back meanwhile. */
    private void endCarry(String why) {
        carrying = false;
        LOG.info("{} carries its earlier lease no more in {}: {}", self, view, why);
        Map<NodeId, Messages.LeasePing> held = new HashMap<>(pendingPings);
        pendingPings.clear();
        held.forEach(this::leasePing);
    }

    /** The lease in words, for status: held or not, and whom this member heard from lately. */
    String leaseText() {
        return (leaseHeld() ? "held" : "not held") + ": heard from " + lease.heardRecently() + " within "
                + lease.time().toMillis() + " ms";
    }

    /** The check scheduled for the expiry {@code at}: no longer pending, unless an earlier one is. */
    private void scheduledCheck(long at) {
        if (checkPending && checkPendingFor == at) {
            checkPending = false;
        }
        checkLease();
    }

    /**
     * Looks at the lease: a lease gained lets the coordinator plan and deferred plans run; a lease
     * lost stops everything here at once (forced where the agent can), since the others may
     * already count this member as gone. Schedules the next look for when the lease would lapse.
     */
    void checkLease() {
        if (carrying && !carried()) {
            endCarry("its time is up, or the view's quorum or the node list changed");
        }
        OptionalLong until = lease.expiry(port::sustains);
        long now = port.nanoTime();
        if (until.isPresent() && leaseConfirmed()) {
            port.leaseConfirmed();
        }
        if (carried()
                && (until.isEmpty() || (until.getAsLong() != Long.MAX_VALUE && until.getAsLong() - carryUntil < 0))) {
            until = OptionalLong.of(carryUntil);
        }
        boolean held = until.isPresent() && (until.getAsLong() == Long.MAX_VALUE || until.getAsLong() - now > 0);
        port.leaseUntil(held ? until : OptionalLong.empty());
        if (held && until.getAsLong() != Long.MAX_VALUE && (!checkPending || until.getAsLong() - checkPendingFor < 0)) {
            // A later expiry needs no check of its own: the pending one, earlier, schedules it when
            // it runs. Each answer moves the expiry, so this saves the event loop a wake-up per answer.
            long at = until.getAsLong();
            checkPending = true;
            checkPendingFor = at;
            port.schedule(() -> scheduledCheck(at), Duration.ofNanos(at - now + 1_000_000));
        }
        if (held == leaseHeld) {
            return;
        }
        leaseHeld = held;
        String subject = view == null ? self.value() : view.id().toString();
        if (held) {
            String detail = "holds its membership lease in " + view + " (heard from " + lease.heardRecently() + ")";
            LOG.info("{} {}", self, detail);
            port.event(new EventData.LeaseGained(view.id()), subject, self + " " + detail);
            // The coordinator plans once this report reaches it (planning now would use an older one).
            sendReport();
            retryDeferred();
        } else {
            String detail = port.quorum() == Quorum.NOT_QUORATE
                    ? "lost its membership lease: its partition has no quorum (" + port.quorumText() + ")"
                    : "lost its membership lease: it has not heard from enough members of "
                            + (view == null ? "its view" : view.toString()) + " within "
                            + lease.time().toMillis() + " ms (heard from " + lease.heardRecently() + ")";
            LOG.error("{} {}; it acts no more until it holds the lease again", self, detail);
            port.event(
                    new EventData.LeaseLost(view == null ? Optional.empty() : Optional.of(view.id()), detail),
                    subject,
                    self + " " + detail);
            if (port.quorum() == Quorum.NOT_QUORATE) {
                LOG.debug("{}: quorum is lost too; the no-quorum-policy decides what runs", self);
            } else if (live.config().noQuorumPolicy() == NoQuorumPolicy.FREEZE) {
                LOG.warn(
                        "{}: no-quorum-policy=freeze keeps its resources running without a lease; only a fence"
                                + " device keeps the others from starting them too",
                        self);
            } else if (resources.anyActive()) {
                Callbacks.whenDone(
                        resources.stopAll("node " + self + " " + detail, true),
                        (v, e) -> sendReport(),
                        LOG,
                        "stopping every resource of " + self + " after its lease lapsed");
            }
        }
    }

    @Override
    public void leasePing(NodeId from, Messages.LeasePing ping) {
        if (ping.leaseMillis() != lease.time().toMillis()) {
            if (mismatchedLease.add(from)) {
                String detail = from + " asks for a membership lease of " + ping.leaseMillis() + " ms but " + self
                        + "'s is " + lease.time().toMillis()
                        + " ms: it gets none until every node has the same pause bound (the JGroups heartbeat"
                        + " timeout by default)";
                LOG.error("{}: {}", self, detail);
            }
            return;
        }
        if (countsByAnOldList(from, ping)) {
            return;
        }
        if (carrying) {
            // No lease for the peer while this member carries its own: answered once it holds one.
            pendingPings.put(from, ping);
            return;
        }
        Optional<Messages.LeasePong> pong = lease.grant(from, ping);
        if (pong.isPresent()) {
            port.send(from, pong.get());
        } else if (lease.fromLaterView(ping)) {
            // The requester installed a view this member has not yet: answer once it has.
            pendingPings.put(from, ping);
        }
    }

    /**
     * True if {@code from} asks for a lease holding an older configuration version, one that this
     * node's was made from (its lineage holds it: not a file edited by hand, nor versions changed
     * apart, which the coordinator reports instead), by which it counts votes less strictly than
     * this node's version does: another node list, or, while this node holds a joint version, not
     * the same joint rule. Such a member would count this node's vote by its old list alone, so
     * that, with a newer member in its view, a partition holding less than half of the old list
     * could count itself a majority and record itself on the quorum device. Found by the nemesis:
     * {n1 (new list), n2 (old)} recorded a majority of three over {n3, n4}'s tie won by the list of
     * four, then held the tie itself; a review found the same with n1 on the joint version, and
     * after adding and removing a node (the old list is the new one again). It gets no lease until it
     * takes the newer version, which the partition's coordinator hands it. (A sender on the joint
     * version, asking a member on the committed one, is granted: it counts more strictly.)
     */
    private boolean countsByAnOldList(NodeId from, Messages.LeasePing ping) {
        VersionedConfig mine = live.get();
        long back = mine.version() - ping.configVersion();
        ClusterConfig c = mine.config();
        boolean asStrict = ping.nodes().equals(c.nodes())
                && (c.previousNodes().isEmpty() || ping.previousNodes().equals(c.previousNodes()));
        if (back <= 0
                || back > mine.lineage().size()
                || !mine.lineage().get((int) back - 1).equals(ping.configHash())
                || asStrict) {
            return false;
        }
        if (staleLists.add(from + "@" + ping.configVersion())) {
            LOG.warn(
                    "{}: {} asks for a membership lease holding configuration version {} with the node list {}{},"
                            + " but {} holds version {} with the node list {}{}: it gets none until it takes the"
                            + " newer version",
                    self,
                    from,
                    ping.configVersion(),
                    ping.nodes(),
                    ping.previousNodes().isEmpty() ? "" : " (changing from " + ping.previousNodes() + ")",
                    self,
                    mine.version(),
                    c.nodes(),
                    c.previousNodes().isEmpty() ? "" : " (changing from " + c.previousNodes() + ")");
        }
        return true;
    }

    @Override
    public void leasePong(NodeId from, Messages.LeasePong pong) {
        if (lease.answered(from, pong)) {
            if (carrying && lease.heldInView(port::sustains)) {
                // The peer answered in the view carried into (whose quorum is decided by now): this
                // member's own lease from here on; it grants the peer's requests again.
                endCarry("it holds its own lease, by its peer's answer");
            }
            checkLease();
            port.leaseAnswered();
        }
    }

    @Override
    public void deathNotice(NodeId from, Messages.DeathNotice notice) {
        deathConfirmed(notice.node(), "declared dead by " + from + ": " + notice.reason());
        if (!notice.node().equals(self)) {
            port.removeConfirmed(notice.node());
        }
    }

    /**
     * {@code node} is known to be gone with its resources (its process exited, a fence device
     * confirmed it, or it was declared dead): its groups may start elsewhere without waiting for
     * its lease.
     */
    void deathConfirmed(NodeId node, String evidence) {
        if (node.equals(self)) {
            return;
        }
        coordinator.deathConfirmed(node, evidence);
        port.event(new EventData.DeathConfirmed(node, evidence), node.value(), node + ": " + evidence);
    }

    /**
     * The membership saw {@code node}'s process exit (first-hand evidence, which only the member
     * that watched it has): recorded here and passed on to every other member of the view, so that
     * whoever coordinates knows it.
     */
    void crashObserved(NodeId node, String evidence) {
        if (node.equals(self)) {
            return;
        }
        deathConfirmed(node, "seen by " + self + ": " + evidence);
        if (view != null) {
            Messages.DeathNotice notice = new Messages.DeathNotice(node, evidence);
            view.members().stream()
                    .filter(m -> !m.equals(self) && !m.equals(node))
                    .forEach(m -> port.send(m, notice));
        }
    }

    /**
     * How many milliseconds ago this member last granted a lease to each node outside its view
     * (within a few lease times), for its reports.
     */
    private Map<NodeId, Long> grantAges() {
        return lease.grantAges(lease.time().multipliedBy(3));
    }

    /**
     * Quorum was decided (or left undecided) for {@code forView}: tells the coordinator (every view
     * establishes quorum anew), reports a change, applies the {@code no-quorum-policy} on a loss, and
     * runs or refuses a plan that waited for the decision.
     */
    void quorumDecided(View forView, Quorum previous, Quorum now, String text) {
        coordinator.quorumChanged(now == Quorum.QUORATE);
        checkLease(); // whatever the quorum, the votes that count may have changed with the view
        if (now == previous) {
            return;
        }
        // The coordinator plans once this report (with the new quorum) reaches it.
        sendReport();
        if (now == Quorum.QUORATE) {
            port.event(
                    new EventData.QuorumGained(forView.id(), text), forView.id().toString(), text);
        } else if (now == Quorum.NOT_QUORATE) {
            NoQuorumPolicy policy = live.config().noQuorumPolicy();
            port.event(
                    new EventData.QuorumLost(forView.id(), text, policy),
                    forView.id().toString(),
                    text + "; no-quorum-policy=" + policy.name().toLowerCase(Locale.ROOT));
            if (policy == NoQuorumPolicy.STOP && resources.anyActive()) {
                LOG.warn("{}: {}; stopping every local resource", self, text);
                CompletableFuture<Void> unused =
                        resources.stopAll("node " + self + " lost quorum (" + text + ")", true);
            }
        }
        if (now != Quorum.UNDECIDED) {
            retryDeferred();
        }
    }

    /** Runs or refuses the plan that waited for this member's view or quorum, if there is one. */
    void retryDeferred() {
        if (deferred != null && view != null) {
            Deferred d = deferred;
            deferred = null;
            onExecute(d.from(), d.execute());
        }
    }

    /** Handles {@code message} from {@code from} (this member included). */
    void handle(NodeId from, Message message) {
        message.dispatch(from, this);
    }

    /**
     * Answers a probe only in its view: a member that answers has installed that view, and so no
     * longer grants leases to the nodes it removed; the coordinator's wait for their leases relies on
     * it. A probe for a later view waits for that view; one for an earlier view is dropped.
     */
    @Override
    public void probe(NodeId from, Probe probe) {
        if (view != null && probe.view().equals(view.id())) {
            port.send(from, report(probe.view()));
        } else if (view == null || probe.view().sequence() > view.id().sequence()) {
            pendingProbe = new Deferred(from, null, probe);
        }
    }

    @Override
    public void report(NodeId from, NodeReport report) {
        coordinator.reportReceived(from, report);
        maybeCommitNodeChange();
    }

    @Override
    public void placement(NodeId from, Placement placement) {
        coordinator.placementReceived(placement);
    }

    @Override
    public void cleanup(NodeId from, Cleanup cleanup) {
        Callbacks.whenDone(
                resources.cleanup(cleanup.resource()), (v, e) -> sendReport(), LOG, "cleanup of " + cleanup.resource());
        // The reset failure counts matter even if nothing had failed: report them now.
        sendReport();
    }

    @Override
    public void maintenanceOrder(NodeId from, MaintenanceOrder order) {
        if (order.supersedes(clusterMaintenance)) {
            clusterMaintenance = order;
            LOG.info("{}: cluster maintenance mode {}", self, order.on() ? "on" : "off");
            sendReport();
        }
    }

    @Override
    public void moveOrder(NodeId from, MoveOrder order) {
        if (order.supersedes(moves.get(order.group()))) {
            moves.put(order.group(), order);
            LOG.info("{}: {}", self, order.move().map(Move::describe).orElse("move of " + order.group() + " cleared"));
            sendReport();
        }
    }

    // ---- the replicated configuration (docs/design/replicated-config.md) -------------------

    /**
     * Proposes {@code config} to the coordinator as the cluster's next configuration, if the
     * cluster's is still {@code baseVersion} (-1: whatever it is). Completes with the version this
     * member holds once the coordinator has accepted and this member has taken it, or fails with
     * {@link HaConfigurationException} saying why the coordinator refused it.
     */
    CompletableFuture<VersionedConfig> propose(ClusterConfig config, long baseVersion) {
        VersionedConfig held = live.get();
        String baseHash = baseVersion == held.version() ? held.hash() : "";
        CompletableFuture<VersionedConfig> result = new CompletableFuture<>();
        if (view == null) {
            result.completeExceptionally(new IllegalStateException(
                    "node " + self + " is not in a cluster view yet: the configuration cannot change"));
            return result;
        }
        long id = ++proposalSequence;
        Messages.ConfigProposal message = new Messages.ConfigProposal(id, baseVersion, baseHash, config);
        proposals.put(id, new Proposal(view.coordinator(), result, message));
        port.send(view.coordinator(), message);
        port.schedule(
                () -> {
                    Proposal p = proposals.remove(id);
                    String deferred = deferrals.remove(id);
                    if (p != null && deferred != null) {
                        p.result()
                                .completeExceptionally(new HaConfigurationException("coordinator " + p.coordinator()
                                        + " deferred the change for " + PROPOSAL_TIMEOUT.toSeconds() + " s: "
                                        + deferred + "; nothing changed"));
                    } else if (p != null) {
                        p.result()
                                .completeExceptionally(new java.util.concurrent.TimeoutException("coordinator "
                                        + p.coordinator() + " did not answer within "
                                        + PROPOSAL_TIMEOUT.toSeconds() + " s; the change may have been made:"
                                        + " read the configuration version and retry"));
                    }
                },
                PROPOSAL_TIMEOUT);
        return result;
    }

    private void failProposals(String why) {
        if (proposals.isEmpty()) {
            return;
        }
        List<Proposal> waiting = List.copyOf(proposals.values());
        proposals.clear();
        deferrals.clear();
        waiting.forEach(p -> p.result().completeExceptionally(new IllegalStateException(why)));
    }

    /**
     * As coordinator: checks a proposal against the cluster's configuration and, if it holds, makes
     * it the next version, takes it and sends it to every member. A change needs quorum and the lease,
     * is made against the current version (when the proposer names one), and changes the node list
     * only as {@link #nodeChangeRefusal} allows.
     */
    @Override
    public void configProposal(NodeId from, Messages.ConfigProposal proposal) {
        VersionedConfig mine = live.get();
        if (coordinator.active()
                && mine.config().nodeChange().isPresent()
                && !proposal.config().nodes().equals(mine.config().nodes())) {
            // Not worth waiting for: the change being committed may need a node that is away.
            String refusal = nodeChangeRefusal(mine, proposal.config());
            LOG.warn("{} refuses the configuration change proposed by {}: {}", self, from, refusal);
            port.send(from, new Messages.ConfigVerdict(proposal.request(), mine.version(), refusal, false));
            return;
        }
        Optional<String> blocked = coordinator.active() ? coordinator.changeBlocked() : Optional.empty();
        if (blocked.isPresent() && port.quorum() == Quorum.QUORATE && leaseHeld()) {
            LOG.debug("{} defers the configuration change proposed by {}: {}", self, from, blocked.get());
            port.send(
                    from,
                    new Messages.ConfigVerdict(
                            proposal.request(),
                            mine.version(),
                            "the configuration cannot change now: " + blocked.get(),
                            true));
            return;
        }
        String refusal = refusal(proposal, mine);
        if (!refusal.isEmpty()) {
            LOG.warn("{} refuses the configuration change proposed by {}: {}", self, from, refusal);
            port.send(from, new Messages.ConfigVerdict(proposal.request(), mine.version(), refusal, false));
            return;
        }
        if (withPreviousNodes(mine.config(), proposal.config()).equals(mine.config())) {
            port.send(from, new Messages.ConfigVerdict(proposal.request(), mine.version(), "", false));
            return;
        }
        VersionedConfig next = mine.next(withPreviousNodes(mine.config(), proposal.config()));
        LOG.info("{} makes the configuration change proposed by {} {}", self, from, next);
        take(next, from, false);
        if (!live.get().equals(next)) {
            port.send(
                    from,
                    new Messages.ConfigVerdict(
                            proposal.request(),
                            mine.version(),
                            "the coordinator " + self + " could not keep " + next + " for its next start; see its log",
                            false));
            return;
        }
        port.send(from, new Messages.ConfigVerdict(proposal.request(), next.version(), "", false));
    }

    /**
     * {@code proposed} with the list it changes from as the coordinator sets it: {@code current}'s
     * node list if the list changes, else the list a change being committed changes from.
     */
    private static ClusterConfig withPreviousNodes(ClusterConfig current, ClusterConfig proposed) {
        List<NodeId> previous = proposed.nodes().equals(current.nodes()) ? current.previousNodes() : current.nodes();
        return proposed.previousNodes().equals(previous)
                ? proposed
                : proposed.toBuilder().previousNodes(previous).build();
    }

    /**
     * As coordinator: once every node that could hold the node list before a change being
     * committed (the nodes of both lists) holds the current version, makes the next version with
     * the change committed: the strict majority of the old list is no longer needed.
     */
    void maybeCommitNodeChange() {
        VersionedConfig mine = live.get();
        Optional<NodeChange> pending = mine.config().nodeChange();
        if (pending.isEmpty()
                || !coordinator.active()
                || port.quorum() != Quorum.QUORATE
                || !leaseHeld()
                || coordinator.changeBlocked().isPresent()) {
            return;
        }
        if (unconfirmedOldNodes(mine).size() * 2
                >= mine.config().previousNodes().size()) {
            return;
        }
        VersionedConfig next =
                mine.next(mine.config().toBuilder().previousNodes(List.of()).build());
        LOG.info(
                "{} commits the change of the node list ({}): {}",
                self,
                pending.get().describe(),
                next);
        take(next, self, false);
    }

    /**
     * The nodes of the list before the change being committed in {@code mine} that are not known
     * (from their reports in this view) to hold {@code mine} or a newer version: they may still
     * count votes by the old list. The change commits once they are fewer than half of that list,
     * so that they cannot be quorate by it, nor tie.
     */
    private List<NodeId> unconfirmedOldNodes(VersionedConfig mine) {
        return mine.config().previousNodes().stream()
                .filter(n -> view == null
                        || !view.contains(n)
                        || coordinator
                                .report(n)
                                .map(r -> r.configVersion() < mine.version())
                                .orElse(true))
                .toList();
    }

    /**
     * Why {@code offered} may not replace {@code held} on this node, or empty. A version with
     * another node list is taken only as the protocol made it: a version made from {@code held}
     * (its lineage holds it: the changes in between were made one node at a time by quorate
     * coordinators), or the joint version of a one-node change from {@code held}'s list. Anything else (a file whose node list was edited by
     * hand, versions changed apart) would count votes by a list the others never agreed to.
     */
    static Optional<String> nodeListStep(VersionedConfig held, VersionedConfig offered) {
        ClusterConfig h = held.config();
        ClusterConfig o = offered.config();
        if (o.nodes().equals(h.nodes())) {
            return Optional.empty();
        }
        if (offered.contains(held)
                || (NodeChange.between(h.nodes(), o.nodes()).isPresent()
                        && o.previousNodes().equals(h.nodes()))) {
            return Optional.empty();
        }
        return Optional.of(offered + " changes the node list from " + h.nodes() + " to " + o.nodes()
                + " but was not made from " + held + " (its lineage does not hold it) nor is the joint version"
                + " of one 'node add' or 'node remove' from it: not taken; fix the file of the node that holds"
                + " it (copy a running node's file)");
    }

    private String refusal(Messages.ConfigProposal proposal, VersionedConfig mine) {
        if (!coordinator.active()) {
            return "node " + self + " does not coordinate " + (view == null ? "a view" : view)
                    + "; send the change to the coordinator";
        }
        if (port.quorum() != Quorum.QUORATE) {
            return "the coordinator's partition has no quorum (" + port.quorumText()
                    + "): the configuration changes only with quorum";
        }
        if (!leaseHeld()) {
            return "the coordinator does not hold its membership lease: try again once the cluster is settled";
        }
        Optional<String> blocked = coordinator.changeBlocked();
        if (blocked.isPresent()) {
            return "the configuration cannot change now: " + blocked.get();
        }
        if (proposal.baseVersion() >= 0
                && (proposal.baseVersion() != mine.version()
                        || (!proposal.baseHash().isEmpty()
                                && !proposal.baseHash().equals(mine.hash())))) {
            return "the configuration changed meanwhile: the change was made against version "
                    + proposal.baseVersion()
                    + (proposal.baseHash().isEmpty() ? "" : " (hash " + proposal.baseHash() + ")")
                    + " but the cluster holds " + mine + "; read it again and make the change against it";
        }
        if (!proposal.config().nodes().equals(mine.config().nodes())) {
            return nodeChangeRefusal(mine, proposal.config());
        }
        if (!proposal.config().addresses().equals(mine.config().addresses())) {
            return "node addresses cannot change at run time (they are "
                    + mine.config().addresses()
                    + ", the change makes them " + proposal.config().addresses()
                    + "): remove the node, then add it at its new address";
        }
        return "";
    }

    /**
     * Why the node list of {@code mine} cannot change to {@code proposed}'s, or empty: one node at a
     * time, none while a change is being committed, a removed node must be gone from the view, and
     * the view must hold a strict majority of both lists (see {@code
     * docs/design/node-list-changes.md}).
     */
    private String nodeChangeRefusal(VersionedConfig mine, ClusterConfig proposed) {
        List<NodeId> before = mine.config().nodes();
        List<NodeId> after = proposed.nodes();
        Optional<NodeChange> pending = mine.config().nodeChange();
        if (pending.isPresent()) {
            List<NodeId> behind = unconfirmedOldNodes(mine);
            return "the change of the node list (" + pending.get().describe() + ") is still being committed: "
                    + behind + " of " + mine.config().previousNodes() + " have not taken " + mine
                    + " yet (it commits once fewer than half have not); try again once it has (hastack status"
                    + " shows it)";
        }
        Optional<NodeChange> change = NodeChange.between(before, after);
        if (change.isEmpty()) {
            return "the node list changes one node at a time, a new node at its end (it is " + before
                    + ", the change makes it " + after + "): add or remove one node per change";
        }
        NodeChange c = change.get();
        for (Map.Entry<NodeId, String> e : mine.config().addresses().entrySet()) {
            String now = proposed.addresses().get(e.getKey());
            if (now != null && !now.equals(e.getValue())) {
                return "node " + e.getKey() + "'s address cannot change at run time (it is " + e.getValue()
                        + ", the change makes it " + now + ")";
            }
        }
        if (!c.added()) {
            if (view.contains(c.node())) {
                return "node " + c.node() + " is a member of " + view + ": stop it first (SIGTERM hands its"
                        + " resources over), then remove it";
            }
            if (before.size() <= 2) {
                return "a cluster of two nodes cannot lose one at run time: the removed node, started again"
                        + " from its old file, would hold half the votes of its old list and could win the tie;"
                        + " stop both nodes and edit their files instead";
            }
        }
        List<NodeId> forgetful = view.members().stream()
                .filter(m ->
                        coordinator.report(m).map(NodeReport::volatileConfig).orElse(false))
                .toList();
        if (!forgetful.isEmpty()) {
            return forgetful + " keep no configuration across restarts (no ConfigStore): a node started again"
                    + " from an older node list would count votes by it; give every node a store"
                    + " (HaNode.Builder.configStore; hastack-node keeps its file) before changing the node list";
        }
        if (!Votes.of(before, view.members()).isMajority()
                || !Votes.of(after, view.members()).isMajority()) {
            return "the view " + view.members() + " must hold a strict majority of both " + before + " and " + after
                    + " while the node list changes (" + c.describe() + "): start the missing nodes first";
        }
        return "";
    }

    @Override
    public void configVerdict(NodeId from, Messages.ConfigVerdict verdict) {
        Proposal p = proposals.get(verdict.request());
        if (p == null || !p.coordinator().equals(from)) {
            return;
        }
        if (!verdict.accepted() && verdict.retry()) {
            deferrals.put(verdict.request(), verdict.refusal());
            // The cluster is still taking a version: the proposal is sent again shortly, until its
            // timeout, to the coordinator it was sent to while that still coordinates.
            port.schedule(
                    () -> {
                        if (p.equals(proposals.get(verdict.request()))
                                && view != null
                                && p.coordinator().equals(view.coordinator())) {
                            port.send(p.coordinator(), p.message());
                        }
                    },
                    PROPOSAL_RETRY);
            return;
        }
        proposals.remove(verdict.request());
        deferrals.remove(verdict.request());
        if (verdict.accepted()) {
            p.result().complete(live.get());
        } else {
            p.result().completeExceptionally(new HaConfigurationException(verdict.refusal()));
        }
    }

    /**
     * A configuration version arrives. From the coordinator of this member's view: taken if newer,
     * or if the same version was changed apart (the coordinator's wins). To a coordinator, from a
     * member it asked: taken by the whole view if newer. Anything else is ignored.
     */
    @Override
    public void configInstall(NodeId from, Messages.ConfigInstall install) {
        VersionedConfig offered = install.config();
        VersionedConfig mine = live.get();
        if (from.equals(self) || view == null || !view.contains(from)) {
            return;
        }
        boolean newer = offered.version() > mine.version();
        if (coordinator.active()) {
            if (!newer || !coordinator.requested(from, offered.version())) {
                return;
            }
            if (refuseNodeListStep(from, mine, offered)) {
                return;
            }
            take(offered, from, true);
            return;
        }
        boolean differs = offered.version() == mine.version() && !offered.hash().equals(mine.hash());
        if (from.equals(view.coordinator()) && (newer || differs)) {
            if (refuseNodeListStep(from, mine, offered)) {
                return;
            }
            take(offered, from, true);
        } else {
            LOG.debug("{} ignores {} from {} (it holds {})", self, offered, from, mine);
        }
    }

    /** Logs and reports {@code offered} from {@code from} if its node list is no protocol step from {@code held}. */
    private boolean refuseNodeListStep(NodeId from, VersionedConfig held, VersionedConfig offered) {
        Optional<String> refusal = nodeListStep(held, offered);
        if (refusal.isEmpty()) {
            return false;
        }
        String detail = self + ": " + from + " holds " + refusal.get();
        LOG.error(detail);
        port.event(new EventData.ConfigMismatch(from, Optional.of(offered.hash())), from.value(), detail);
        return true;
    }

    @Override
    public void nodeOrder(NodeId from, Messages.NodeOrder order) {
        if (!order.node().equals(self) || view == null || !view.contains(from)) {
            return;
        }
        LOG.info(
                "{}: {} {} ordered through {}",
                self,
                order.standby() ? "standby" : "maintenance",
                order.on() ? "on" : "off",
                from);
        if (order.standby()) {
            standby(order.on());
        } else {
            maintenance(order.on());
        }
    }

    @Override
    public void statusShare(NodeId from, Messages.StatusShare share) {
        if (view != null && from.equals(view.coordinator()) && share.view().equals(view.id())) {
            shared = share;
        } else if (view == null || !share.view().equals(view.id())) {
            earlyShare = share; // for a view this member installs next, perhaps
            earlyShareFrom = from;
        }
    }

    /** The whole-cluster picture the coordinator of this member's current view last shared, if any. */
    Optional<Messages.StatusShare> sharedStatus() {
        Messages.StatusShare s = shared;
        return s != null && view != null && s.view().equals(view.id()) ? Optional.of(s) : Optional.empty();
    }

    @Override
    public void configRequest(NodeId from, Messages.ConfigRequest request) {
        if (view != null && from.equals(view.coordinator())) {
            port.send(from, new Messages.ConfigInstall(live.get()));
        }
    }

    /**
     * Takes {@code next}: keeps it for the next start, holds it (the reports say so at once, flagged
     * as being applied), tells the coordinator half, and applies it to the local resources; reports
     * again once applied. A held version changed apart from {@code next} is reported as discarded.
     * A change of the node list that the store cannot keep is not taken; if {@code retryIfRefused}
     * (a version another node made), it is tried again every {@link #RETAKE}.
     */
    private void take(VersionedConfig next, NodeId from, boolean retryIfRefused) {
        VersionedConfig previous = live.get();
        if (!next.contains(previous)) {
            String detail = "configuration " + previous + " held by " + self + " was changed apart from " + next
                    + ", which replaces it: the changes only " + previous + " had are dropped";
            LOG.warn(detail);
            port.event(
                    new EventData.ConfigDiscarded(previous.version(), previous.hash(), next.version(), next.hash()),
                    "version " + previous.version(),
                    detail);
            port.configDiscarded(previous, next);
        }
        boolean nodesChange = !next.config().nodes().equals(previous.config().nodes())
                || !next.config().previousNodes().equals(previous.config().previousNodes())
                || !next.config().addresses().equals(previous.config().addresses());
        if (!port.storeConfig(next) && nodesChange) {
            // A node that forgot a change of the node list could start again with the old list and
            // count votes by it: it does not take the change until it can keep it.
            if (!retryIfRefused) {
                // A version this node made (a proposal it coordinates, a commit) is not tried again:
                // the proposer was told it failed, and a commit is made again at the next report.
                LOG.error(
                        "{} does not take {}: it changes the node list and could not be kept for the next start",
                        self,
                        next);
                return;
            }
            if (!next.equals(refusedToTake)) {
                LOG.error(
                        "{} does not take {} from {}: it changes the node list and could not be kept for the"
                                + " next start; it tries again every {} ms until its store keeps it",
                        self,
                        next,
                        from,
                        RETAKE.toMillis());
            }
            // Tried again by this node: the coordinator sends a version again only on a report, and
            // a coordinator that asked a member for it would not ask again. One retry at a time.
            refusedToTake = next;
            refusedFrom = from;
            if (!retakeScheduled) {
                retakeScheduled = true;
                port.schedule(this::retake, RETAKE);
            }
            return;
        }
        live.set(next);
        applying++;
        if (nodesChange) {
            port.nodesChanged(previous.config(), next.config());
            checkLease(); // a carried lease ends with the node list it was carried under
        }
        port.event(
                new EventData.ConfigInstalled(next.version(), next.hash(), from),
                "version " + next.version(),
                self + " takes configuration " + next + (from.equals(self) ? "" : " from " + from));
        sendReport();
        apply(next);
        coordinator.configChanged(next);
    }

    /** Takes the version its store refused again, unless a version as new was taken meanwhile. */
    private void retake() {
        retakeScheduled = false;
        VersionedConfig refused = refusedToTake;
        if (refused == null || live.get().version() >= refused.version()) {
            refusedToTake = null;
            return;
        }
        take(refused, refusedFrom, true);
        if (refusedToTake != null && refusedToTake.equals(live.get())) {
            refusedToTake = null;
        }
    }

    private void apply(VersionedConfig next) {
        Callbacks.whenDone(
                resources.reconfigure(
                        next.config(),
                        () -> maintenance
                                || clusterMaintenance.on()
                                || next.config().maintenanceMode()),
                (change, error) -> {
                    if (error != null || !change.blocked().isEmpty()) {
                        String detail = self + " cannot apply configuration " + next + ": "
                                + (error != null ? error.toString() : "the stop of " + change.blocked() + " failed")
                                + "; it stays unmanaged and holds every start in the"
                                + " cluster until it can (clean them up once the cause is fixed); trying again in "
                                + RECONFIGURE_RETRY.toSeconds() + " s";
                        LOG.error(detail);
                        port.event(
                                new EventData.ConfigApplied(next.version(), List.of(), List.of(), List.of(), List.of()),
                                "version " + next.version(),
                                detail);
                        port.schedule(
                                () -> {
                                    if (live.get().equals(next)) {
                                        apply(next);
                                    } else { // a newer version replaced it, and applies after it
                                        applying--;
                                        sendReport();
                                    }
                                },
                                RECONFIGURE_RETRY);
                        sendReport();
                        return;
                    }
                    applying--;
                    port.event(
                            new EventData.ConfigApplied(
                                    next.version(),
                                    change.added(),
                                    change.removed(),
                                    change.restarted(),
                                    change.reloaded()),
                            "version " + next.version(),
                            self + " applied configuration " + next + ": added " + change.added() + ", removed "
                                    + change.removed() + ", restarted " + change.restarted() + ", reloaded "
                                    + change.reloaded());
                    sendReport();
                    retryDeferred(); // a plan that waited for the configuration to be applied
                },
                LOG,
                "applying configuration " + next);
    }

    @Override
    public void leaveGranted(NodeId from, LeaveGranted granted) {
        if (leaving) {
            port.leaveGranted();
        }
    }

    @Override
    public void execute(NodeId from, Execute x) {
        onExecute(from, x);
    }

    private void onExecute(NodeId from, Execute x) {
        boolean fromCoordinator = view != null && x.plan().view().equals(view.id()) && from.equals(view.coordinator());
        if (fromCoordinator && (demoted || !port.fresh())) {
            refuse(
                    x,
                    "refusing " + x.plan() + ": this node stalled for "
                            + port.stalledFor().toMillis() + " ms and is stopping its resources");
        } else if (fromCoordinator && !x.configHash().equals(live.get().hash())) {
            refuse(
                    x,
                    "refusing " + x.plan() + ": it was made from configuration hash " + x.configHash()
                            + " but this node" + " holds " + live.get());
        } else if (fromCoordinator && applying > 0) {
            // Still applying the configuration the plan was made from: run it once applied.
            deferred = new Deferred(from, x, null);
        } else if (fromCoordinator && port.quorum() == Quorum.UNDECIDED) {
            // The tie-break is still being decided here: run or refuse once it is.
            deferred = new Deferred(from, x, null);
        } else if (fromCoordinator && port.quorum() == Quorum.NOT_QUORATE) {
            refuse(x, "refusing " + x.plan() + ": this node's partition has no quorum (" + port.quorumText() + ")");
        } else if (fromCoordinator && !leaseHeld()) {
            // Quorate, but this member has not heard from enough of the view lately: wait until it
            // has (a new view's first lease round), or until the view changes.
            deferred = new Deferred(from, x, null);
        } else if (fromCoordinator) {
            resources.execute(
                    x.actions(),
                    () -> view.id().equals(x.plan().view())
                            && !demoted
                            && port.fresh()
                            && leaseHeld()
                            && applying == 0
                            && x.configHash().equals(live.get().hash()),
                    () -> {
                        lastCompleted = x.plan();
                        sendReport();
                    });
        } else if (view == null || x.plan().view().sequence() > view.id().sequence()) {
            // Planned in a view this member has not installed yet: keep it until the view arrives.
            deferred = new Deferred(from, x, null);
        } else {
            String detail = "refusing " + x.plan() + " from " + from + ": this node is in "
                    + (view == null ? "no view" : "view " + view.id() + " coordinated by " + view.coordinator());
            LOG.warn("{}: {}", self, detail);
            port.event(
                    new EventData.ActionRefused(planRef(x), Optional.empty(), detail),
                    x.plan().toString(),
                    detail);
        }
    }

    private static Optional<EventData.PlanRef> planRef(Execute x) {
        return Optional.of(new EventData.PlanRef(x.plan().view(), x.plan().sequence()));
    }

    /** Refuses a plan of the coordinator, reporting it finished so that its transition ends. */
    private void refuse(Execute x, String detail) {
        LOG.warn("{}: {}", self, detail);
        port.event(
                new EventData.ActionRefused(planRef(x), Optional.empty(), detail),
                x.plan().toString(),
                detail);
        lastCompleted = x.plan();
        sendReport();
    }

    /**
     * This member stalled for {@code gap}, longer than its safe bound: the others may have declared
     * it dead and started its resources. It stops them all before anything else, then reports, and
     * the coordinator plans again from the facts.
     */
    void paused(Duration gap, Duration bound) {
        String detail = "stalled for " + gap.toMillis() + " ms, longer than the safe bound of " + bound.toMillis()
                + " ms; stopping every local resource";
        LOG.error("{}: {}", self, detail);
        port.event(new EventData.PauseDetected(gap, bound), self.value(), detail);
        if (demoted) {
            return;
        }
        demoted = true;
        Callbacks.whenDone(
                resources.stopAll("node " + self + " " + detail, true),
                (v, e) -> {
                    demoted = false;
                    sendReport();
                },
                LOG,
                "stopping every resource of " + self);
    }

    /** This member hands over and leaves: the coordinator moves its groups away, then grants the leave. */
    void leave() {
        leaving = true;
        LOG.info("{} is shutting down; handing its resources over", self);
        sendReport();
    }

    /** Puts this member in standby or takes it out. */
    void standby(boolean on) {
        if (standby != on) {
            standby = on;
            LOG.info("{} {} standby", self, on ? "enters" : "leaves");
            sendReport();
        }
    }

    /** Puts this member in maintenance or takes it out. */
    void maintenance(boolean on) {
        if (maintenance != on) {
            maintenance = on;
            LOG.info("{} {} maintenance", self, on ? "enters" : "leaves");
            sendReport();
        }
    }

    /** An operator's order: handled here, and sent to every other member of the view. */
    /** Sends {@code message} to {@code member}. */
    void send(NodeId member, Message message) {
        port.send(member, message);
    }

    void broadcast(Message order) {
        handle(self, order);
        if (view != null) {
            view.members().stream().filter(m -> !m.equals(self)).forEach(m -> port.send(m, order));
        }
    }

    /**
     * Pacemaker's cleanup of {@code resource} (every resource if null) on every member of the view.
     *
     * @return the members it was sent to: this member alone outside a view
     */
    List<NodeId> cleanupEverywhere(ResourceId resource) {
        if (view == null) {
            LOG.warn("{}: cleanup requested outside a view; cleaning up locally only", self);
            handle(self, new Cleanup(resource));
            return List.of(self);
        }
        for (NodeId member : view.members()) {
            port.send(member, new Cleanup(resource));
        }
        return view.members();
    }

    /** This member's report for a probe of {@code viewId}. */
    NodeReport report(ViewId viewId) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        if (leaving) {
            flags.add(Flag.LEAVING);
        }
        if (standby) {
            flags.add(Flag.STANDBY);
        }
        if (maintenance) {
            flags.add(Flag.MAINTENANCE);
        }
        if (port.quorum() == Quorum.QUORATE) {
            flags.add(Flag.QUORATE);
        }
        if (applying > 0) {
            flags.add(Flag.RECONFIGURING);
        }
        if (!port.keepsConfig()) {
            flags.add(Flag.VOLATILE_CONFIG);
        }
        VersionedConfig held = live.get();
        return new NodeReport(
                viewId,
                held.hash(),
                held.version(),
                flags,
                lastCompleted,
                resources.activeStates(),
                resources.failures(),
                List.copyOf(moves.values()),
                clusterMaintenance,
                grantAges(),
                Duration.ofNanos(port.nanoTime() - startedAt).toMillis());
    }

    /** Reports to the coordinator of the current view, if any. */
    void sendReport() {
        if (view != null) {
            port.send(view.coordinator(), report(view.id()));
        }
    }

    /** The states of this member's resources and its status. */
    NodeInfo ownInfo() {
        NodeStatus status = NodeStatus.of(leaving, maintenance, standby, port.quorum() != Quorum.NOT_QUORATE);
        return new NodeInfo(self, status, resources.activeStates(), resources.failures());
    }
}
