package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sets of members sustain quorum (the lease's rule), around a tie-break. */
class QuorumKeeperTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    /** Device calls wait here until the test runs them; the host's posts run at once. */
    private final Deque<Runnable> deviceCalls = new ArrayDeque<>();

    private final ScriptedQuorumDevice device = new ScriptedQuorumDevice();

    private final QuorumKeeper keeper = twoNodeKeeper(device, new ImmediateQuorumHost());

    private static View view(long seq, NodeId... members) {
        return new View(new ViewId(members[0], seq), List.of(members), false);
    }

    private void runDeviceCalls() {
        while (!deviceCalls.isEmpty()) {
            deviceCalls.poll().run();
        }
    }

    /** n1's keeper in the cluster n1, n2 on {@code device}, its device calls queued in {@link #deviceCalls}. */
    private QuorumKeeper twoNodeKeeper(QuorumDevice device, QuorumKeeper.Host host) {
        return new QuorumKeeper(
                N1,
                LiveConfig.of(ClusterConfig.builder().nodes("n1", "n2").build()),
                Optional.of(device),
                deviceCalls::add,
                host);
    }

    @Test
    void whileATieIsDecidedRecentAnswersOfAMajorityStillSustainButAHalfDoesNot() {
        keeper.evaluate(view(1, N1, N2));
        assertEquals(Quorum.QUORATE, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1, N2)));
        assertFalse(keeper.sustains(Set.of(N1)), "half of the votes, and the view was not won by a tie");

        keeper.evaluate(view(2, N1)); // n2 crashed: a tie to claim
        assertEquals(Quorum.UNDECIDED, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1, N2)), "n2 answered within the lease: nobody else can have taken over");
        assertFalse(keeper.sustains(Set.of(N1)));

        runDeviceCalls();
        assertEquals(Quorum.QUORATE, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1)), "the tie is won: the single member sustains its view alone");
    }

    @Test
    void aLostTieSustainsNothing() {
        device.tieWon = false;
        keeper.evaluate(view(1, N1));
        runDeviceCalls();
        assertEquals(Quorum.NOT_QUORATE, keeper.state());
        assertFalse(keeper.sustains(Set.of(N1, N2)));
    }

    @Test
    void committingANodeListChangeKeepsATieWonForTheSameMembersWithoutClaimingAgain() {
        ClusterConfig joint = ClusterConfig.builder()
                .nodes("n1", "n2", "n3", "n4")
                .previousNodes(List.of(N1, N2, NodeId.of("n3")))
                .build();
        LiveConfig live = LiveConfig.of(joint);
        List<Quorum> decisions = new java.util.ArrayList<>();
        QuorumKeeper k = new QuorumKeeper(N1, live, Optional.of(device), deviceCalls::add, new QuorumKeeper.Host() {
            @Override
            public void post(Runnable task) {
                task.run();
            }

            @Override
            public void decided(View view, Quorum previous, Quorum now, String text) {
                decisions.add(now);
            }

            @Override
            public void recorded(View view, String detail) {}

            @Override
            public void schedule(Runnable task, Duration delay) {}

            @Override
            public java.util.OptionalLong answeredUntil(View view, Set<NodeId> members) {
                return java.util.OptionalLong.of(Long.MAX_VALUE); // n2 answered in the view
            }
        });
        k.evaluate(view(1, N1, N2)); // 2 of the old 3 (a strict majority), half of the new 4: a tie
        assertEquals(Quorum.UNDECIDED, k.state());
        runDeviceCalls();
        assertEquals(Quorum.QUORATE, k.state());
        assertTrue(k.sustains(Set.of(N1, N2)));

        ClusterConfig committed = joint.toBuilder().previousNodes(List.of()).build();
        live.set(io.hastack.core.model.VersionedConfig.of(2, committed));
        k.nodesChanged(joint, committed);
        assertEquals(Quorum.QUORATE, k.state(), "still a tie of the same members, won");
        assertTrue(deviceCalls.isEmpty(), "no second claim, no undecided gap");
        assertTrue(k.sustains(Set.of(N1, N2)));
        assertEquals(List.of(Quorum.UNDECIDED, Quorum.QUORATE), decisions);

        // A change back to a list where these members lack a strict majority of the old one decides
        // again, at once.
        ClusterConfig shrinking = ClusterConfig.builder()
                .nodes("n1", "n2", "n3", "n4", "n5")
                .previousNodes(List.of(N1, N2, NodeId.of("n3"), NodeId.of("n4")))
                .build();
        live.set(io.hastack.core.model.VersionedConfig.of(3, shrinking));
        k.nodesChanged(committed, shrinking);
        assertEquals(Quorum.NOT_QUORATE, k.state());
        assertFalse(k.sustains(Set.of(N1, N2)));
    }

    private static Action start(String resource) {
        return new Action(ActionType.START, N1, GroupId.of("g"), ResourceId.of(resource), "test");
    }

    private static long epoch(CompletableFuture<List<Action>> stamped, String resource) throws Exception {
        return stamped.get(5, TimeUnit.SECONDS).stream()
                .filter(a -> a.resource().equals(ResourceId.of(resource)))
                .findFirst()
                .orElseThrow()
                .epoch();
    }

    @Test
    void aCoordinatorsTieClaimTakesTheEpochsOfWhatRanOnTheDepartedAndItsPlanUsesEachOnce(@TempDir Path dir)
            throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            assertEquals(List.of(1L), file.nextEpochs(List.of(db)));
            List<View> asked = new ArrayList<>();
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(db, web), asked));
            View alone = view(2, N1);
            k.evaluate(alone); // n2 crashed: n1 claims the tie as its partition's coordinator
            assertEquals(List.of(alone), asked);
            assertEquals(1, deviceCalls.size(), "one device call: the claim with its epochs");
            runDeviceCalls();
            assertEquals(Quorum.QUORATE, k.state());

            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db")));
            assertTrue(first.isDone() && deviceCalls.isEmpty(), "the start had its epoch from the claim");
            assertEquals(2L, epoch(first, "db"));

            CompletableFuture<List<Action>> second = k.stampEpochs(List.of(start("db"), start("web")));
            assertFalse(second.isDone(), "claimed epochs serve the view's first plan only: the device is asked");
            runDeviceCalls();
            assertEquals(3L, epoch(second, "db"));
            assertEquals(2L, epoch(second, "web"));

            // A first plan that is not sent at once drops what the claim took.
            k.evaluate(view(5, N1));
            runDeviceCalls(); // db 4, web 3
            k.dropClaimedEpochs();
            CompletableFuture<List<Action>> held = k.stampEpochs(List.of(start("db")));
            assertFalse(held.isDone(), "after a hold the plan asks the device");
            runDeviceCalls();
            assertEquals(5L, epoch(held, "db"));

            // What a claim took and no plan used is forgotten with its view.
            k.evaluate(view(6, N1));
            runDeviceCalls(); // claims again, taking db 6 and web 4
            // A majority (this host expects the same starts in every view, even with no one
            // departed): its epochs are asked for as it is decided (db 7, web 5), not taken from
            // view 6's claim; db's next epoch, 8, shows that the call was made.
            k.evaluate(view(7, N1, N2));
            CompletableFuture<List<Action>> later = k.stampEpochs(List.of(start("web")));
            assertFalse(later.isDone(), "the new view's plan waits for the device");
            runDeviceCalls();
            assertEquals(5L, epoch(later, "web"));
            assertEquals(List.of(8L), file.nextEpochs(List.of(db)));
        }
    }

    /** n1's keeper in the cluster n1, n2, n3 on {@code device}, expecting {@code expected} to start. */
    private QuorumKeeper threeNodeKeeper(QuorumDevice device, Set<ResourceId> expected, List<View> asked) {
        return threeNodeKeeper(device, new ImmediateQuorumHost(expected, asked));
    }

    /** n1's keeper in the cluster n1, n2, n3 on {@code device}, its device calls queued in {@link #deviceCalls}. */
    private QuorumKeeper threeNodeKeeper(QuorumDevice device, QuorumKeeper.Host host) {
        return new QuorumKeeper(
                N1,
                LiveConfig.of(ClusterConfig.builder().nodes("n1", "n2", "n3").build()),
                Optional.of(device),
                deviceCalls::add,
                host);
    }

    @Test
    void aCoordinatorQuorateByMajorityTakesTheEpochsOfWhatRanOnTheDepartedAheadOfItsRecordAndItsPlanUsesEachOnce(
            @TempDir Path dir) throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        NodeId n3 = NodeId.of("n3");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2, n3));
            assertEquals(List.of(1L), file.nextEpochs(List.of(db)));
            List<View> asked = new ArrayList<>();
            QuorumKeeper k = threeNodeKeeper(file, Set.of(db, web), asked);
            View majority = view(2, N1, N2); // n3 crashed: n1 coordinates 2 of 3 votes
            k.evaluate(majority);
            assertEquals(Quorum.QUORATE, k.state(), "a majority is decided at once");
            assertEquals(List.of(majority), asked);
            assertEquals(2, deviceCalls.size(), "the epochs ahead, then the majority's record");

            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db"), start("web")));
            assertFalse(first.isDone(), "the plan waits for the epochs on their way");
            deviceCalls.poll().run(); // the epochs: db 2, web 1
            assertTrue(first.isDone(), "the plan needs no device call of its own, nor the record");
            assertEquals(2L, epoch(first, "db"));
            assertEquals(1L, epoch(first, "web"));
            runDeviceCalls(); // the record
            assertEquals(List.of(3L), file.nextEpochs(List.of(db)), "one write took both epochs");

            CompletableFuture<List<Action>> second = k.stampEpochs(List.of(start("web")));
            assertFalse(second.isDone(), "epochs ahead serve the first plan only: the device is asked");
            runDeviceCalls();
            assertEquals(2L, epoch(second, "web"));

            // A first plan that is not sent at once drops them; so does a new evaluation.
            k.evaluate(view(3, N1, N2));
            k.dropClaimedEpochs();
            CompletableFuture<List<Action>> held = k.stampEpochs(List.of(start("db")));
            runDeviceCalls(); // the epochs ahead (db 4, web 3), the record, then the held plan's own
            assertEquals(5L, epoch(held, "db"));
            k.evaluate(view(4, N1, N2));
            k.evaluate(view(5, N1, N2));
            CompletableFuture<List<Action>> later = k.stampEpochs(List.of(start("web")));
            runDeviceCalls();
            assertEquals(5L, epoch(later, "web"), "view 5's own epochs ahead (view 4's took 4)");
        }
    }

    @Test
    void aMajorityViewsEpochsAreAskedForAsItArrivesAndItsEvaluationTakesThoseItStillExpects(@TempDir Path dir)
            throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        Set<ResourceId> expected = new HashSet<>(Set.of(db, web));
        QuorumKeeper.Host host = new ImmediateQuorumHost() {
            @Override
            public Set<ResourceId> startsExpectedIn(View view) {
                return Set.copyOf(expected);
            }
        };
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            QuorumKeeper k = threeNodeKeeper(file, host);
            View majority = view(2, N1, N2);
            k.claimAhead(majority);
            assertEquals(1, deviceCalls.size(), "the epochs are asked for as the view arrives");
            assertEquals(Quorum.UNDECIDED, k.state(), "and nothing is decided before the evaluation");
            k.evaluate(majority);
            assertEquals(2, deviceCalls.size(), "the evaluation takes them and adds only the record");
            runDeviceCalls();
            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db"), start("web")));
            assertTrue(first.isDone(), "the first plan uses them: no device call of its own");
            assertEquals(1L, epoch(first, "db"));
            assertEquals(1L, epoch(first, "web"));

            // Taking the view in dropped a confirmation of death: the second look expects nothing.
            View next = view(3, N1, N2);
            k.claimAhead(next); // db 2, web 2
            expected.clear();
            k.evaluate(next);
            runDeviceCalls();
            CompletableFuture<List<Action>> unexpected = k.stampEpochs(List.of(start("db")));
            assertFalse(unexpected.isDone(), "epochs asked for but no longer expected go unused");
            runDeviceCalls();
            assertEquals(3L, epoch(unexpected, "db"));

            // Asked for another view than the one evaluated: not taken.
            expected.addAll(Set.of(db, web));
            k.claimAhead(view(4, N1, N2)); // db 4, web 3
            View other = view(5, N1, N2);
            k.evaluate(other); // asks again: db 5, web 4
            runDeviceCalls();
            CompletableFuture<List<Action>> own = k.stampEpochs(List.of(start("web")));
            assertEquals(4L, epoch(own, "web"), "the evaluated view's own epochs");
        }
    }

    @Test
    void aMemberThatDoesNotCoordinateAMajorityWithoutExpectedStartsOrAMergedViewTakesNoEpochsAhead(@TempDir Path dir)
            throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            QuorumKeeper member = threeNodeKeeper(file, Set.of(ResourceId.of("db")), new ArrayList<>());
            member.evaluate(new View(new ViewId(N2, 2), List.of(N2, N1), false)); // coordinated by n2
            assertEquals(Quorum.QUORATE, member.state());
            assertEquals(1, deviceCalls.size(), "the majority's record only");
            deviceCalls.clear();
            QuorumKeeper nothing = threeNodeKeeper(file, Set.of(), new ArrayList<>());
            nothing.evaluate(view(3, N1, N2));
            assertEquals(1, deviceCalls.size(), "nothing expected to start: the record only");
            deviceCalls.clear();
            QuorumKeeper merging = threeNodeKeeper(file, Set.of(ResourceId.of("db")), new ArrayList<>());
            merging.evaluate(new View(new ViewId(N1, 4), List.of(N1, N2), true));
            assertEquals(Quorum.QUORATE, merging.state());
            assertEquals(
                    1,
                    deviceCalls.size(),
                    "a merged view: n2 may still coordinate a partition of its own; the record only");
        }
    }

    @Test
    void aMemberThatDoesNotCoordinateItsPartitionClaimsTheTieWithoutEpochs(@TempDir Path dir) throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2, NodeId.of("n3"), NodeId.of("n4")));
            List<View> asked = new ArrayList<>();
            QuorumKeeper k = new QuorumKeeper(
                    N1,
                    LiveConfig.of(ClusterConfig.builder()
                            .nodes("n1", "n2", "n3", "n4")
                            .build()),
                    Optional.of(file),
                    deviceCalls::add,
                    new ImmediateQuorumHost(Set.of(ResourceId.of("db")), asked));
            k.evaluate(view(2, N2, N1)); // half of the votes; n2 coordinates
            runDeviceCalls();
            assertEquals(Quorum.QUORATE, k.state());
            assertEquals(List.of(), asked, "only a coordinator stamps epochs");
            assertEquals(List.of(1L), file.nextEpochs(List.of(ResourceId.of("db"))), "no epoch taken");
        }
    }

    @Test
    void aClaimsAnswerForAnEarlierEvaluationOfTheSameViewIsIgnored(@TempDir Path dir) throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k =
                    twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()));
            View alone = view(2, N1);
            k.evaluate(alone);
            k.evaluate(alone); // evaluated again (e.g. after a node list change) while the claim is on its way
            assertEquals(2, deviceCalls.size());
            deviceCalls.poll().run(); // the first claim's answer (db 1) arrives
            assertEquals(Quorum.UNDECIDED, k.state(), "an answer to an evaluation that is gone decides nothing");
            deviceCalls.poll().run(); // the second's (db 2)
            assertEquals(Quorum.QUORATE, k.state());
            CompletableFuture<List<Action>> stamped = k.stampEpochs(List.of(start("db")));
            assertTrue(stamped.isDone());
            assertEquals(2L, epoch(stamped, "db"), "the epoch of the answer that counts");
        }
    }

    @Test
    void aCombinedClaimThatFailsOnBadDataFallsBackToThePlainClaimButAnUnreachableDeviceLosesTheTie() {
        ScriptedQuorumDevice failing = new ScriptedQuorumDevice();
        failing.combinedFailure = new IllegalStateException("counter 'x' is not a number");
        List<String> calls = failing.calls;
        QuorumKeeper k =
                twoNodeKeeper(failing, new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()));
        k.evaluate(view(2, N1));
        runDeviceCalls();
        assertEquals(Quorum.QUORATE, k.state());
        assertEquals(List.of("claimTieTakingEpochs", "claimTie"), calls);
        assertFalse(k.stampEpochs(List.of(start("db"))).isDone(), "no epoch was claimed: the plan asks");

        deviceCalls.clear(); // the stamp's call
        calls.clear();
        failing.combinedFailure = new QuorumDeviceException("ZooKeeper did not answer", null);
        k.evaluate(view(3, N1));
        runDeviceCalls();
        assertEquals(Quorum.NOT_QUORATE, k.state(), "an unreachable device is a lost tie");
        assertEquals(List.of("claimTieTakingEpochs"), calls, "no second wait on a plain claim");
    }

    @Test
    void thePlainClaimAfterAFailedCombinedOneIsMadeOnlyWhileTheMembersAnswersStand() {
        NodeId n3 = NodeId.of("n3");
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        ScriptedQuorumDevice failing = new ScriptedQuorumDevice();
        failing.combinedFailure = new IllegalStateException("counter 'x' is not a number");
        // The combined claim fails by a bug after the answers' window closed.
        failing.onCombined = () -> clock.set(100);
        QuorumKeeper k = new QuorumKeeper(
                N1,
                LiveConfig.of(
                        ClusterConfig.builder().nodes("n1", "n2", "n3", "n4").build()),
                Optional.of(failing),
                deviceCalls::add,
                new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()) {
                    @Override
                    public java.util.OptionalLong answeredUntil(View view, Set<NodeId> members) {
                        return clock.get() < 100 ? java.util.OptionalLong.of(100) : java.util.OptionalLong.empty();
                    }

                    @Override
                    public long nanoTime() {
                        return clock.get();
                    }
                });
        View pair = view(7, N1, n3);
        k.evaluate(pair);
        runDeviceCalls();
        assertEquals(
                List.of("claimTieTakingEpochs"),
                failing.calls,
                "the plain claim asked whether the answers still stand, and they did not");
        assertEquals(Quorum.UNDECIDED, k.state());
        assertTrue(k.text().contains("again"), k.text());
    }

    @Test
    void theDeviceWarmsUpAClaimOfThisNodeWithEveryResourceOnItsOwnThreadAndAFailureThereIsHarmless() {
        ScriptedQuorumDevice d = new ScriptedQuorumDevice();
        d.warmUpFailure = new IllegalStateException("a device that throws after all");
        QuorumKeeper k = new QuorumKeeper(
                N1,
                LiveConfig.of(ClusterConfig.builder()
                        .nodes("n1", "n2")
                        .group(io.hastack.core.model.ResourceGroup.of(
                                "g",
                                io.hastack.core.model.ResourceSpec.builder("db", "process")
                                        .build(),
                                io.hastack.core.model.ResourceSpec.builder("web", "process")
                                        .build()))
                        .build()),
                Optional.of(d),
                deviceCalls::add,
                new ImmediateQuorumHost());
        k.warmUpDevice();
        assertEquals(List.of(), d.calls, "nothing runs on the caller's thread");
        runDeviceCalls();
        assertEquals(List.of("warmUp [n1] [db, web]"), d.calls);
        assertEquals(Quorum.UNDECIDED, k.state(), "a warm-up decides nothing");

        QuorumKeeper none = new QuorumKeeper(
                N1,
                LiveConfig.of(ClusterConfig.builder().nodes("n1", "n2").build()),
                Optional.empty(),
                deviceCalls::add,
                new ImmediateQuorumHost());
        none.warmUpDevice();
        assertTrue(deviceCalls.isEmpty(), "no device, nothing to warm");
    }

    @Test
    void aTieClaimSentAheadAsTheViewArrivesIsTheOneItsEvaluationUsesWhenEverItAnswers(@TempDir Path dir)
            throws Exception {
        ResourceId db = ResourceId.of("db");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            List<Quorum> decided = new ArrayList<>();
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(db), new ArrayList<>()) {
                @Override
                public void decided(View view, Quorum previous, Quorum now, String text) {
                    decided.add(now);
                }
            });
            View alone = view(2, N1);
            k.claimAhead(alone);
            assertEquals(1, deviceCalls.size(), "the claim is sent as the view arrives");
            assertEquals(List.of(), decided, "and decides nothing yet");
            k.evaluate(alone);
            assertEquals(1, deviceCalls.size(), "the evaluation sends no second claim");
            assertEquals(List.of(Quorum.UNDECIDED), decided);
            runDeviceCalls();
            assertEquals(List.of(Quorum.UNDECIDED, Quorum.QUORATE), decided);
            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db")));
            assertTrue(first.isDone() && deviceCalls.isEmpty(), "the start has its epoch from the ahead claim");
            assertEquals(1L, epoch(first, "db"));

            // An answer that arrives before the evaluation is kept for it.
            decided.clear();
            View again = view(3, N1);
            k.claimAhead(again);
            runDeviceCalls();
            assertEquals(List.of(), decided);
            k.evaluate(again);
            assertEquals(List.of(Quorum.UNDECIDED, Quorum.QUORATE), decided);
            assertTrue(deviceCalls.isEmpty());
            assertEquals(List.of(3L), file.nextEpochs(List.of(db)), "one epoch taken per claim");
        }
    }

    @Test
    void theTieClaimOfTheSurvivorOfTwoIsSentAtTheConfirmedDeathAndServesTheViewThatFollows(@TempDir Path dir)
            throws Exception {
        ResourceId db = ResourceId.of("db");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            List<Quorum> decided = new ArrayList<>();
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(db), new ArrayList<>()) {
                @Override
                public void decided(View view, Quorum previous, Quorum now, String text) {
                    decided.add(now);
                }
            });
            View both = view(1, N1, N2);
            k.evaluate(both);
            runDeviceCalls();
            decided.clear();

            k.claimAtDeath(both, N2, next -> Set.of(db));
            assertEquals(1, deviceCalls.size(), "the claim goes out at the death, before the view");
            k.claimAtDeath(both, N2, next -> Set.of(db));
            assertEquals(1, deviceCalls.size(), "once");
            runDeviceCalls(); // it may answer before the view arrives
            assertEquals(List.of(), decided, "and decides nothing by itself");
            View alone = view(2, N1);
            k.claimAhead(alone);
            k.evaluate(alone);
            assertTrue(deviceCalls.isEmpty(), "the view that follows uses it: no claim of its own");
            assertEquals(List.of(Quorum.UNDECIDED, Quorum.QUORATE), decided);
            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db")));
            assertTrue(first.isDone() && deviceCalls.isEmpty(), "the start has its epoch from that claim");
            assertEquals(2L, epoch(first, "db"), "that claim's (the first view, a majority, took 1 ahead)");
        }
    }

    @Test
    void aTieClaimAnsweredBeforeItsViewIsEvaluatedDecidesAtOnceAndALaterAnswerIsPostedToTheEventThread(
            @TempDir Path dir) throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            Deque<Runnable> posted = new ArrayDeque<>();
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost() {
                @Override
                public void post(Runnable task) {
                    posted.add(task); // as the event loop: after the task that posts
                }
            });
            View both = view(1, N1, N2);
            k.evaluate(both);
            runDeviceCalls();
            k.claimAtDeath(both, N2, next -> Set.of());
            runDeviceCalls(); // answered while the view forms
            View alone = view(2, N1);
            k.claimAhead(alone);
            k.evaluate(alone);
            assertEquals(Quorum.QUORATE, k.state(), "decided in the evaluation's own task");
            posted.clear();

            View again = view(3, N1);
            k.claimAhead(again);
            k.evaluate(again);
            runDeviceCalls(); // answered on the device's thread, after the evaluation
            assertEquals(Quorum.UNDECIDED, k.state(), "not decided on the device's thread");
            while (!posted.isEmpty()) {
                posted.poll().run();
            }
            assertEquals(Quorum.QUORATE, k.state(), "but on the event thread, posted");
        }
    }

    @Test
    void aTieClaimSentAtADeathIsNotAdoptedOnceEpochsWereTakenSinceOrWhenItLostOrIsOld(@TempDir Path dir)
            throws Exception {
        ResourceId db = ResourceId.of("db");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            long[] now = {0};
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(db), new ArrayList<>()) {
                @Override
                public long nanoTime() {
                    return now[0];
                }
            });
            View both = view(1, N1, N2);
            k.evaluate(both);
            runDeviceCalls();
            CompletableFuture<List<Action>> unused = k.stampEpochs(List.of(start("db"))); // the epoch taken ahead (1)

            k.claimAtDeath(both, N2, next -> Set.of(db)); // db 2
            runDeviceCalls();
            CompletableFuture<List<Action>> restart = k.stampEpochs(List.of(start("db"))); // db 3, in the old view
            runDeviceCalls();
            assertEquals(3L, epoch(restart, "db"));
            View alone = view(2, N1);
            k.claimAhead(alone);
            assertEquals(1, deviceCalls.size(), "epochs taken since the death: the view claims for itself");
            k.evaluate(alone);
            runDeviceCalls();
            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db")));
            assertEquals(4L, epoch(first, "db"), "never the older epoch of the claim sent at the death");

            View back = view(3, N1, N2);
            k.evaluate(back);
            runDeviceCalls();
            k.claimAtDeath(back, N2, next -> Set.of(db));
            assertEquals(1, deviceCalls.size());
            now[0] += java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            k.claimAtDeath(back, N2, next -> Set.of(db));
            assertEquals(2, deviceCalls.size(), "an old claim is replaced at a later death");
            runDeviceCalls();
            now[0] += java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            k.claimAhead(view(4, N1));
            assertEquals(1, deviceCalls.size(), "nor adopted by a view that comes long after it");
            runDeviceCalls();
        }
        ScriptedQuorumDevice losing = new ScriptedQuorumDevice();
        QuorumKeeper k = twoNodeKeeper(losing, new ImmediateQuorumHost());
        View both = view(1, N1, N2);
        k.evaluate(both);
        runDeviceCalls();
        losing.tieWon = false;
        k.claimAtDeath(both, N2, next -> Set.of());
        runDeviceCalls();
        losing.tieWon = true;
        View alone = view(2, N1);
        k.claimAhead(alone);
        assertEquals(1, deviceCalls.size(), "a lost claim is not adopted: the view asks again");
        k.evaluate(alone);
        runDeviceCalls();
        assertEquals(Quorum.QUORATE, k.state());
    }

    @Test
    void aTieClaimSentAtADeathServesNoViewButTheOneThatFollowsAndNoneIsSentUnlessThisNodeIsLeftAlone(@TempDir Path dir)
            throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost());
            View both = view(1, N1, N2);
            k.evaluate(both);
            runDeviceCalls();
            k.claimAtDeath(both, N2, next -> Set.of());
            assertEquals(1, deviceCalls.size());
            View again = view(2, N1, N2); // another view came first (n2 was back, say)
            k.claimAhead(again);
            k.evaluate(again);
            runDeviceCalls();
            View alone = view(3, N1);
            k.claimAhead(alone);
            assertEquals(1, deviceCalls.size(), "the view after that claims for itself");
            k.evaluate(alone);
            runDeviceCalls();
            assertEquals(Quorum.QUORATE, k.state());

            k.claimAtDeath(both, N2, next -> Set.of());
            assertTrue(deviceCalls.isEmpty(), "a death in a view that is no longer the current one claims nothing");
        }
        try (FileQuorumDevice file = new FileQuorumDevice(dir.resolve("three"))) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k = threeNodeKeeper(file, new ImmediateQuorumHost());
            View three = view(1, N1, N2, NodeId.of("n3"));
            k.evaluate(three);
            runDeviceCalls();
            k.claimAtDeath(three, N2, next -> Set.of());
            assertTrue(deviceCalls.isEmpty(), "n1 and n3 remain: this node is not left alone");
            View two = view(2, N1, N2);
            k.evaluate(two);
            runDeviceCalls();
            k.claimAtDeath(two, N2, next -> Set.of());
            assertTrue(deviceCalls.isEmpty(), "1 of 3 votes left: a minority, no tie to claim");
        }
    }

    @Test
    void anAheadClaimServesOnlyItsOwnViewAndNoneIsSentForAMajority(@TempDir Path dir) throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k = threeNodeKeeper(file, new ImmediateQuorumHost());
            k.claimAhead(view(2, N1, N2));
            assertTrue(deviceCalls.isEmpty(), "2 of 3 votes: a majority, no claim ahead");
            k.claimAhead(view(3, N1));
            assertTrue(deviceCalls.isEmpty(), "1 of 3: a minority, no claim ahead");
        }
        try (FileQuorumDevice file = new FileQuorumDevice(dir.resolve("two"))) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost());
            k.claimAhead(view(2, N1));
            k.evaluate(view(3, N1)); // another view than the one claimed ahead for
            assertEquals(2, deviceCalls.size(), "the evaluation of another view claims for itself");
            deviceCalls.poll().run(); // the ahead claim's answer
            assertEquals(Quorum.UNDECIDED, k.state(), "the ahead claim decides nothing for another view");
            deviceCalls.poll().run();
            assertEquals(Quorum.QUORATE, k.state());
        }
    }

    @Test
    void anAheadClaimsEpochsServeOnlyIfTheEvaluationStillExpectsThoseStarts(@TempDir Path dir) throws Exception {
        ResourceId db = ResourceId.of("db");
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            List<Set<ResourceId>> answers = new ArrayList<>(List.of(Set.of(db), Set.of()));
            QuorumKeeper k = twoNodeKeeper(file, new ImmediateQuorumHost() {
                @Override
                public Set<ResourceId> startsExpectedIn(View view) {
                    // As the view arrives, n2's death is confirmed; once the view is taken
                    // in, the confirmation has been dropped (too old, say): no starts expected.
                    return answers.remove(0);
                }
            });
            View alone = view(2, N1);
            k.claimAhead(alone);
            k.evaluate(alone);
            runDeviceCalls();
            assertEquals(Quorum.QUORATE, k.state(), "the tie holds either way");
            CompletableFuture<List<Action>> first = k.stampEpochs(List.of(start("db")));
            assertFalse(first.isDone(), "the epoch taken ahead goes unused: the plan asks the device");
            runDeviceCalls();
            assertEquals(2L, epoch(first, "db"));
        }
    }

    @Test
    void aClaimAnsweredWithNothingIsALostTieWithItsReasonNotASilentlyUndecidedView() {
        ScriptedQuorumDevice broken = new ScriptedQuorumDevice();
        broken.answersNull = true;
        List<String> texts = new ArrayList<>();
        QuorumKeeper k = twoNodeKeeper(broken, new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()) {
            @Override
            public void decided(View view, Quorum previous, Quorum now, String text) {
                texts.add(text);
            }
        });
        View alone = view(2, N1);
        k.claimAhead(alone);
        k.evaluate(alone);
        runDeviceCalls();
        assertEquals(Quorum.NOT_QUORATE, k.state());
        assertTrue(texts.get(texts.size() - 1).contains("answered no claim"), texts.toString());
    }

    @Test
    void anAdoptedAheadClaimsAnswerIsIgnoredOnceTheViewIsEvaluatedAgain(@TempDir Path dir) throws Exception {
        try (FileQuorumDevice file = new FileQuorumDevice(dir)) {
            file.recordMajority(Set.of(N1, N2));
            QuorumKeeper k =
                    twoNodeKeeper(file, new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()));
            View alone = view(2, N1);
            k.claimAhead(alone);
            k.evaluate(alone); // adopts the claim sent ahead (db 1)
            k.evaluate(alone); // evaluated again (a node list change) while it is on its way: claims again (db 2)
            assertEquals(2, deviceCalls.size());
            deviceCalls.poll().run();
            assertEquals(Quorum.UNDECIDED, k.state(), "the ahead claim's answer belongs to an evaluation that is gone");
            deviceCalls.poll().run();
            assertEquals(Quorum.QUORATE, k.state());
            CompletableFuture<List<Action>> stamped = k.stampEpochs(List.of(start("db")));
            assertTrue(stamped.isDone());
            assertEquals(2L, epoch(stamped, "db"), "the epoch of the answer that counts");
        }
    }

    @Test
    void aClaimThatFailsWithAnErrorOrIsRefusedByAStoppingExecutorIsALostTieNotAnUndecidedView() {
        ScriptedQuorumDevice broken = new ScriptedQuorumDevice();
        broken.combinedError = new NoClassDefFoundError("org/apache/zookeeper/Op");
        QuorumKeeper k = twoNodeKeeper(broken, new ImmediateQuorumHost(Set.of(ResourceId.of("db")), new ArrayList<>()));
        View alone = view(2, N1);
        k.claimAhead(alone);
        k.evaluate(alone);
        runDeviceCalls();
        assertEquals(Quorum.NOT_QUORATE, k.state());

        QuorumKeeper stopping = new QuorumKeeper(
                N1,
                LiveConfig.of(ClusterConfig.builder().nodes("n1", "n2").build()),
                Optional.of(new ScriptedQuorumDevice()),
                task -> {
                    throw new java.util.concurrent.RejectedExecutionException("shut down");
                },
                new ImmediateQuorumHost());
        stopping.claimAhead(alone); // does not throw into the view's handling
        stopping.evaluate(alone);
        assertEquals(Quorum.NOT_QUORATE, stopping.state());
    }

    /**
     * A tie of two nodes is claimed only once the other has answered a lease request in that very
     * view: a view this node installed alone may overlap one the other is in already, and a claim
     * for it could take the tie from the partition that holds it (found by the nemesis: n2 installed
     * [n2, n3] while n3 was in [n3, n1], and its claim took the tie from {n1, n3}).
     */
    @Test
    void aTieOfSeveralNodesIsClaimedOnlyOnceEveryMemberAnsweredInTheView() {
        NodeId n3 = NodeId.of("n3");
        java.util.Map<NodeId, Long> answeredUntil = new java.util.HashMap<>();
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        List<View> askedForAnswers = new ArrayList<>();
        List<Boolean> asksAgain = new ArrayList<>();
        QuorumKeeper k = new QuorumKeeper(
                N1,
                LiveConfig.of(
                        ClusterConfig.builder().nodes("n1", "n2", "n3", "n4").build()),
                Optional.of(device),
                deviceCalls::add,
                new ImmediateQuorumHost() {
                    @Override
                    public java.util.OptionalLong answeredUntil(View view, Set<NodeId> members) {
                        long until = Long.MAX_VALUE;
                        for (NodeId m : members) {
                            if (!m.equals(N1)) {
                                Long at = answeredUntil.get(m);
                                if (at == null || at <= clock.get()) {
                                    return java.util.OptionalLong.empty();
                                }
                                until = Math.min(until, at);
                            }
                        }
                        return java.util.OptionalLong.of(until);
                    }

                    @Override
                    public long nanoTime() {
                        return clock.get();
                    }

                    @Override
                    public void askForAnswers(View view, boolean again) {
                        askedForAnswers.add(view);
                        asksAgain.add(again);
                    }
                });
        View pair = view(7, N1, n3);
        k.claimAhead(pair);
        k.evaluate(pair);
        assertTrue(deviceCalls.isEmpty(), "nothing claimed, ahead or not, before n3 answered");
        assertEquals(Quorum.UNDECIDED, k.state());
        assertTrue(k.text().contains("waiting for every member"), k.text());
        assertEquals(List.of(pair), askedForAnswers, "the members are asked at once");

        k.membersAnswered(pair); // an answer came, but not n3's
        assertTrue(deviceCalls.isEmpty());
        answeredUntil.put(n3, 100L);
        k.membersAnswered(view(6, N1, n3)); // an answer of another view changes nothing
        assertTrue(deviceCalls.isEmpty());
        k.membersAnswered(pair);
        assertEquals(1, deviceCalls.size(), "claimed once n3 answered in the view");
        k.membersAnswered(pair);
        assertEquals(1, deviceCalls.size(), "claimed once");

        // The device's thread takes the claim up only once n3's answer is older than the lease
        // time (n3 may be in another view by then): no claim; it waits for a fresh answer.
        clock.set(100);
        runDeviceCalls();
        assertEquals(List.of(), device.calls, "no claim on answers older than the window");
        assertEquals(Quorum.UNDECIDED, k.state());
        assertTrue(k.text().contains("again"), k.text());
        assertEquals(List.of(pair, pair), askedForAnswers);
        assertEquals(List.of(false, true), asksAgain, "asked again: the answers it has are too old");
        answeredUntil.put(n3, 300L);
        k.membersAnswered(pair);
        runDeviceCalls();
        assertEquals(Quorum.QUORATE, k.state());
        assertEquals(List.of("claimTie"), device.calls);

        // A single-member tie needs no answers: claimed as the view arrives.
        QuorumKeeper alone = twoNodeKeeper(device, new ImmediateQuorumHost() {
            @Override
            public java.util.OptionalLong answeredUntil(View view, Set<NodeId> members) {
                return members.equals(Set.of(N1))
                        ? java.util.OptionalLong.of(Long.MAX_VALUE)
                        : java.util.OptionalLong.empty();
            }
        });
        alone.claimAhead(view(2, N1));
        assertEquals(1, deviceCalls.size(), "claimed ahead");
    }
}
