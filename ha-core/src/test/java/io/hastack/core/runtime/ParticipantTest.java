package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.runtime.HaEvent.Type;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The node-side protocol on its own, on virtual time, without threads: deferred plans, refusals
 * after a pause and without quorum, the flags a member reports.
 */
@Tag("unit")
class ParticipantTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
    private final ClusterConfig config = ClusterConfig.builder()
            .nodes("n1", "n2", "n3")
            .group(ResourceGroup.of("g", ResourceSpec.builder("r", "test").build()))
            .build();
    private final ScriptedExecutor executor = new ScriptedExecutor();
    /** Every agent call, as "operation resource". */
    private final List<String> calls = executor.log;

    private final List<Message> sent = new ArrayList<>();
    private final List<NodeId> removedConfirmed = new ArrayList<>();
    private final List<java.util.Map.Entry<NodeId, Message>> sentTo = new ArrayList<>();
    private final List<HaEvent.Type> events = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private Quorum quorum = Quorum.UNDECIDED;
    private boolean fresh = true;
    /** If true, this node alone keeps its partition quorate (its lease needs no answers). */
    private boolean aloneSustains = true;

    private static final Duration LEASE = Duration.ofSeconds(1);
    /** The participant's configuration, which a test may move on. */
    private LiveConfig live;

    private final Participant participant = participant();

    private Participant participant() {
        Participant[] self = new Participant[1];
        live = LiveConfig.of(config);
        LocalResources resources = executor.local(N2, config, time, () -> self[0].sendReport());
        Coordinator coordinator =
                new Coordinator(N2, live, new DefaultPlanner(), time.clock(), LEASE, new Coordinator.Port() {
                    @Override
                    public void send(NodeId node, Message message) {}

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
                        return time.nanoTime();
                    }

                    @Override
                    public boolean leaseHeld() {
                        return self[0].leaseHeld();
                    }
                });
        self[0] = new Participant(N2, live, resources, coordinator, LEASE, new Participant.Port() {
            @Override
            public void send(NodeId to, Message message) {
                sent.add(message);
                sentTo.add(java.util.Map.entry(to, message));
            }

            @Override
            public void event(EventData data, String subject, String detail) {
                Type type = data.type();
                events.add(type);
                details.add(detail);
            }

            @Override
            public Quorum quorum() {
                return quorum;
            }

            @Override
            public String quorumText() {
                return "test quorum";
            }

            @Override
            public boolean fresh() {
                return fresh;
            }

            @Override
            public Duration stalledFor() {
                return fresh ? Duration.ofMillis(50) : Duration.ofSeconds(9);
            }

            @Override
            public void leaveGranted() {}

            @Override
            public long nanoTime() {
                return time.nanoTime();
            }

            @Override
            public void schedule(Runnable task, Duration delay) {
                time.at(delay.toNanos(), task);
            }

            @Override
            public void removeConfirmed(NodeId node) {
                removedConfirmed.add(node);
            }

            @Override
            public boolean sustains(Set<NodeId> members) {
                // Two of the three configured nodes are a majority; with aloneSustains, this node alone is enough.
                return quorum == Quorum.QUORATE && (aloneSustains || members.size() >= 2);
            }
        });
        return self[0];
    }

    private static View view(long sequence, NodeId... members) {
        return new View(new ViewId(members[0], sequence), List.of(members), false);
    }

    private Execute startPlan(ViewId view) {
        return new Execute(
                new PlanId(view, 1),
                List.of(new Action(ActionType.START, N2, GroupId.of("g"), ResourceId.of("r"), "test")),
                config.hash());
    }

    private void install(View v, Quorum now) {
        Quorum previous = quorum;
        quorum = now;
        participant.viewInstalled(v);
        participant.quorumDecided(v, previous, now, "test quorum");
        participant.retryDeferred();
        time.runFor(Duration.ofMillis(10));
    }

    private NodeReport lastReport() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof NodeReport r) {
                return r;
            }
        }
        throw new AssertionError("no report sent: " + sent);
    }

    @Test
    void aPictureSharedBeforeItsViewIsInstalledIsShownOnceItIs() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        View next = view(6, N1, N2);
        Messages.StatusShare early = new Messages.StatusShare(next.id(), 0, List.of(), List.of("from n1"));
        participant.statusShare(N1, early); // the coordinator installed view 6 first
        assertEquals(Optional.empty(), participant.sharedStatus(), "not this member's view yet");
        install(next, Quorum.QUORATE);
        assertEquals(Optional.of(early), participant.sharedStatus(), "the coordinator does not send it again");

        View seventh = new View(new ViewId(N3, 7), List.of(N2, N3), false); // coordinated by n2
        participant.statusShare(N3, new Messages.StatusShare(seventh.id(), 0, List.of(), List.of()));
        install(seventh, Quorum.QUORATE);
        assertEquals(Optional.empty(), participant.sharedStatus());
    }

    @Test
    void aPlanForAViewNotInstalledYetWaitsForIt() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        View next = view(6, N1, N2);
        participant.handle(N1, startPlan(next.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(), calls, "must wait for view 6");
        install(next, Quorum.QUORATE);
        assertEquals(List.of("start r"), calls);
        assertEquals(new PlanId(next.id(), 1), lastReport().completedPlan());
    }

    @Test
    void aPlanWaitsWhileQuorumIsBeingDecidedAndRunsOnceItIs() {
        View current = view(5, N1, N2, N3);
        install(current, Quorum.UNDECIDED);
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(), calls, "quorum undecided: the plan waits");
        quorum = Quorum.QUORATE;
        participant.quorumDecided(current, Quorum.UNDECIDED, quorum, "test quorum");
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start r"), calls);
    }

    @Test
    void aPlanIsRefusedAfterAPauseAndReportedFinished() {
        View current = view(5, N1, N2, N3);
        install(current, Quorum.QUORATE);
        fresh = false;
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(), calls);
        assertTrue(events.contains(Type.ACTION_REFUSED), events.toString());
        assertTrue(details.get(details.size() - 1).contains("this node stalled for 9000 ms"), details.toString());
        assertEquals(new PlanId(current.id(), 1), lastReport().completedPlan(), "so the coordinator's transition ends");
    }

    @Test
    void aPauseStopsEverythingHereBeforeAnythingElse() {
        View current = view(5, N1, N2, N3);
        install(current, Quorum.QUORATE);
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        participant.paused(Duration.ofSeconds(9), Duration.ofSeconds(3));
        assertTrue(events.contains(Type.PAUSE_DETECTED), events.toString());
        // A plan that arrives while the stop runs is refused, and reported finished.
        Execute during =
                new Execute(new PlanId(current.id(), 2), startPlan(current.id()).actions(), config.hash());
        participant.handle(N1, during);
        assertTrue(
                details.get(details.size() - 1).contains("refusing plan 2 of view n1#5: this node stalled"),
                details.toString());
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start r", "stop r"), calls);
        assertEquals(new PlanId(current.id(), 2), lastReport().completedPlan());
    }

    @Test
    void withoutQuorumAPlanIsRefusedAndStopPolicyStopsWhatRuns() {
        View current = view(5, N1, N2, N3);
        install(current, Quorum.QUORATE);
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        View alone = view(6, N2);
        install(alone, Quorum.NOT_QUORATE);
        assertTrue(events.contains(Type.QUORUM_LOST), events.toString());
        assertEquals(List.of("start r", "stop r"), calls, "no-quorum-policy=stop");
        participant.handle(N2, startPlan(alone.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start r", "stop r"), calls);
        assertTrue(details.get(details.size() - 1).contains("has no quorum (test quorum)"), details.toString());
        assertEquals(new PlanId(alone.id(), 1), lastReport().completedPlan(), "refused, and reported finished");
        assertTrue(!lastReport().quorate());
    }

    @Test
    void theFlagsItReportsFollowTheOrders() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        participant.standby(true);
        assertTrue(lastReport().standby() && lastReport().quorate());
        participant.maintenance(true);
        assertTrue(lastReport().maintenance());
        participant.standby(false);
        assertTrue(!lastReport().standby() && lastReport().maintenance());
        participant.leave();
        assertTrue(lastReport().leaving());
        assertEquals(
                io.hastack.core.spi.plan.NodeStatus.LEAVING,
                participant.ownInfo().status());
    }

    /** The lease requests this node sent to {@code to}, latest last. */
    private List<Messages.LeasePing> pingsTo(NodeId to) {
        return sentTo.stream()
                .filter(e -> e.getKey().equals(to) && e.getValue() instanceof Messages.LeasePing)
                .map(e -> (Messages.LeasePing) e.getValue())
                .toList();
    }

    private void answerLatestPing(NodeId from) {
        List<Messages.LeasePing> pings = pingsTo(from);
        Messages.LeasePing ping = pings.get(pings.size() - 1);
        participant.handle(from, new Messages.LeasePong(ping.view(), ping.sequence()));
    }

    @Test
    void aViewThatOnlyLostMembersGetsItsFirstLeaseRequestsOnScheduleIfTheLatestRoundHoldsTheLease() {
        aloneSustains = false;
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        answerLatestPing(N1);
        time.runFor(Duration.ofMillis(10));
        assertTrue(participant.leaseHeld());

        NodeId n4 = NodeId.of("n4");
        sent.clear();
        sentTo.clear();
        install(view(6, N1, N2, N3, n4), Quorum.QUORATE);
        assertTrue(!pingsTo(n4).isEmpty(), "a member joined: asks at once: " + sent);
        answerLatestPing(N1);
        time.runFor(LEASE.dividedBy(5)); // a regular round goes out, unanswered so far

        sent.clear();
        sentTo.clear();
        install(view(7, N1, N2, N3), Quorum.QUORATE);
        assertTrue(!pingsTo(N1).isEmpty(), "a round in flight is lost with the view: asks at once: " + sent);
        answerLatestPing(N1);
        time.runFor(Duration.ofMillis(10));

        View shrunk = view(8, N1, N2);
        sent.clear();
        sentTo.clear();
        install(shrunk, Quorum.QUORATE);
        assertTrue(pingsTo(N1).isEmpty(), "the latest round holds the lease: no requests at once: " + sent);
        assertTrue(participant.leaseHeld(), "still held by the answers heard before the view");
        time.runFor(LEASE.dividedBy(5));
        assertTrue(!pingsTo(N1).isEmpty(), "the next regular request is the view's first: " + sent);
        answerLatestPing(N1);
        time.runFor(Duration.ofMillis(10));
        assertTrue(participant.leaseConfirmed(), "held by an answer in the view");

        time.runFor(LEASE.multipliedBy(2)); // nobody answers: the lease lapses
        assertTrue(!participant.leaseHeld());
        install(view(9, N1, N2, N3), Quorum.QUORATE); // nobody answers
        sent.clear();
        sentTo.clear();
        install(view(10, N1, N2), Quorum.QUORATE);
        assertTrue(!pingsTo(N1).isEmpty(), "a view that only lost members, without the lease: asks at once: " + sent);
    }

    @Test
    void aPlanWaitsForTheLeaseAndRunsOnceAMemberHasAnswered() {
        aloneSustains = false;
        View current = view(5, N1, N2, N3);
        install(current, Quorum.QUORATE);
        assertTrue(!participant.leaseHeld(), "nobody has answered yet");
        assertTrue(!pingsTo(N1).isEmpty() && !pingsTo(N3).isEmpty(), "asks every other member at once: " + sent);
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(), calls, "no lease: the plan waits");
        answerLatestPing(N1);
        time.runFor(Duration.ofMillis(10));
        assertTrue(participant.leaseHeld());
        assertTrue(events.contains(Type.LEASE_GAINED), events.toString());
        assertEquals(List.of("start r"), calls);
    }

    @Test
    void answersThatMoveTheLeaseOnScheduleNoCheckOfTheirOwnAndTheLeaseStillLapsesOnTime() {
        aloneSustains = false;
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        answerLatestPing(N1);
        assertTrue(participant.leaseHeld());
        int pending = time.pending();
        Duration renew = LEASE.dividedBy(5);
        for (int i = 0; i < 20; i++) { // four leases' worth of requests, each answered
            time.runFor(renew);
            answerLatestPing(N1);
        }
        assertTrue(
                time.pending() <= pending,
                "20 answers moved the lease, and " + (time.pending() - pending) + " more tasks wait");
        // The last answered request is sent off the renewals' grid (a new view asks at once), so only
        // the scheduled check, not a renewal, notices its end in time: one at 100 ms past it would.
        time.runFor(renew.dividedBy(2));
        install(view(6, N1, N2, N3), Quorum.QUORATE); // sends the request, then runs 10 ms
        answerLatestPing(N1);
        assertTrue(participant.leaseHeld());
        events.clear();
        time.runFor(LEASE.minusMillis(30));
        assertTrue(participant.leaseHeld(), "the lease holds until the last answered request's time is up");
        assertTrue(!events.contains(Type.LEASE_LOST), events.toString());
        time.runFor(Duration.ofMillis(40));
        assertTrue(!participant.leaseHeld(), "and lapses then, between two renewals");
        assertTrue(events.contains(Type.LEASE_LOST), events.toString());
    }

    @Test
    void anAnswerToARequestOfAnotherViewOrAnUnknownRequestDoesNotCount() {
        aloneSustains = false;
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        Messages.LeasePing ping = pingsTo(N1).get(0);
        participant.handle(N1, new Messages.LeasePong(view(4, N1, N2, N3).id(), ping.sequence()));
        participant.handle(N1, new Messages.LeasePong(ping.view(), ping.sequence() + 1000));
        participant.handle(NodeId.of("stranger"), new Messages.LeasePong(ping.view(), ping.sequence()));
        assertTrue(!participant.leaseHeld(), "none of these answers counts");
    }

    @Test
    void aLapsedLeaseStopsEverythingAndNothingRunsUntilItHoldsAgain() {
        aloneSustains = false;
        View current = view(5, N1, N2, N3);
        install(current, Quorum.QUORATE);
        answerLatestPing(N1);
        participant.handle(N1, startPlan(current.id()));
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start r"), calls);
        // Nobody answers for longer than the lease (a partition, or this node was frozen).
        time.runFor(LEASE.plusMillis(100));
        assertTrue(!participant.leaseHeld());
        assertTrue(events.contains(Type.LEASE_LOST), events.toString());
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(1).contains("stop r"), "stopped at once: " + calls);
        Execute again =
                new Execute(new PlanId(current.id(), 2), startPlan(current.id()).actions(), config.hash());
        participant.handle(N1, again);
        time.runFor(Duration.ofMillis(10));
        assertEquals(2, calls.size(), "no lease, no start: " + calls);
        answerLatestPing(N3);
        time.runFor(Duration.ofMillis(10));
        assertEquals(3, calls.size(), "holds the lease again: the waiting plan runs: " + calls);
    }

    @Test
    void aMemberThatCountsVotesByANodeListTheClusterHasLeftGetsNoLease() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        NodeId n4 = NodeId.of("n4");
        List<NodeId> three = List.of(N1, N2, N3);
        List<NodeId> four = List.of(N1, N2, N3, n4);
        // n2 made the versions of adding n4: the joint one, then the committed one.
        io.hastack.core.model.VersionedConfig old = live.get();
        io.hastack.core.model.VersionedConfig joint = old.next(config.toBuilder()
                .nodes("n1", "n2", "n3", "n4")
                .previousNodes(three)
                .build());
        io.hastack.core.model.VersionedConfig committed =
                joint.next(config.toBuilder().nodes("n1", "n2", "n3", "n4").build());
        ViewId v = view(5, N1, N2, N3).id();

        // On the joint version: a member still on the list of three gets nothing (it counts by
        // that list alone; the joint rule binds n2, not it); one on the joint version does.
        live.set(joint);
        sent.clear();
        participant.handle(N1, new Messages.LeasePing(v, 1, 1000, old.version(), old.hash(), three, List.of()));
        assertEquals(List.of(), sent, "the list being left");
        participant.handle(N1, new Messages.LeasePing(v, 2, 1000, joint.version(), joint.hash(), four, three));
        assertEquals(List.of(new Messages.LeasePong(v, 2)), sent, "the joint version");

        // Committed: still nothing for the list of three; the joint version (it counts more
        // strictly), a newer version, and an older one this node's was not made from (a file edited
        // by hand: the coordinator reports it) are granted.
        live.set(committed);
        sent.clear();
        participant.handle(N1, new Messages.LeasePing(v, 3, 1000, old.version(), old.hash(), three, List.of()));
        assertEquals(List.of(), sent, "an old list the cluster has left");
        participant.handle(N1, new Messages.LeasePing(v, 4, 1000, joint.version(), joint.hash(), four, three));
        participant.handle(N1, new Messages.LeasePing(v, 5, 1000, 7, "e1e2e3e4e5e6", three, List.of()));
        participant.handle(N1, new Messages.LeasePing(v, 6, 1000, old.version(), "e1e2e3e4e5e6", three, List.of()));
        assertEquals(
                List.of(new Messages.LeasePong(v, 4), new Messages.LeasePong(v, 5), new Messages.LeasePong(v, 6)),
                sent,
                "the joint version, a newer version, and one from another lineage");

        // n4 removed again (joint: three, changing from four): the old list of three is this node's
        // list again, but its holder counts without the joint rule, so it still gets nothing.
        io.hastack.core.model.VersionedConfig removing = committed.next(
                config.toBuilder().nodes("n1", "n2", "n3").previousNodes(four).build());
        live.set(removing);
        sent.clear();
        participant.handle(N1, new Messages.LeasePing(v, 7, 1000, old.version(), old.hash(), three, List.of()));
        assertEquals(List.of(), sent, "the same list without the joint rule");
        participant.handle(
                N1, new Messages.LeasePing(v, 8, 1000, committed.version(), committed.hash(), four, List.of()));
        assertEquals(List.of(), sent, "the list being left");
    }

    @Test
    void itGrantsLeasesOnlyInItsOwnViewAndReportsWhomItGrantedOnceTheyAreGone() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        sent.clear();
        participant.handle(
                N1, new Messages.LeasePing(view(4, N1, N2, N3).id(), 1, 1000, 0, "h0", List.of(N1, N2, N3), List.of()));
        assertEquals(List.of(), sent, "a request from an earlier view gets no answer");
        participant.handle(
                N1, new Messages.LeasePing(view(5, N1, N2, N3).id(), 2, 1000, 0, "h0", List.of(N1, N2, N3), List.of()));
        assertEquals(List.of(new Messages.LeasePong(view(5, N1, N2, N3).id(), 2)), sent);
        time.runFor(Duration.ofMillis(300));
        install(view(6, N2, N3), Quorum.QUORATE);
        participant.sendReport();
        long age = lastReport().grantAges().get(N1);
        assertTrue(age >= 300 && age < 400, "granted " + age + " ms ago");
        participant.handle(
                N1, new Messages.LeasePing(view(5, N1, N2, N3).id(), 3, 1000, 0, "h0", List.of(N1, N2, N3), List.of()));
        assertTrue(
                sent.stream().filter(m -> m instanceof Messages.LeasePong).count() == 1,
                "no grant to a node outside the view: " + sent);
    }

    @Test
    void aProbeForAViewNotInstalledYetIsAnsweredOnceItIs() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        sent.clear();
        View next = view(6, N1, N2);
        participant.handle(N1, new Messages.Probe(next.id()));
        assertTrue(sent.stream().noneMatch(m -> m instanceof NodeReport), "not in view 6 yet: " + sent);
        install(next, Quorum.QUORATE);
        assertTrue(
                sent.stream()
                        .anyMatch(m -> m instanceof NodeReport r && r.view().equals(next.id())),
                "answered in view 6: " + sent);
    }

    @Test
    void aDeathNoticeLetsTheMembershipRemoveTheDeadNodeWithoutVerification() {
        install(view(5, N1, N2, N3), Quorum.QUORATE);
        participant.deathNotice(N3, new Messages.DeathNotice(N1, "its process exited"));
        assertEquals(List.of(N1), removedConfirmed, "the dead node is handed to the membership");
        assertTrue(events.contains(Type.DEATH_CONFIRMED));
        participant.deathNotice(N3, new Messages.DeathNotice(N2, "a notice about this node"));
        assertEquals(List.of(N1), removedConfirmed, "a notice about itself removes nothing");
    }
}
