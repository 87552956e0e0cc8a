package io.hastack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tie rule and the epochs on a real shared file, including races between two device instances. */
@Tag("functional")
class FileQuorumDeviceTest {
    private static final Set<NodeId> A = Set.of(NodeId.of("a"));
    private static final Set<NodeId> B = Set.of(NodeId.of("b"));
    private static final Set<NodeId> AB = Set.of(NodeId.of("a"), NodeId.of("b"));

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void theSurvivorOfACrashWinsAtOnceAndTheDeadSideCannotComeBackAlone() {
        QuorumDevice device = new FileQuorumDevice(dir);
        device.recordMajority(AB);
        assertTrue(device.claimTie(A), "b crashed: a shares members with the winner {a, b}, so it takes the tie");
        assertFalse(device.claimTie(B), "b, restarted alone, is disjoint from the winner {a}");
        assertTrue(device.claimTie(A), "a still holds it");
        device.recordMajority(AB);
        assertTrue(device.claimTie(B), "after the cluster was whole again, either side can take a new tie");
    }

    @Test
    void theFirstClaimOnAFreshDeviceWins() {
        assertTrue(new FileQuorumDevice(dir).claimTie(B));
        assertFalse(new FileQuorumDevice(dir).claimTie(A), "a second device on the same directory sees b's win");
    }

    @Test
    void exactlyOneHalfOfASplitWinsEvenWhenBothClaimAtOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Path d = Files.createDirectory(dir.resolve("round" + round));
            new FileQuorumDevice(d).recordMajority(AB);
            QuorumDevice left = new FileQuorumDevice(d);
            QuorumDevice right = new FileQuorumDevice(d);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> await(go, () -> left.claimTie(A)), pool);
            CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> await(go, () -> right.claimTie(B)), pool);
            go.countDown();
            assertTrue(a.get(30, TimeUnit.SECONDS) ^ b.get(30, TimeUnit.SECONDS), "round " + round);
        }
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
    void epochsStrictlyIncreaseAcrossInstancesAndThreads() throws Exception {
        ResourceId r = ResourceId.of("db");
        List<QuorumDevice> devices = List.of(new FileQuorumDevice(dir), new FileQuorumDevice(dir));
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            QuorumDevice d = devices.get(t % 2);
            work.add(CompletableFuture.runAsync(() -> {
                long last = 0;
                for (int i = 0; i < 50; i++) {
                    long e = d.nextEpoch(r);
                    assertTrue(e > last, "epochs handed to one caller increase");
                    assertTrue(seen.add(e), "epoch " + e + " handed out twice");
                    last = e;
                }
            }, pool));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(400, seen.size());
        assertEquals(401, new FileQuorumDevice(dir).nextEpoch(r), "survives new instances");
        assertEquals(1, devices.get(0).nextEpoch(ResourceId.of("other")), "per resource, from 1");
    }

    @Test
    void aCorruptedDeviceFileIsReportedWithItsPath() throws Exception {
        Files.writeString(dir.resolve("quorum-device"), "garbage\n");
        QuorumDeviceException e = assertThrows(QuorumDeviceException.class,
                () -> new FileQuorumDevice(dir).claimTie(A));
        assertTrue(e.getMessage().contains(dir.resolve("quorum-device").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected line 'garbage'"), e.getMessage());
    }
}
