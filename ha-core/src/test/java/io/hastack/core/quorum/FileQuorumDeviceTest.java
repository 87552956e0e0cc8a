package io.hastack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quorum device contract on a real shared file, plus what is particular to files. */
@Tag("functional")
class FileQuorumDeviceTest extends QuorumDeviceContract {
    @TempDir
    Path dir;

    private int stores;

    @Override
    protected String newStore() throws Exception {
        return Files.createDirectory(dir.resolve("store" + stores++)).toString();
    }

    @Override
    protected QuorumDevice open(String store) {
        return new FileQuorumDevice(Path.of(store));
    }

    @Test
    void aCorruptedDeviceFileIsReportedWithItsPath() throws Exception {
        Files.writeString(dir.resolve("quorum-device"), "garbage\n");
        QuorumDeviceException e = assertThrows(
                QuorumDeviceException.class, () -> new FileQuorumDevice(dir).claimTie(Set.of(NodeId.of("a"))));
        assertTrue(e.getMessage().contains(dir.resolve("quorum-device").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected line 'garbage'"), e.getMessage());
    }

    @Test
    void anEmptyDeviceFileIsRefusedRatherThanReadAsAFreshDevice() throws Exception {
        // A fresh device has no file; an empty one lost its epochs, which must never start from 1 again.
        Files.writeString(dir.resolve("quorum-device"), "");
        QuorumDeviceException e = assertThrows(
                QuorumDeviceException.class,
                () -> new FileQuorumDevice(dir).nextEpoch(io.hastack.core.model.ResourceId.of("db")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertTrue(Files.readString(dir.resolve("quorum-device")).isEmpty(), "the file is left as it was");
    }

    /**
     * The claim asks whether it is in time under the device's lock, after its read: a rival that
     * writes meanwhile (another node's majority) waits until the claim has written, so the claim's
     * answer is that of the winner it read. (Asked before the lock, the rival would not wait.)
     */
    @Test
    void aClaimAsksWhetherItIsInTimeUnderTheLock() throws Exception {
        NodeId a = NodeId.of("a");
        NodeId b = NodeId.of("b");
        NodeId c = NodeId.of("c");
        NodeId d = NodeId.of("d");
        new FileQuorumDevice(dir).recordMajority(Set.of(a, b));
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> rival =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean rivalWaited = new java.util.concurrent.atomic.AtomicBoolean();
        io.hastack.core.spi.quorum.TieClaim claim = new FileQuorumDevice(dir)
                .claimTieInTime(Set.of(b, c), Set.of(), () -> {
                    rival.set(java.util.concurrent.CompletableFuture.runAsync(
                            () -> new FileQuorumDevice(dir).recordMajority(Set.of(a, d))));
                    try {
                        rival.get().get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        rivalWaited.set(true);
                    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                    return true;
                });
        rival.get().join();
        assertTrue(rivalWaited.get(), "the rival's write waited for the claim's lock");
        assertTrue(claim.held(), "the claim read {a, b}, which it shares b with, and took it");
        assertTrue(new FileQuorumDevice(dir).claimTie(Set.of(d)), "the rival wrote {a, d} after it");
    }
}
