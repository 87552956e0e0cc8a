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
}
