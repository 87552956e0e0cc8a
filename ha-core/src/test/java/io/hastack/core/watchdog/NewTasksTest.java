package io.hastack.core.watchdog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewTasksTest {
    private static final Path LAST_PID = NewTasks.LAST_PID;

    private static void requireLastPid() {
        Prerequisites.require(
                Files.isReadable(LAST_PID), LAST_PID + " is not readable (Linux, with CONFIG_CHECKPOINT_RESTORE)");
    }

    @Test
    void theMarkMovesWhenAThreadOrAProcessIsCreated() throws Exception {
        requireLastPid();
        NewTasks tasks = new NewTasks(LAST_PID);
        Thread thread = new Thread(() -> {}, "new-tasks-test");
        assertTrue(tasks.movesWith(thread), "starting a thread moves the mark");
        thread.join();

        long before = tasks.mark();
        Process child = new ProcessBuilder("true").start();
        long after = tasks.mark();
        child.waitFor();
        assertTrue(before > 0, "a mark is read");
        assertNotEquals(before, after, "starting a process moves the mark");
    }

    /** Two readings with nothing created between them agree (other tasks on the machine may come between some). */
    @Test
    void theMarkStaysWhileNothingIsCreated() {
        requireLastPid();
        NewTasks tasks = new NewTasks(LAST_PID);
        await().alias("two readings with no task created between them").until(() -> {
            long first = tasks.mark();
            return first == tasks.mark();
        });
        long mark = tasks.mark();
        assertTrue(mark > 0, "a mark is read: " + mark);
    }

    @Test
    void aMissingOrMeaninglessFileGivesNoMarkAndIsNotTrusted(@TempDir Path dir) throws IOException {
        NewTasks missing = new NewTasks(dir.resolve("absent"));
        assertEquals(-1, missing.mark());
        AtomicBoolean ran = new AtomicBoolean();
        Thread thread = new Thread(() -> ran.set(true));
        assertFalse(missing.movesWith(thread), "a missing file is not trusted");
        await().untilTrue(ran); // the thread was started all the same

        for (String bad : new String[] {"not a number\n", "", "\n", "12 34\n", "-5\n", "12345678901\n", "42\n\n"}) {
            Path text = Files.writeString(dir.resolve("text"), bad, StandardCharsets.US_ASCII);
            assertEquals(-1, new NewTasks(text).mark(), "'" + bad + "' gives no mark");
        }
        Path bare = Files.writeString(dir.resolve("bare"), "0", StandardCharsets.US_ASCII);
        assertEquals(0, new NewTasks(bare).mark());

        // A file that does not follow creations (a sandbox's fixed value) reads, but is not trusted.
        Path fixed = Files.writeString(dir.resolve("fixed"), "4242\n", StandardCharsets.US_ASCII);
        NewTasks still = new NewTasks(fixed);
        assertEquals(4242, still.mark());
        assertFalse(still.movesWith(new Thread(() -> {})), "a mark that does not move is not trusted");
    }
}
