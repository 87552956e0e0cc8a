package io.hastack.core.runtime;

import io.hastack.core.internal.Callbacks;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.Messages.ConfigInstall;
import io.hastack.core.runtime.Messages.ConfigRequest;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.LeaveGranted;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.Fence;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.Plan;
import io.hastack.core.spi.plan.Planner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's half of a node: active while this node is the first member of the view. After
 * every view change it probes every member, then plans from their reports, sends each node its
 * actions, waits until every node has finished (a transition) and plans again, until the plan is
 * empty. Confined to the node's event thread (or, for a {@link CoordinatorRehearsal}, to the
 * thread that rehearses).
 *
 * <p>Only one transition runs at a time, so an action is never sent twice: reports that arrive
 * during a transition update the state, and the next plan sees them.
 */
final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    /** How the coordinator reaches the cluster. Called on the coordinator's thread. */
    interface Port {
        /** Sends {@code message} to {@code node} (possibly this node). */
        void send(NodeId node, Message message);

        /** Records an event. */
        void event(EventData data, String subject, String detail);

        /** Runs {@code task} on the event thread after {@code delay}. */
        void schedule(Runnable task, Duration delay);

        /**
         * Fences {@code node} with the cluster's fence device (off the event thread); completes on
         * the event thread. Empty if the cluster has no fence device.
         */
        Optional<CompletableFuture<FenceResult>> fence(NodeId node);

        /** True if the cluster has a fence device (the planner then fences a node whose stop failed). */
        boolean canFence();

        /**
         * Gives every start in {@code actions} a fresh fencing epoch (off the event thread, since the
         * quorum device may block); completes on the event thread, exceptionally if the device fails.
         */
        CompletableFuture<List<Action>> stampEpochs(List<Action> actions);

        /**
         * A plan (the first after a quorum decision: the view's first, unless the view was
         * evaluated again) is not sent at once, or another node's lease may still run: epochs taken
         * ahead of it, with a tie claim or for a majority as the view arrived, are dropped (a node
         * that still holds its lease may take later ones meanwhile; a later plan takes fresh ones).
         * By default, none to drop.
         */
        default void dropClaimedEpochs() {}

        /** The monotonic clock, in nanoseconds. */
        long nanoTime();

        /** True if this node holds its membership lease: a coordinator plans only while it does. */
        boolean leaseHeld();
    }

    /** How long to wait before fencing a node again after a failed attempt. */
    static final Duration FENCE_RETRY = Duration.ofSeconds(5);

    /** How long to wait before planning again after the epochs of a plan could not be obtained. */
    static final Duration EPOCH_RETRY = Duration.ofSeconds(1);

    /** How often, at most, the coordinator sends its configuration to a member whose reports still differ. */
    static final Duration CONFIG_RESEND = Duration.ofSeconds(1);

    /** How long to wait for probe answers before asking the silent members again. */
    static final Duration PROBE_RETRY = Duration.ofMillis(500);

    private final NodeId self;
    private final LiveConfig live;
    private final Planner planner;
    private final Clock clock;
    private final Port port;
    /** Where it logs: the class's logger, or none for a rehearsal ({@link CoordinatorRehearsal}). */
    private final Logger log;

    /** What is known of the cluster, across views; builds the snapshot. */
    private final ClusterState state;
    /** The current view's state; replaced on every view, null before the first. */
    private Round round;

    private View view;
    private long planSequence;
    private List<String> notes = List.of();
    /** Members fenced by this coordinator (kept while they stay in the view) and being fenced. */
    private final Set<NodeId> fenced = new HashSet<>();

    private final Set<NodeId> fencing = new HashSet<>();
    /** When a re-plan is already scheduled for (a failure expires, a move lapses). */
    private Instant recheckScheduled;
    /** The leases of nodes outside the view that starts wait for, and confirmed deaths. */
    private final Takeover takeover;
    /** The monotonic time a re-plan is scheduled for, when the last awaited lease expires. */
    private long takeoverRecheck;
    /** The nodes the last takeover wait was announced for. */
    private Set<NodeId> takeoverNodes = Set.of();
    /** A re-plan already scheduled within this of a new deadline serves it (it plans again anyway). */
    private static final Duration TAKEOVER_RECHECK_SLACK = Duration.ofMillis(20);
    /** Departed nodes being fenced before their groups start elsewhere. */
    private final Set<NodeId> fencingDeparted = new HashSet<>();

    /** What a coordinator keeps for one view only: the probe round, the transition, quorum. */
    private static final class Round {
        final Set<NodeId> probed = new HashSet<>();
        final Set<NodeId> mismatchReported = new HashSet<>();
        final Set<NodeId> granted = new HashSet<>();
        final Set<NodeId> pending = new HashSet<>();
        /**
         * When (monotonic nanos) this coordinator last sent its configuration to each member, or
         * asked it for its newer one: sent again at most every {@link #CONFIG_RESEND} while the
         * member's reports still differ (a member that had not installed the view yet drops it).
         */
        final Map<NodeId, Long> configSent = new HashMap<>();

        /** The newer versions asked for, as "member@version". */
        final Set<String> configRequested = new HashSet<>();

        PlanId transition;
        boolean converged;
        /** False until the node has decided quorum for this view. */
        boolean quorate;
    }

    Coordinator(NodeId self, LiveConfig live, Planner planner, Clock clock, Duration leaseTime, Port port) {
        this(self, live, planner, clock, leaseTime, port, LOG);
    }

    /** A coordinator that logs to {@code log}. */
    Coordinator(NodeId self, LiveConfig live, Planner planner, Clock clock, Duration leaseTime, Port port, Logger log) {
        this.log = log;
        this.self = self;
        this.live = live;
        this.planner = planner;
        this.clock = clock;
        this.port = port;
        this.state = new ClusterState(live);
        this.takeover = new Takeover(live.config().nodes(), leaseTime, Takeover.margin(leaseTime));
        takeover.nodes(live.config().nodes(), live.config().previousNodes());
    }

    /** True if this node coordinates the current view. */
    boolean active() {
        return view != null && view.coordinator().equals(self);
    }

    /** A new view: forget the old transition and, if this node coordinates, probe every member. */
    void viewChanged(View newView) {
        boolean wasCoordinating = active();
        state.viewChanged(
                newView,
                wasCoordinating,
                !wasCoordinating && newView.coordinator().equals(self));
        this.view = newView;
        this.round = new Round();
        takeoverRecheck = 0; // a re-plan scheduled in the old view may have been dropped
        takeover.viewInstalled(newView, port.nanoTime());
        fenced.retainAll(newView.members());
        fencing.retainAll(newView.members());
        if (!active()) {
            return;
        }
        log.info(
                "{} coordinates {}; probing {} member(s)",
                self,
                newView,
                newView.members().size());
        probe(newView);
    }

    /** Probes every member of {@code probing} that has not answered yet, while it is the view. */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code probing} still the current view?
    private void probe(View probing) {
        if (view != probing || !active() || allProbed()) {
            return;
        }
        for (NodeId member : probing.members()) {
            if (!round.probed.contains(member) && !fenced.contains(member)) {
                port.send(member, new Probe(probing.id()));
            }
        }
        port.schedule(() -> probe(probing), PROBE_RETRY);
    }

    /**
     * This node decided its partition's quorum for the current view. A coordinator plans only while
     * quorate; it plans next when a report arrives (the node sends its own, with the new quorum).
     */
    void quorumChanged(boolean nowQuorate) {
        if (round != null) {
            round.quorate = nowQuorate;
        }
    }

    /** A member reported its state. */
    void reportReceived(NodeId from, NodeReport report) {
        if (!active() || !view.contains(from)) {
            return;
        }
        state.report(from, report);
        takeover.grantAges(report.grantAges(), port.nanoTime());
        takeover.uptime(from, report.uptimeMillis(), port.nanoTime());
        if (report.view().equals(view.id())
                && round.probed.add(from)
                && round.probed.size() == view.members().size()) {
            port.event(
                    new EventData.ProbeComplete(view.id()),
                    view.id().toString(),
                    "every member of " + view + " has reported");
        }
        reconcileConfig(from, report);
        if (round.transition != null && round.transition.equals(report.completedPlan())) {
            round.pending.remove(from);
        }
        maybePlan();
    }

    /**
     * Compares a member's configuration version with this node's: an older one (or the same
     * version changed apart) gets this node's; a newer one is asked for, and the whole view takes
     * it (see {@code docs/design/replicated-config.md}). A member outside the node list is reported.
     */
    private void reconcileConfig(NodeId from, NodeReport report) {
        VersionedConfig mine = live.get();
        if (!mine.config().nodes().contains(from)) {
            if (round.mismatchReported.add(from)) {
                String detail = from + " is not in the configured node list "
                        + mine.config().nodes() + ": it has no vote and is not managed";
                log.error(detail);
                port.event(new EventData.ConfigMismatch(from, Optional.empty()), from.value(), detail);
            }
            return;
        }
        if (report.configVersion() == mine.version() && report.configHash().equals(mine.hash())) {
            return;
        }
        long now = port.nanoTime();
        Long last = round.configSent.get(from);
        if (last != null && now - last < CONFIG_RESEND.toNanos()) {
            return;
        }
        round.configSent.put(from, now);
        if (report.configVersion() > mine.version()) {
            round.configRequested.add(from + "@" + report.configVersion());
            log.info(
                    "{} holds configuration version {}, newer than {}'s {}; asking for it",
                    from,
                    report.configVersion(),
                    self,
                    mine);
            port.send(from, new ConfigRequest(report.configVersion()));
            return;
        }
        String detail = from + " holds configuration version " + report.configVersion() + " (hash "
                + report.configHash() + "); sending it " + mine + ": it is not managed until it has taken it";
        if (round.mismatchReported.add(from)) {
            log.info(detail);
            port.event(new EventData.ConfigMismatch(from, Optional.of(report.configHash())), from.value(), detail);
        }
        port.send(from, new ConfigInstall(mine));
    }

    /** The last report of {@code member} in this view, if one arrived. */
    Optional<NodeReport> report(NodeId member) {
        return Optional.ofNullable(state.reports().get(member));
    }

    /**
     * True if {@code from} was asked for {@code version} in this view: only a version asked for is
     * taken from a member.
     */
    boolean requested(NodeId from, long version) {
        return active() && round.configRequested.contains(from + "@" + version);
    }

    /**
     * Why the configuration cannot change now, or empty: every member must have answered the
     * probe and hold this node's version, so that a change is made on the newest version.
     */
    Optional<String> changeBlocked() {
        if (!active()) {
            return Optional.of(self + " does not coordinate");
        }
        if (!allProbed()) {
            return Optional.of("not every member of " + view + " has reported yet; try again in a moment");
        }
        VersionedConfig mine = live.get();
        for (NodeId member : view.members()) {
            NodeReport r = state.reports().get(member);
            if (r != null && mine.config().nodes().contains(member) && r.configVersion() > mine.version()) {
                return Optional.of(member + " holds a newer configuration (version " + r.configVersion()
                        + ") that the coordinator is taking; try again in a moment");
            }
        }
        List<NodeId> transitioning = configTransitioning();
        if (!transitioning.isEmpty()) {
            return Optional.of(transitioning + " still take " + mine + "; try again in a moment");
        }
        return Optional.empty();
    }

    /**
     * This node took configuration {@code next}: while coordinating, it sends it to every other
     * member and plans with it (starting nothing until every member has taken it).
     */
    void configChanged(VersionedConfig next) {
        takeover.nodes(next.config().nodes(), next.config().previousNodes());
        if (!active()) {
            return;
        }
        long now = port.nanoTime();
        for (NodeId member : view.members()) {
            if (!member.equals(self)) {
                round.configSent.put(member, now);
                port.send(member, new ConfigInstall(next));
            }
        }
        maybePlan();
    }

    /** True if {@code node}'s death is confirmed (and the confirmation still holds). */
    boolean deathConfirmed(NodeId node) {
        return takeover.confirmation(node).isPresent();
    }

    /**
     * {@code node}'s death is confirmed ({@code evidence}): what it ran may start elsewhere without
     * waiting for its lease.
     */
    void deathConfirmed(NodeId node, String evidence) {
        takeover.confirmed(node, evidence, port.nanoTime());
        if (active() && round != null) {
            maybePlan();
        }
    }

    private void maybePlan() {
        if (!round.quorate || !allProbed() || !port.leaseHeld()) {
            return;
        }
        NodeReport own = state.reports().get(self);
        if (own == null || !own.quorate()) {
            // Its own report from before the quorum was decided may arrive after the decision: it
            // would make this node look ineligible. The report with the new quorum is on its way.
            return;
        }
        if (round.transition != null) {
            if (!round.pending.isEmpty()) {
                return;
            }
            round.transition = null;
        }
        VersionedConfig planConfig = live.get();
        ClusterSnapshot snapshot = snapshot();
        Instant now = clock.instant();
        // The planner's own time, by the real monotonic clock (not the port's, which tests drive).
        long planStart = System.nanoTime();
        Plan planned = planner.plan(snapshot, now);
        Duration took = Duration.ofNanos(System.nanoTime() - planStart);
        Map<NodeId, Long> waiting = takeover.pending(port.nanoTime());
        boolean held = !waiting.isEmpty() && planned.actions().stream().anyMatch(a -> a.type() == ActionType.START);
        Plan plan = held ? holdStarts(planned, waiting) : planned;
        List<NodeId> transitioning = configTransitioning();
        boolean configHeld =
                !transitioning.isEmpty() && plan.actions().stream().anyMatch(a -> a.type() == ActionType.START);
        if (!waiting.isEmpty() || configHeld || plan.actions().isEmpty()) {
            // Epochs taken ahead (with a tie claim, or for a majority) serve only a first plan sent at once, with no
            // lease of another node still running: such a node could take later ones meanwhile.
            port.dropClaimedEpochs();
        }
        if (configHeld) {
            plan = withoutStarts(
                    plan,
                    "holding every start until " + transitioning + " "
                            + (transitioning.size() == 1 ? "has" : "have") + " taken configuration version "
                            + live.get().version() + " and probed its resources");
            held = true;
        }
        plan.recheckAt().ifPresent(this::scheduleRecheck);
        for (Fence f : plan.fences()) {
            port.event(
                    new EventData.PlanComputed(view.id(), List.of(f), List.of(), plan.notes(), took),
                    view.id().toString(),
                    f.describe());
            fence(f.node(), f.reason());
        }
        if (!plan.notes().equals(notes)) {
            plan.notes().forEach(n -> log.info("planner note: {}", n));
        }
        notes = plan.notes();
        if (plan.actions().isEmpty() && (!plan.fences().isEmpty() || held)) {
            round.converged = false;
            return; // only fencing or waiting to do: its outcome triggers the next plan
        }
        if (plan.isEmpty()) {
            if (!round.converged) {
                round.converged = true;
                port.event(
                        new EventData.Converged(view.id(), plan.notes(), took),
                        view.id().toString(),
                        plan.summary().strip());
                announcePlacement();
            }
            grantLeaves();
            return;
        }
        round.converged = false;
        PlanId id = new PlanId(view.id(), ++planSequence);
        round.transition = id;
        round.pending.addAll(plan.nodes());
        Plan toSend = plan;
        CompletableFuture<?> unused = port.stampEpochs(plan.actions()).whenComplete((stamped, error) -> {
            try {
                send(id, toSend, stamped, error, planConfig, took);
            } catch (RuntimeException e) {
                // whenComplete would swallow it and leave the transition waiting forever.
                log.error("{}: sending {} failed; planning again", self, id, e);
                if (id.equals(round.transition)) {
                    abandon(id);
                }
            }
        });
    }

    /**
     * {@code planned} without its starts, which wait until the leases of the {@code waiting} nodes
     * (removed on suspicion) have surely expired or their deaths are confirmed (fenced, when the
     * cluster has a fence device). Plans again when the last lease has expired.
     */
    private Plan holdStarts(Plan planned, Map<NodeId, Long> waiting) {
        long now = port.nanoTime();
        long until = waiting.values().stream().mapToLong(Long::longValue).max().orElse(now);
        Duration wait = Duration.ofNanos(Math.max(0, until - now));
        List<NodeId> departed =
                waiting.keySet().stream().filter(n -> !view.contains(n)).toList();
        List<NodeId> restartedMembers =
                waiting.keySet().stream().filter(view::contains).toList();
        String note = "holding every start for " + wait.toMillis() + " ms, until "
                + (departed.isEmpty()
                        ? ""
                        : "the membership lease of " + departed + " (removed on suspicion) has surely expired"
                                + (port.canFence() ? ", or it is fenced" : ""))
                + (departed.isEmpty() || restartedMembers.isEmpty() ? "" : ", and ")
                + (restartedMembers.isEmpty()
                        ? ""
                        : "leases that " + restartedMembers
                                + " may have granted before they (re)started have surely expired");
        if (!waiting.keySet().equals(takeoverNodes)) {
            takeoverNodes = Set.copyOf(waiting.keySet());
            if (departed.isEmpty()) {
                log.info("{}: {}", self, note); // expected after a (re)start
            } else {
                log.warn("{}: {}", self, note);
            }
            port.event(
                    new EventData.TakeoverWait(view.id(), List.copyOf(waiting.keySet()), wait),
                    view.id().toString(),
                    note);
        }
        // Plan again at the deadline: for a later deadline always; for an earlier one unless the
        // re-plan already scheduled comes soon after (it holds the starts again until then).
        if (until - takeoverRecheck > 0 || takeoverRecheck - until > TAKEOVER_RECHECK_SLACK.toNanos()) {
            takeoverRecheck = until;
            port.schedule(
                    () -> {
                        if (active() && round != null) {
                            maybePlan();
                        }
                    },
                    wait.plusMillis(1));
        }
        if (port.canFence()) {
            departed.forEach(this::fenceDeparted);
        }
        return withoutStarts(planned, note);
    }

    /**
     * The members (in the node list, not fenced) that hold another configuration version than this
     * node, or still apply theirs: until they have probed the resources of this version, what runs
     * there is not known, so nothing may start anywhere.
     */
    private List<NodeId> configTransitioning() {
        VersionedConfig mine = live.get();
        List<NodeId> out = new ArrayList<>();
        for (NodeId member : view.members()) {
            NodeReport r = state.reports().get(member);
            if (r != null
                    && !fenced.contains(member)
                    && mine.config().nodes().contains(member)
                    && (r.reconfiguring() || !r.configHash().equals(mine.hash()))) {
                out.add(member);
            }
        }
        return out;
    }

    private static Plan withoutStarts(Plan planned, String note) {
        List<Action> rest = planned.actions().stream()
                .filter(a -> a.type() != ActionType.START)
                .toList();
        List<String> notes = new ArrayList<>(planned.notes());
        notes.add(note);
        return new Plan(planned.viewId(), planned.fences(), rest, notes, planned.scores(), planned.recheckAt());
    }

    /**
     * Fences {@code node}, removed from the view on suspicion, so that its groups can start
     * elsewhere before its lease expires (Pacemaker fences a node it lost before recovering its
     * resources). A confirmed fence is a confirmed death.
     */
    private void fenceDeparted(NodeId node) {
        if (!fencingDeparted.add(node)) {
            return;
        }
        Optional<CompletableFuture<FenceResult>> attempt = port.fence(node);
        if (attempt.isEmpty()) {
            fencingDeparted.remove(node);
            return;
        }
        log.warn("{} fences {}: it was removed from the view on suspicion and may still run resources", self, node);
        Callbacks.whenDone(
                attempt.get(),
                (result, error) -> {
                    fencingDeparted.remove(node);
                    if (error == null && result.confirmed()) {
                        port.event(new EventData.NodeFenced(node, result.message()), node.value(), result.message());
                        deathConfirmed(node, "fenced: " + result.message());
                    } else {
                        String failure = error != null ? error.toString() : result.message();
                        log.error("{}: fencing {} failed: {}; waiting for its lease instead", self, node, failure);
                        port.event(new EventData.FenceFailed(node, failure), node.value(), failure);
                    }
                },
                log,
                "fencing " + node);
    }

    /** Gives up transition {@code id} before anything was sent, and plans again a little later in its view. */
    private void abandon(PlanId id) {
        round.transition = null;
        round.pending.clear();
        port.schedule(
                () -> {
                    if (view != null && view.id().equals(id.view())) {
                        maybePlan();
                    }
                },
                EPOCH_RETRY);
    }

    /** Sends each node its stamped actions of plan {@code id}, unless the view moved on or stamping failed. */
    @SuppressWarnings("ReferenceEquality") // identity: is the configuration still the one planned with?
    private void send(
            PlanId id, Plan plan, List<Action> stamped, Throwable error, VersionedConfig planConfig, Duration took) {
        if (!id.equals(round.transition)) {
            return; // the view changed meanwhile; the new one re-plans
        }
        if (live.get() != planConfig) {
            log.info("{}: dropping {}: the configuration changed to {} while it was made", self, id, live.get());
            abandon(id);
            return;
        }
        if (error != null) {
            String note = "cannot obtain fencing epochs, starting nothing: " + error.getMessage();
            log.warn("{}: {}", self, note);
            notes = List.of(note);
            abandon(id);
            return;
        }
        Plan sent = new Plan(plan.viewId(), stamped, plan.notes());
        log.info("{} {}:\n{}", self, id, sent.summary());
        port.event(
                new EventData.PlanComputed(id.view(), List.of(), stamped, plan.notes(), took),
                id.toString(),
                sent.summary().strip());
        for (NodeId node : sent.nodes()) {
            port.send(node, new Execute(id, sent.actionsFor(node), planConfig.hash()));
        }
    }

    /** Every member has answered the probe, or was fenced (a fenced node may never answer). */
    private boolean allProbed() {
        return view.members().stream().allMatch(m -> round.probed.contains(m) || fenced.contains(m));
    }

    /**
     * Carries out the planner's decision to fence {@code node} (a failed operation with
     * on-fail=fence, or a blocked stop). That may be the coordinator itself: it then goes down (as
     * with SBD's self-fencing) and the others re-plan.
     */
    private void fence(NodeId node, String why) {
        if (fenced.contains(node) || !fencing.add(node)) {
            return;
        }
        View fencingView = view;
        Optional<CompletableFuture<FenceResult>> attempt = port.fence(node);
        if (attempt.isEmpty()) {
            return; // no fence device: the group stays blocked, and the plan notes say why
        }
        log.warn("{} fences {}: {}", self, node, why);
        Callbacks.whenDone(
                attempt.get(), (result, error) -> onFenced(node, fencingView, result, error), log, "fencing " + node);
    }

    @SuppressWarnings("ReferenceEquality") // identity: is this still the view the fence was started in?
    private void onFenced(NodeId node, View fencingView, FenceResult result, Throwable error) {
        if (view != fencingView) {
            return;
        }
        if (error == null && result.confirmed()) {
            fencing.remove(node);
            fenced.add(node);
            round.pending.remove(node);
            port.event(new EventData.NodeFenced(node, result.message()), node.value(), result.message());
            maybePlan();
        } else {
            String failure = error != null ? error.toString() : result.message();
            log.error("{}: fencing {} failed: {}", self, node, failure);
            port.event(new EventData.FenceFailed(node, failure), node.value(), failure);
            port.schedule(
                    () -> {
                        fencing.remove(node);
                        if (view == fencingView && active()) {
                            maybePlan(); // the planner decides again, and fences again if it still must
                        }
                    },
                    FENCE_RETRY);
        }
    }

    /** Tells every member what is active where, so that a successor knows it (reasons only). */
    private void announcePlacement() {
        Messages.Placement placement = state.announce(view.id());
        view.members().stream().filter(m -> !m.equals(self)).forEach(m -> port.send(m, placement));
    }

    /** Plans again at {@code at} (a failure expires or a move lapses), unless that is already arranged. */
    private void scheduleRecheck(Instant at) {
        Instant now = clock.instant();
        if (recheckScheduled != null && !recheckScheduled.isBefore(now) && !recheckScheduled.isAfter(at)) {
            return;
        }
        recheckScheduled = at;
        // A little after the instant, so that the planner sees it as past. Whatever the view is by
        // then: a recheck skipped above relies on this one, even across a view change.
        port.schedule(
                () -> {
                    if (at.equals(recheckScheduled)) {
                        recheckScheduled = null;
                    }
                    if (active()) {
                        maybePlan();
                    }
                },
                Duration.between(now, at).plusMillis(10));
    }

    private void grantLeaves() {
        state.reports().forEach((node, report) -> {
            boolean idle = report.states().values().stream().noneMatch(s -> s.isActive());
            if (report.leaving() && idle && round.granted.add(node)) {
                port.send(node, new LeaveGranted(view.id()));
            }
        });
    }

    /** What the coordinator knows of every member that has reported, in view order. */
    List<NodeInfo> nodes() {
        return view == null ? new ArrayList<>() : state.nodes(view, fenced);
    }

    /** The snapshot the coordinator would plan from now, once every member has answered its probe. */
    Optional<ClusterSnapshot> currentSnapshot() {
        return active() && allProbed() ? Optional.of(snapshot()) : Optional.empty();
    }

    /** True if this node coordinates and its latest plan was empty (nothing left to do). */
    boolean converged() {
        return active() && round.converged && round.transition == null;
    }

    /** The coordinator of some view says what is active where (see {@link Messages.Placement}). */
    void placementReceived(Messages.Placement placement) {
        state.placementReceived(placement);
    }

    /** The planner's latest notes. */
    List<String> notes() {
        return notes;
    }

    private ClusterSnapshot snapshot() {
        return state.snapshot(view, fenced, port.canFence());
    }
}
