package io.hastack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file leaves the old content or the new one, and no copy behind. */
@Tag("unit")
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsAndReplacesAFileLeavingNoCopyBehind() throws Exception {
        Path file = dir.resolve("state");
        AtomicFiles.replace(file, "one\n");
        assertEquals("one\n", Files.readString(file));
        AtomicFiles.replace(file, "two\n");
        assertEquals("two\n", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("state.new")));
    }

    @Test
    void anInterruptedReplaceKeepsTheOldContent() throws Exception {
        Path file = dir.resolve("state");
        AtomicFiles.replace(file, "old\n");
        Thread.currentThread().interrupt(); // the channel of the copy closes at its first operation
        try {
            assertThrows(ClosedByInterruptException.class, () -> AtomicFiles.replace(file, "new\n"));
        } finally {
            Thread.interrupted();
        }
        assertEquals("old\n", Files.readString(file));
    }

    @Test
    void aFileInAMissingDirectoryIsAnError() {
        assertThrows(IOException.class, () -> AtomicFiles.replace(dir.resolve("missing/state"), "x"));
    }
}
