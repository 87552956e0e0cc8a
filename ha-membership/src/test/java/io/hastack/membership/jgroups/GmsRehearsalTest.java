package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal of GMS's takeover: each round ends with the survivor coordinating a view of itself
 * alone, after the removal is handed up from VERIFY_SUSPECT2 as a confirmed exit is; its channels
 * close; and a cluster running in the same JVM sees none of it.
 */
@Tag("functional")
class GmsRehearsalTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private final InProcessMembers members = new InProcessMembers("gms-rehearsal");

    @AfterEach
    void tearDown() {
        members.close();
    }

    @Test
    void everyRoundEndsWithTheSurvivorCoordinatingAlone() {
        assertEquals(3, GmsRehearsal.run(JGroupsConfig.inProcess(ClusterKey.generate()), 3));
    }

    @Test
    void itLeavesNoChannelBehindAndAClusterBesideItUndisturbed() {
        MembershipListener quiet = new MembershipListener() {};
        JGroupsMembership n1 = members.start("n1", members.standard(), quiet);
        JGroupsMembership n2 = members.start("n2", members.standard(), quiet);
        await().atMost(WAIT).until(() -> InProcessMembers.size(n1) == 2 && InProcessMembers.size(n2) == 2);
        View before = n1.currentView().orElseThrow();

        assertEquals(2, GmsRehearsal.run(members.standard(), 2));

        await().atMost(WAIT)
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().contains("hastack-rehearsal-")));
        assertEquals(before, n1.currentView().orElseThrow());
        assertEquals(before, n2.currentView().orElseThrow());
    }
}
