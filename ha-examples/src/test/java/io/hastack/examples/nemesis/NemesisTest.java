package io.hastack.examples.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A short nemesis schedule in CI: crashes, freezes, partitions, failing monitors and hanging stops
 * against three nodes (also while a fourth is added to the node list and removed again at run time),
 * and against two with each quorum device (file, ZooKeeper). A failure prints the seed and
 * the fault history; run {@code NemesisRun --seed S} to replay the schedule.
 */
@Tag("functional")
class NemesisTest {
    /**
     * Faults are held 0.8-4 s: on both sides of the in-process failure detection time (1.5 s + 0.3 s),
     * so that some are ridden out and some fail over.
     */
    private static final Duration HOLD = Duration.ofSeconds(4);

    private static void check(Nemesis.Report report) {
        String replay = report.summary() + "\n  " + String.join("\n  ", report.history());
        assertEquals(List.of(), report.violations(), replay);
        assertEquals(0, report.lostResources(), replay);
        assertTrue(report.faultsInjected() > 0, replay);
        System.out.println(report.summary());
    }

    @Test
    void threeNodesSurviveARandomScheduleSafely() {
        check(Nemesis.run(new Nemesis.Config(System.nanoTime(), 10, 3, HOLD, Duration.ofSeconds(30), null, false)));
    }

    @Test
    void threeNodesSurviveARandomScheduleWhileAFourthIsAddedAndRemovedSafely() {
        check(Nemesis.run(new Nemesis.Config(System.nanoTime(), 12, 3, HOLD, Duration.ofSeconds(30), null, true)));
    }

    @Test
    void twoNodesWithTheFileQuorumDeviceSurviveARandomScheduleSafely() {
        check(Nemesis.run(new Nemesis.Config(System.nanoTime(), 6, 2, HOLD, Duration.ofSeconds(30), null, false)));
    }

    @Test
    void twoNodesWithTheZooKeeperQuorumDeviceSurviveARandomScheduleSafely() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true)) {
            check(Nemesis.run(new Nemesis.Config(
                    System.nanoTime(), 6, 2, HOLD, Duration.ofSeconds(30), zookeeper.getConnectString(), false)));
        }
    }
}
