package io.hastack.core.watchdog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real watchdog process, watching this test JVM: it kills this JVM's children when told to. */
@Tag("functional")
class NodeWatchdogTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(20);

    private static Process child() throws IOException {
        return new ProcessBuilder("sleep", "120").start();
    }

    @Test
    void killsTheNodesChildrenWhenTheLeaseRunsOutOrLapsesButNotOnACleanClose() throws Exception {
        NodeWatchdog watchdog = NodeWatchdog.start("test", Duration.ZERO);
        Process expired = child();
        Process lapsed = null;
        Process kept = null;
        try {
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMillis(300).toNanos()), System.nanoTime());
            await().atMost(WAIT)
                    .alias("the child to be killed when the lease ran out")
                    .until(() -> !expired.isAlive());

            lapsed = child();
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMinutes(1).toNanos()), System.nanoTime());
            Process lapsedChild = lapsed;
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(lapsedChild::isAlive);
            watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            await().atMost(WAIT)
                    .alias("the child to be killed when the node said its lease lapsed")
                    .until(() -> !lapsedChild.isAlive());

            kept = child();
            watchdog.leaseUntil(
                    OptionalLong.of(System.nanoTime() + Duration.ofMinutes(1).toNanos()), System.nanoTime());
            long pid = watchdog.pid();
            watchdog.close();
            await().atMost(WAIT)
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertTrue(kept.isAlive(), "a clean close kills nothing");
        } finally {
            watchdog.close();
            for (Process p : new Process[] {expired, lapsed, kept}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
    }
}
