package io.hastack.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event history kept on disk: it survives a restart, stays bounded, and skips what is not an event. */
@Tag("unit")
class EventLogTest {
    @TempDir
    Path dir;

    private static HaEvent joined(int i) {
        return new HaEvent(
                Instant.parse("2026-11-30T04:00:00Z").plusSeconds(i),
                NodeId.of("n1"),
                new EventData.Joined("hash" + i),
                "n1",
                "joined, life " + i);
    }

    @Test
    void theHistorySurvivesARestartAndStaysBounded() throws Exception {
        Path file = dir.resolve("n1.history.jsonl");
        EventLog first = new EventLog(4, Optional.of(file));
        for (int i = 1; i <= 3; i++) {
            first.onEvent(joined(i));
        }
        first.close(); // written off the delivering thread: wait for it
        EventLog second = new EventLog(4, Optional.of(file));
        List<EventLog.Recorded> kept = second.last(10);
        assertEquals(3, kept.size());
        assertEquals("joined, life 1", kept.get(0).json().path("detail").asText());
        assertEquals("JOINED", kept.get(0).json().path("type").asText());
        assertEquals("hash3", kept.get(2).json().path("data").path("configHash").asText(), kept.toString());
        assertEquals(
                List.of(1L, 2L, 3L), kept.stream().map(EventLog.Recorded::seq).toList());

        for (int i = 4; i <= 20; i++) {
            second.onEvent(joined(i));
        }
        second.close();
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readAllLines(file).size() <= 8, "cut back whenever it holds twice the capacity");
        EventLog third = new EventLog(4, Optional.of(file));
        assertEquals(
                List.of("joined, life 17", "joined, life 18", "joined, life 19", "joined, life 20"),
                third.last(10).stream()
                        .map(r -> r.json().path("detail").asText())
                        .toList());

        Files.writeString(file, "not json\n{\"no\":\"type\"}\n", java.nio.file.StandardOpenOption.APPEND);
        EventLog fourth = new EventLog(4, Optional.of(file));
        assertEquals(2, fourth.last(10).size(), "two of the last four lines are events");
    }
}
