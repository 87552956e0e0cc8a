package io.hastack.core.spi.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class EpochGuardTest {
    @TempDir
    Path dir;

    @Test
    void admitsTheNewestEpochAndRejectsStaleOnes() {
        EpochGuard guard = EpochGuard.inMemory();
        assertTrue(guard.admit(3));
        assertTrue(guard.admit(3), "the current holder keeps writing");
        assertFalse(guard.admit(2), "an older holder is fenced off");
        assertTrue(guard.admit(5));
        assertFalse(guard.admit(3));
        assertFalse(guard.admit(0), "no epoch is stale once one was admitted");
        assertEquals(5, guard.highest());
    }

    @Test
    void aPersistentGuardRemembersAcrossRestarts() {
        Path file = dir.resolve("epoch");
        EpochGuard first = EpochGuard.persistent(file);
        assertTrue(first.admit(7));
        EpochGuard second = EpochGuard.persistent(file);
        assertEquals(7, second.highest());
        assertFalse(second.admit(6));
        assertTrue(second.admit(8));
    }
}
