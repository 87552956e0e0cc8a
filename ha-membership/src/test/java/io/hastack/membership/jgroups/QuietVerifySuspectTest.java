package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.MembershipListener;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The suspicion check looks at its suspects only while it has some: none while the cluster is
 * quiet, from a suspicion until it is answered (the member stays) or due (the member goes). It
 * keeps VERIFY_SUSPECT2's protocol id, so its messages are the same on the wire.
 */
@Tag("functional")
class QuietVerifySuspectTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private final InProcessMembers members = new InProcessMembers("quiet-verify");

    @AfterEach
    void tearDown() {
        members.close();
    }

    private JGroupsMembership start(String name) {
        return members.start(name, members.standard(), new MembershipListener() {});
    }

    private static String timerTasks(JGroupsMembership m) {
        return m.channel().getProtocolStack().getTransport().getTimer().dumpTimerTasks();
    }

    private static int size(JGroupsMembership m) {
        return InProcessMembers.size(m);
    }

    @Test
    void looksOnlyWhileSomeoneIsSuspectedAndRemovesAMemberThatDoesNotAnswer() {
        JGroupsMembership n1 = start("n1");
        JGroupsMembership n2 = start("n2");
        await().atMost(WAIT).until(() -> size(n1) == 2 && size(n2) == 2);
        QuietVerifySuspect check = n1.channel().getProtocolStack().findProtocol(QuietVerifySuspect.class);
        assertNotNull(check, "the stack uses the quiet check");
        assertFalse(check.looking(), "no looks while nobody is suspected");
        String idleTasks = timerTasks(n1);
        assertFalse(idleTasks.contains(check.toString()), "no timer task of " + check + ": " + idleTasks);
        assertEquals(
                org.jgroups.conf.ClassConfigurator.getProtocolId(org.jgroups.protocols.VERIFY_SUSPECT2.class),
                check.getId(),
                "VERIFY_SUSPECT2's id: the same messages on the wire");
        long startsBefore = check.lookStarts();
        long answersBefore = check.answers();
        io.hastack.core.spi.membership.ViewId viewBefore =
                n1.currentView().orElseThrow().id();

        n1.suspect(NodeId.of("n2"));
        assertTrue(check.lookStarts() > startsBefore, "the suspicion started the looks");
        await().atMost(WAIT).alias("n2 to answer the check").until(() -> check.answers() > answersBefore);
        await().atMost(WAIT).alias("the looks to stop once n2 answered").until(() -> !check.looking());
        assertEquals(viewBefore, n1.currentView().orElseThrow().id(), "a member that answers stays");

        JGroupsFaults.of(n2).mute(true);
        n1.suspect(NodeId.of("n2"));
        await().atMost(WAIT).alias("n2, silent, to be removed").until(() -> size(n1) == 1);
        await().atMost(WAIT).alias("the looks to stop once n2 is gone").until(() -> !check.looking());
    }
}
