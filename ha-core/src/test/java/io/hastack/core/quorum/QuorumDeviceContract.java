package io.hastack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.quorum.ClaimTooLateException;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import io.hastack.core.spi.quorum.TieClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QuorumDevice} must do: the tie rule and the epochs, including races between two
 * instances on the same store. A subclass says how to make an instance on a fresh store.
 */
public abstract class QuorumDeviceContract {
    private static final Set<NodeId> A = Set.of(NodeId.of("a"));
    private static final Set<NodeId> B = Set.of(NodeId.of("b"));
    private static final Set<NodeId> AB = Set.of(NodeId.of("a"), NodeId.of("b"));

    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final List<QuorumDevice> opened = new ArrayList<>();

    /** A fresh, empty store for one test or round; {@link #device} makes instances on it. */
    protected abstract String newStore() throws Exception;

    /** Rounds of the simultaneous-claims race; a store with slow connections may want fewer. */
    protected int splitRounds() {
        return 50;
    }

    /** A new device instance on {@code store} (another node's view of the same store). */
    protected abstract QuorumDevice open(String store) throws Exception;

    private QuorumDevice device(String store) throws Exception {
        QuorumDevice d = open(store);
        opened.add(d);
        return d;
    }

    @AfterEach
    void closeDevices() {
        pool.shutdownNow();
        opened.forEach(QuorumDevice::close);
    }

    @Test
    public void theSurvivorOfACrashWinsAtOnceAndTheDeadSideCannotComeBackAlone() throws Exception {
        QuorumDevice device = device(newStore());
        device.recordMajority(AB);
        assertTrue(device.claimTie(A), "b crashed: a shares members with the winner {a, b}, so it takes the tie");
        assertFalse(device.claimTie(B), "b, restarted alone, is disjoint from the winner {a}");
        assertTrue(device.claimTie(A), "a still holds it");
        device.recordMajority(AB);
        assertTrue(device.claimTie(B), "after the cluster was whole again, either side can take a new tie");
    }

    @Test
    public void aClaimThatIsNoLongerInTimeChangesNothing() throws Exception {
        String store = newStore();
        QuorumDevice device = device(store);
        Set<NodeId> bc = Set.of(NodeId.of("b"), NodeId.of("c"));
        Set<NodeId> cd = Set.of(NodeId.of("c"), NodeId.of("d"));
        ResourceId r = ResourceId.of("r");
        device.recordMajority(AB);
        org.junit.jupiter.api.Assertions.assertThrows(
                ClaimTooLateException.class, () -> device.claimTieInTime(bc, Set.of(), () -> false));
        org.junit.jupiter.api.Assertions.assertThrows(
                ClaimTooLateException.class, () -> device.claimTieInTime(bc, Set.of(r), () -> false));
        assertFalse(device(store).claimTie(cd), "the winner is still {a, b}, which {c, d} does not share");
        assertEquals(1, device.nextEpoch(r), "the late claim took no epoch");

        assertEquals(TieClaim.held(Map.of(r, 2L)), device.claimTieInTime(bc, Set.of(r), () -> true));
        assertTrue(device(store).claimTie(cd), "{b, c} won: {c, d} shares c with it");
        assertEquals(TieClaim.LOST, device.claimTieInTime(AB, Set.of(), () -> true), "disjoint from {c, d}");
    }

    @Test
    public void theFirstClaimOnAFreshDeviceWins() throws Exception {
        String store = newStore();
        assertTrue(device(store).claimTie(B));
        assertFalse(device(store).claimTie(A), "a second device on the same store sees b's win");
    }

    @Test
    public void exactlyOneHalfOfASplitWinsEvenWhenBothClaimAtOnce() throws Exception {
        for (int round = 0; round < splitRounds(); round++) {
            String store = newStore();
            // Each round's instances are closed with the round: a store may limit connections.
            try (QuorumDevice recorder = open(store);
                    QuorumDevice left = open(store);
                    QuorumDevice right = open(store)) {
                recorder.recordMajority(AB);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Boolean> a =
                        CompletableFuture.supplyAsync(() -> await(go, () -> left.claimTie(A)), pool);
                CompletableFuture<Boolean> b =
                        CompletableFuture.supplyAsync(() -> await(go, () -> right.claimTie(B)), pool);
                go.countDown();
                assertTrue(a.get(30, TimeUnit.SECONDS) ^ b.get(30, TimeUnit.SECONDS), "round " + round);
            }
        }
    }

    @Test
    public void aTieClaimTakesTheEpochsItNamesOnlyWhenItHolds() throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        String store = newStore();
        QuorumDevice a = device(store);
        QuorumDevice b = device(store);
        assertEquals(List.of(1L), a.nextEpochs(List.of(db)));
        a.recordMajority(AB);
        assertEquals(TieClaim.held(Map.of(db, 2L, web, 1L)), a.claimTieTakingEpochs(A, Set.of(db, web)), "b crashed");
        assertEquals(TieClaim.LOST, b.claimTieTakingEpochs(B, Set.of(db)), "b is disjoint from the winner {a}");
        assertEquals(3L, b.nextEpoch(db), "the lost claim took no epoch");
        assertEquals(TieClaim.held(Map.of(db, 4L)), a.claimTieTakingEpochs(A, Set.of(db)), "a still holds it");
        assertEquals(TieClaim.held(Map.of()), a.claimTieTakingEpochs(A, Set.of()), "no epochs asked, none taken");
        b.recordMajority(AB);
        assertEquals(TieClaim.held(Map.of(web, 2L)), b.claimTieTakingEpochs(B, Set.of(web)), "b takes it over");
        assertFalse(a.claimTie(A), "the claim with epochs replaced the winner by {b}");
        assertEquals(List.of(5L, 3L), device(store).nextEpochs(List.of(db, web)), "survives new instances");
    }

    @Test
    public void aWarmUpOnAFreshDeviceClaimsNothingAndTakesNoEpoch() throws Exception {
        ResourceId db = ResourceId.of("db");
        String store = newStore();
        device(store).warmUp(A, Set.of(db));
        assertEquals(
                TieClaim.held(Map.of(db, 1L)),
                device(store).claimTieTakingEpochs(B, Set.of(db)),
                "b, disjoint from a, wins the first claim and the first epoch: the warm-up wrote neither");
    }

    @Test
    public void aWarmUpChangesNeitherTheWinnerNorTheEpochs() throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        String store = newStore();
        QuorumDevice a = device(store);
        QuorumDevice b = device(store);
        a.recordMajority(AB);
        assertEquals(TieClaim.held(Map.of(db, 1L, web, 1L)), a.claimTieTakingEpochs(A, Set.of(db, web)));
        // Warm-ups by both sides, with a partition that would take the tie over and one that loses.
        b.warmUp(B, Set.of(db, web));
        b.warmUp(AB, Set.of(db));
        a.warmUp(A, Set.of(web));
        assertEquals(TieClaim.LOST, b.claimTieTakingEpochs(B, Set.of(db)), "the winner is still {a}");
        assertEquals(TieClaim.held(Map.of(db, 2L, web, 2L)), a.claimTieTakingEpochs(A, Set.of(db, web)));
    }

    @Test
    public void aTieClaimWithEpochsOnAFreshDeviceWins() throws Exception {
        ResourceId db = ResourceId.of("db");
        String store = newStore();
        assertEquals(TieClaim.held(Map.of(db, 1L)), device(store).claimTieTakingEpochs(B, Set.of(db)));
        assertEquals(TieClaim.LOST, device(store).claimTieTakingEpochs(A, Set.of(db)), "a second device sees b's win");
        assertEquals(2L, device(store).nextEpoch(db));
    }

    @Test
    public void exactlyOneHalfWinsATieClaimedWithEpochsAndNoEpochIsHandedOutTwice() throws Exception {
        ResourceId db = ResourceId.of("db");
        for (int round = 0; round < Math.min(splitRounds(), 20); round++) {
            String store = newStore();
            try (QuorumDevice recorder = open(store);
                    QuorumDevice left = open(store);
                    QuorumDevice right = open(store)) {
                if (round % 2 == 0) {
                    recorder.recordMajority(AB); // else a fresh store: both halves create the winner at once
                }
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<TieClaim> a = CompletableFuture.supplyAsync(
                        () -> awaitThen(go, () -> left.claimTieTakingEpochs(A, Set.of(db))), pool);
                CompletableFuture<TieClaim> b = CompletableFuture.supplyAsync(
                        () -> awaitThen(go, () -> right.claimTieTakingEpochs(B, Set.of(db))), pool);
                CompletableFuture<List<Long>> plain = CompletableFuture.supplyAsync(
                        () -> awaitThen(go, () -> recorder.nextEpochs(List.of(db))), pool);
                go.countDown();
                TieClaim left1 = a.get(30, TimeUnit.SECONDS);
                TieClaim right1 = b.get(30, TimeUnit.SECONDS);
                assertTrue(left1.held() ^ right1.held(), "round " + round + ": " + left1 + ", " + right1);
                TieClaim won = left1.held() ? left1 : right1;
                long plainEpoch = plain.get(30, TimeUnit.SECONDS).get(0);
                assertTrue(won.epochs().get(db) != plainEpoch, "round " + round + ": epoch " + plainEpoch + " twice");
                assertEquals(
                        Set.of(1L, 2L),
                        Set.of(won.epochs().get(db), plainEpoch),
                        "round " + round + ": the loser took none");
            }
        }
    }

    private static <T> T awaitThen(CountDownLatch go, java.util.function.Supplier<T> call) {
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return call.get();
    }

    private static boolean await(CountDownLatch go, java.util.function.BooleanSupplier claim) {
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return claim.getAsBoolean();
    }

    @Test
    public void epochsStrictlyIncreaseAcrossInstancesAndThreads() throws Exception {
        ResourceId r = ResourceId.of("db");
        String store = newStore();
        List<QuorumDevice> devices = List.of(device(store), device(store));
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            QuorumDevice d = devices.get(t % 2);
            work.add(CompletableFuture.runAsync(
                    () -> {
                        long last = 0;
                        for (int i = 0; i < 50; i++) {
                            long e = d.nextEpoch(r);
                            assertTrue(e > last, "epochs handed to one caller increase");
                            assertTrue(seen.add(e), "epoch " + e + " handed out twice");
                            last = e;
                        }
                    },
                    pool));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(400, seen.size());
        assertEquals(401, device(store).nextEpoch(r), "survives new instances");
        assertEquals(1, devices.get(0).nextEpoch(ResourceId.of("other")), "per resource, from 1");
    }

    /**
     * A plan's epochs, taken together by two instances at once while single epochs are taken too:
     * every epoch of a resource is handed out once, each caller sees its own increase, a resource
     * named twice in one call gets two, and the order of the answer is the order asked.
     */
    @Test
    public void epochsTakenTogetherAreFreshAndInTheOrderAsked() throws Exception {
        ResourceId db = ResourceId.of("db");
        ResourceId web = ResourceId.of("web");
        String store = newStore();
        List<QuorumDevice> devices = List.of(device(store), device(store));
        assertEquals(List.of(), devices.get(0).nextEpochs(List.of()));
        assertEquals(List.of(1L, 1L, 2L), devices.get(0).nextEpochs(List.of(db, web, db)));
        java.util.Map<ResourceId, Set<Long>> seen =
                java.util.Map.of(db, ConcurrentHashMap.newKeySet(), web, ConcurrentHashMap.newKeySet());
        seen.get(db).addAll(List.of(1L, 2L));
        seen.get(web).add(1L);
        List<String> problems = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            QuorumDevice d = devices.get(t % 2);
            boolean batches = t < 2;
            work.add(CompletableFuture.runAsync(
                    () -> {
                        long lastDb = 0;
                        for (int i = 0; i < 25; i++) {
                            List<Long> got = batches ? d.nextEpochs(List.of(web, db)) : List.of(0L, d.nextEpoch(db));
                            if (batches && !seen.get(web).add(got.get(0))) {
                                problems.add("web epoch " + got.get(0) + " handed out twice");
                            }
                            if (!seen.get(db).add(got.get(1))) {
                                problems.add("db epoch " + got.get(1) + " handed out twice");
                            }
                            if (got.get(1) <= lastDb) {
                                problems.add("db epoch " + got.get(1) + " after " + lastDb + " to one caller");
                            }
                            lastDb = got.get(1);
                        }
                    },
                    pool));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(2 + 100, seen.get(db).size());
        assertEquals(1 + 50, seen.get(web).size());
        assertEquals(List.of(52L, 103L), device(store).nextEpochs(List.of(web, db)), "survives new instances");
    }

    /**
     * A node that is shut down or crashes interrupts its device calls (its executor is shut down
     * now). An interrupted call may fail, but it must never lose or damage what the device holds:
     * the epochs handed out before it and the winning partition.
     */
    @Test
    public void anInterruptedCallNeverLosesTheDevicesState() throws Exception {
        ResourceId r = ResourceId.of("db");
        String store = newStore();
        QuorumDevice d = device(store);
        assertTrue(d.claimTie(A));
        AtomicLong highest = new AtomicLong();
        AtomicInteger interruptedCalls = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = new CopyOnWriteArrayList<>();
        Thread caller = new Thread(
                () -> {
                    for (int i = 0; i < interruptRounds() && problems.isEmpty(); i++) {
                        try {
                            // both ways of taking epochs: one, and a plan's (with another resource)
                            long e = i % 2 == 0
                                    ? d.nextEpoch(r)
                                    : d.nextEpochs(List.of(ResourceId.of("other"), r))
                                            .get(1);
                            if (e <= highest.get()) {
                                problems.add("epoch " + e + " handed out after " + highest.get());
                            }
                            highest.set(e);
                        } catch (QuorumDeviceException e) {
                            interruptedCalls.incrementAndGet();
                        }
                        Thread.interrupted(); // clear an interrupt that came between calls
                    }
                    done.set(true);
                },
                "interrupted-caller");
        caller.start();
        Random random = new Random(7);
        while (!done.get()) {
            LockSupport.parkNanos(random.nextInt(300_000));
            caller.interrupt();
        }
        caller.join();
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(interruptedCalls.get() > 0, "no call was interrupted: the test proved nothing");
        QuorumDevice other = device(store);
        assertTrue(other.nextEpoch(r) > highest.get(), "the epochs survive interrupted calls");
        assertFalse(other.claimTie(B), "the winner survives interrupted calls");
    }

    /** Calls made while being interrupted at random, in {@link #anInterruptedCallNeverLosesTheDevicesState}. */
    protected int interruptRounds() {
        return 2000;
    }
}
