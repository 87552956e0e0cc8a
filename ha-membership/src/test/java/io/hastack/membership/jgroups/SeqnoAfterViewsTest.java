package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.MembershipListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A multicast lost around a view change, and NAKACK2's own resend of its number lost with it, as
 * in a merge where the members did not count the sender yet: the sender's announcement after the
 * next view lets them ask for it again, with no further multicast from the sender. Without it
 * nothing would show the gap (the test slows STABLE's gossip, whose rounds also repair it, to ten
 * minutes), and the sender's next view as coordinator would wait for the repair.
 */
@Tag("functional")
class SeqnoAfterViewsTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private static final byte[] PAYLOAD = "lost around a view".getBytes(StandardCharsets.UTF_8);
    private final InProcessMembers members = new InProcessMembers("seqno-after-views");

    @AfterEach
    void tearDown() {
        members.close();
    }

    private JGroupsMembership start(String name, MembershipListener listener) {
        return members.start(name, members.quiet(), listener);
    }

    private static int size(JGroupsMembership m) {
        return InProcessMembers.size(m);
    }

    private static void slowGossip(JGroupsMembership m) {
        STABLE stable = m.channel().getProtocolStack().findProtocol(STABLE.class);
        stable.setDesiredAverageGossip(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void aMulticastLostAroundAViewIsAskedForAgainAfterTheNextView() {
        BlockingQueue<String> atN1 = new LinkedBlockingQueue<>();
        JGroupsMembership n1 = start("n1", new MembershipListener() {
            @Override
            public void messageReceived(NodeId from, byte[] payload) {
                atN1.add(from + ": " + new String(payload, StandardCharsets.UTF_8));
            }
        });
        JGroupsMembership n2 = start("n2", new MembershipListener() {});
        await().atMost(WAIT).until(() -> size(n1) == 2 && size(n2) == 2);
        slowGossip(n1);
        slowGossip(n2);
        SeqnoAfterViews sender = n2.channel().getProtocolStack().findProtocol(SeqnoAfterViews.class);
        assertNotNull(sender, "the stack announces its numbers after views");
        assertEquals(
                org.jgroups.conf.ClassConfigurator.getProtocolId(NAKACK2.class),
                sender.getId(),
                "NAKACK2's id: the same messages on the wire");
        sender.setResendLastSeqno(false); // NAKACK2's own resend is lost too
        // The announcements after the view n2 joined are over (they would repair what follows).
        await().atMost(WAIT).until(() -> sender.pending() == 0);
        long before = sender.getCurrentSeqno();

        // n2's multicast leaves its stack numbered, and is lost on the way (as a merge's
        // members drop it from a non-member): n1 never sees it.
        DISCARD discard = n2.channel().getProtocolStack().findProtocol(DISCARD.class);
        discard.discardAll(true);
        try {
            n2.broadcast(PAYLOAD);
        } finally {
            discard.discardAll(false);
        }
        assertEquals(before + 1, sender.getCurrentSeqno(), "the multicast was numbered");
        long announced = sender.announced();
        assertEquals(0, sender.pending(), "no announcement to come before the next view");

        // A view change (n1 coordinates it, so its view is no multicast of n2's): n2 announces.
        JGroupsMembership n3 = start("n3", new MembershipListener() {});
        await().atMost(WAIT).until(() -> size(n1) == 3 && size(n2) == 3 && size(n3) == 3);
        await().atMost(WAIT)
                .alias("n1 asked n2 for the lost multicast after the view")
                .until(() -> atN1.contains("n2: lost around a view"));
        assertEquals(List.of("n2: lost around a view"), List.copyOf(atN1), "delivered once");
        await().atMost(WAIT).until(() -> sender.announced() > announced);
    }
}
