package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.MembershipListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat is skipped once every other member was sent a message since the last one, as after a
 * multicast; one member alone, or a round spread over two heartbeat times, does not count. The
 * heartbeat times are driven by the test (the stack's own are ten minutes apart), and JGroups' own
 * multicasts (STABLE's gossip) can skip a heartbeat at any time, so what a stray multicast could make
 * pass is asserted directly and what it could make fail is tried until it holds.
 */
@Tag("functional")
class QuietHeartbeatsTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private static final byte[] PAYLOAD = "lease".getBytes(StandardCharsets.UTF_8);
    private final InProcessMembers members = new InProcessMembers("quiet-heartbeats");

    @AfterEach
    void tearDown() {
        members.close();
    }

    private JGroupsMembership start(String name) {
        return members.start(name, members.quiet(), new MembershipListener() {});
    }

    private static int size(JGroupsMembership m) {
        return InProcessMembers.size(m);
    }

    @Test
    void aRoundToEveryOtherMemberBetweenTwoBeatsTakesTheNextHeartbeatsPlace() {
        JGroupsMembership n1 = start("n1");
        JGroupsMembership n2 = start("n2");
        JGroupsMembership n3 = start("n3");
        await().atMost(WAIT).until(() -> size(n1) == 3 && size(n2) == 3 && size(n3) == 3);
        QuietHeartbeats beats = n1.channel().getProtocolStack().findProtocol(QuietHeartbeats.class);
        assertNotNull(beats, "the stack uses the quiet heartbeats");
        assertEquals(
                org.jgroups.conf.ClassConfigurator.getProtocolId(org.jgroups.protocols.FD_ALL3.class),
                beats.getId(),
                "FD_ALL3's id: the same heartbeats on the wire");

        beats.beat();
        long rounds = beats.rounds();
        int sent = beats.getHeartbeatsSent();
        n1.sendPeriodic(NodeId.of("n2"), PAYLOAD);
        n1.send(NodeId.of("n3"), PAYLOAD); // reliable or not, what was sent counts
        assertTrue(beats.rounds() > rounds, "a message to each other member is a round");
        assertTrue(beats.skipsNextHeartbeat(), "the round skips the next heartbeat");
        beats.beat();
        assertEquals(sent, beats.getHeartbeatsSent(), "no heartbeat after the round");

        await().atMost(WAIT).alias("a heartbeat after a message to n2 alone").until(() -> {
            beats.beat();
            int before = beats.getHeartbeatsSent();
            n1.sendPeriodic(NodeId.of("n2"), PAYLOAD);
            beats.beat();
            return beats.getHeartbeatsSent() == before + 1;
        });
        await().atMost(WAIT)
                .alias("a heartbeat after each half of a round split by a beat")
                .until(() -> {
                    beats.beat();
                    int before = beats.getHeartbeatsSent();
                    n1.sendPeriodic(NodeId.of("n2"), PAYLOAD);
                    beats.beat();
                    n1.sendPeriodic(NodeId.of("n3"), PAYLOAD);
                    beats.beat();
                    return beats.getHeartbeatsSent() == before + 2;
                });

        n3.close();
        await().atMost(WAIT).alias("n3 to leave n1's view").until(() -> size(n1) == 2);
        beats.beat();
        int beforeAlone = beats.getHeartbeatsSent();
        n1.sendPeriodic(NodeId.of("n2"), PAYLOAD);
        beats.beat();
        assertEquals(beforeAlone, beats.getHeartbeatsSent(), "with n3 gone, n2 alone is every other member");
    }
}
