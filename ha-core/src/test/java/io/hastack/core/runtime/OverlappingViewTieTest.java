package io.hastack.core.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case the nemesis found: in a cluster of four whose tie {n1, n3} holds on the device, n2
 * installs a view [n2, n3] that n3 never installs (n3 is in [n3, n1] already). Claiming the tie for
 * it would take the tie from {n1, n3} (they share n3), and a later {n2, n4} would take it from n2
 * while {n1, n3} still ran the groups. So n2 claims only once n3 has answered a lease request in
 * that very view, which a member in another view never does. One real node (n2) with a file quorum
 * device; the others are scripted.
 */
@Tag("unit")
class OverlappingViewTieTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final NodeId N4 = NodeId.of("n4");
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private static final Duration LEASE = Duration.ofSeconds(1);

    @TempDir
    Path device;

    private final ScriptedMembership membership = new ScriptedMembership(N2);
    private HaNode node;

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.halt();
        }
    }

    /** n2 stays undecided for a while, and the tie still belongs to {n1, n3}. */
    private void assertClaimedNothing() {
        await().during(LEASE.dividedBy(2))
                .atMost(WAIT)
                .until(() -> node.status().quorum().startsWith("undecided"));
        assertFalse(
                new FileQuorumDevice(device).claimTie(Set.of(N2, N4)),
                "the tie still belongs to {n1, n3}: {n2, n4} shares no member with it");
    }

    /** Starts n2, of the nodes n1 to n4, with a file device on {@link #device}. */
    private void startNode() {
        node = HaNode.builder()
                .config(ClusterConfig.builder().nodes("n1", "n2", "n3", "n4").build())
                .membership(membership)
                .agents(io.hastack.core.spi.agent.AgentRegistry.builder().build())
                .quorumDevice(new FileQuorumDevice(device))
                .settings(NodeSettings.builder()
                        .clusterKey(membership.key)
                        .pauseBound(LEASE)
                        .build())
                .build();
        node.start();
    }

    @Test
    void aNodeClaimsTheTieOfItsViewOnlyOnceItsOtherMemberAnsweredInThatView() {
        new FileQuorumDevice(device).recordMajority(Set.of(N1, N3)); // {n1, n3} won the tie before
        startNode();

        // n2's own view [n2, n3]: n3, in another view, answers none of n2's lease requests.
        membership.answerLeases = false;
        membership.install(new View(new ViewId(N2, 5), List.of(N2, N3), false));
        await().atMost(WAIT)
                .until(() -> node.status().quorum().contains("waiting for every member of the view to answer"));
        assertClaimedNothing();

        // Had n3 installed the view, it would answer: then n2 claims, and takes the tie.
        membership.answerLeases = true;
        await().atMost(WAIT).until(() -> node.status().quorum().contains("tie won"));
        assertTrue(node.status().quorum().startsWith("quorate"), node.status().quorum());
        assertFalse(
                new FileQuorumDevice(device).claimTie(Set.of(N1, N4)),
                "the tie is {n2, n3}'s now: {n1, n4} shares no member with it");
    }

    /**
     * The answers stand only for as long as the membership says no member can remove this node:
     * with a window shorter than any round trip, no claim is ever made (and nothing changes on the
     * device), however often the members answer.
     */
    @Test
    void answersOlderThanTheMembershipsQuickestRemovalMakeNoClaim() {
        new FileQuorumDevice(device).recordMajority(Set.of(N1, N3));
        membership.quickestRemoval = Optional.of(Duration.ofNanos(1));
        startNode();
        membership.install(new View(new ViewId(N2, 5), List.of(N2, N3), false));
        await().atMost(WAIT)
                .until(() -> node.status().quorum().contains("waiting for every member of the view to answer"));
        int before = membership.periodic.size();
        await().atMost(WAIT).until(() -> membership.periodic.size() >= before + 2); // two more rounds, answered
        assertClaimedNothing();
    }
}
