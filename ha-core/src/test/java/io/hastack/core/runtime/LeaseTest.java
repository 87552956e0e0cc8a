package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.Messages.LeasePing;
import io.hastack.core.runtime.Messages.LeasePong;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class LeaseTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final Duration T = Duration.ofSeconds(3);
    /** The configuration the node's requests name (the grant rules for it are Participant's). */
    private static final io.hastack.core.model.VersionedConfig CONFIG =
            io.hastack.core.model.VersionedConfig.initial(io.hastack.core.model.ClusterConfig.builder()
                    .nodes("n1", "n2", "n3")
                    .build());
    /** Two of three configured nodes are a majority. */
    private static boolean majority(Set<NodeId> s) {
        return s.size() >= 2;
    }

    private long now = 1_000_000_000L;
    private final Lease lease = new Lease(N1, T, () -> now);

    private static View view(long seq, NodeId... members) {
        return new View(new ViewId(members[0], seq), List.of(members), false);
    }

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void theLeaseRunsFromWhenTheRequestWasSentNotFromWhenTheAnswerCame() {
        lease.viewInstalled(view(1, N1, N2, N3));
        LeasePing ping = lease.request(CONFIG).orElseThrow();
        advance(Duration.ofSeconds(2)); // the answer was held up (or this node was frozen)
        assertTrue(lease.answered(N2, new LeasePong(ping.view(), ping.sequence())));
        assertTrue(lease.held(LeaseTest::majority));
        assertEquals(
                1_000_000_000L + T.toNanos(), lease.expiry(LeaseTest::majority).getAsLong());
        advance(Duration.ofMillis(1001));
        assertFalse(lease.held(LeaseTest::majority), "3 s after the request, however late the answer came");
    }

    @Test
    void theLatestRoundHoldsTheLeaseOnlyOnceEnoughOfItsAnswersHaveCome() {
        NodeId n4 = NodeId.of("n4");
        NodeId n5 = NodeId.of("n5");
        java.util.function.Predicate<Set<NodeId>> threeOfFive = s -> s.size() >= 3;
        lease.viewInstalled(view(1, N1, N2, N3, n4, n5));
        assertFalse(lease.latestRoundHolds(threeOfFive), "nothing asked yet");
        LeasePing first = lease.request(CONFIG).orElseThrow();
        lease.answered(N2, new LeasePong(first.view(), first.sequence()));
        lease.answered(N3, new LeasePong(first.view(), first.sequence()));
        assertTrue(lease.latestRoundHolds(threeOfFive));
        advance(T.dividedBy(5));
        LeasePing second = lease.request(CONFIG).orElseThrow();
        lease.answered(N2, new LeasePong(second.view(), second.sequence()));
        assertTrue(lease.held(threeOfFive), "held by the first round's answers");
        assertFalse(lease.latestRoundHolds(threeOfFive), "one answer of the latest round: still on its way");
        lease.answered(n4, new LeasePong(second.view(), second.sequence()));
        assertTrue(lease.latestRoundHolds(threeOfFive), "two answers and this node: the latest round holds");
        assertTrue(lease.latestRoundHolds(s -> true), "this node alone sustains quorum");
    }

    @Test
    void anAnswerOnlyCountsForARequestOfTheCurrentViewFromAMemberOfIt() {
        lease.viewInstalled(view(1, N1, N2, N3));
        LeasePing old = lease.request(CONFIG).orElseThrow();
        lease.viewInstalled(view(2, N1, N2, N3));
        assertFalse(lease.answered(N2, new LeasePong(old.view(), old.sequence())), "an answer in view 1");
        LeasePing ping = lease.request(CONFIG).orElseThrow();
        assertFalse(lease.answered(N2, new LeasePong(ping.view(), ping.sequence() + 1)), "an unknown request");
        assertFalse(lease.answered(NodeId.of("x"), new LeasePong(ping.view(), ping.sequence())), "a stranger");
        assertFalse(lease.answered(N1, new LeasePong(ping.view(), ping.sequence())), "itself");
        assertFalse(lease.held(LeaseTest::majority));
        assertTrue(lease.answered(N3, new LeasePong(ping.view(), ping.sequence())));
        assertTrue(lease.held(LeaseTest::majority));
    }

    @Test
    void theExpiryIsWhenTheQuorumOfLatestAnswersLapses() {
        Predicate<Set<NodeId>> all = s -> s.size() == 3; // e.g. a tie-won view must hear everyone
        lease.viewInstalled(view(1, N1, N2, N3));
        LeasePing first = lease.request(CONFIG).orElseThrow();
        advance(Duration.ofSeconds(1));
        LeasePing second = lease.request(CONFIG).orElseThrow();
        lease.answered(N2, new LeasePong(first.view(), first.sequence()));
        lease.answered(N3, new LeasePong(second.view(), second.sequence()));
        long firstSent = now - Duration.ofSeconds(1).toNanos();
        assertEquals(
                now + T.toNanos(),
                lease.expiry(LeaseTest::majority).getAsLong(),
                "n3 alone is enough: its later answer");
        assertEquals(firstSent + T.toNanos(), lease.expiry(all).getAsLong(), "both needed: the earlier answer");
    }

    @Test
    void aNodeThatSustainsQuorumAloneNeedsNoAnswers() {
        lease.viewInstalled(view(1, N1));
        assertEquals(Long.MAX_VALUE, lease.expiry(s -> true).getAsLong());
        assertTrue(lease.held(s -> true));
        assertFalse(lease.held(s -> false));
    }

    @Test
    void itGrantsOnlyInItsOwnViewAndReportsGrantsToNodesThatLeftIt() {
        View v = view(4, N1, N2, N3);
        lease.viewInstalled(v);
        assertTrue(lease.grant(N2, new LeasePing(v.id(), 9, 3000, 0, "h0", List.of(N1, N2, N3), List.of()))
                .isPresent());
        assertTrue(
                lease.grant(
                                N3,
                                new LeasePing(
                                        view(3, N1, N2, N3).id(), 1, 3000, 0, "h0", List.of(N1, N2, N3), List.of()))
                        .isEmpty(),
                "another view");
        assertTrue(
                lease.grant(NodeId.of("x"), new LeasePing(v.id(), 1, 3000, 0, "h0", List.of(N1, N2, N3), List.of()))
                        .isEmpty(),
                "not a member");
        assertTrue(
                lease.grant(N3, new LeasePing(v.id(), 2, 5000, 0, "h0", List.of(N1, N2, N3), List.of()))
                        .isEmpty(),
                "another lease time");
        assertTrue(lease.fromLaterView(
                new LeasePing(view(5, N1, N2).id(), 1, 3000, 0, "h0", List.of(N1, N2, N3), List.of())));
        assertFalse(lease.fromLaterView(
                new LeasePing(view(3, N1, N2).id(), 1, 3000, 0, "h0", List.of(N1, N2, N3), List.of())));
        assertEquals(Map.of(), lease.grantAges(T.multipliedBy(3)), "n2 is still in the view");
        advance(Duration.ofMillis(700));
        lease.viewInstalled(view(5, N1, N3));
        assertEquals(Map.of(N2, 700L), lease.grantAges(T.multipliedBy(3)));
        advance(T.multipliedBy(3));
        assertEquals(Map.of(), lease.grantAges(T.multipliedBy(3)), "forgotten once older than the horizon");
    }

    @Test
    void answersFromAnEarlierViewKeepTheLeaseButDoNotConfirmItInTheNewView() {
        lease.viewInstalled(view(1, N1, N2, N3));
        LeasePing ping = lease.request(CONFIG).orElseThrow();
        assertTrue(lease.answered(N2, new LeasePong(ping.view(), ping.sequence())));
        assertTrue(lease.heldInView(LeaseTest::majority));

        lease.viewInstalled(view(2, N1, N2, N3));
        assertTrue(lease.held(LeaseTest::majority), "n2's answer in view 1 still holds the lease");
        assertFalse(lease.heldInView(LeaseTest::majority), "but no one has answered in view 2 yet");
        LeasePing again = lease.request(CONFIG).orElseThrow();
        assertTrue(lease.answered(N3, new LeasePong(again.view(), again.sequence())));
        assertTrue(lease.heldInView(LeaseTest::majority), "n3 answered in view 2");
        advance(T);
        assertFalse(lease.heldInView(LeaseTest::majority), "an answer older than the lease time counts no more");
    }

    @Test
    void answersInTheViewLastTheLeaseTimeFromTheEarliestOfTheLatestRequestsTheyAnswered() {
        View v = view(1, N1, N2, N3);
        lease.viewInstalled(v);
        assertEquals(Long.MAX_VALUE, lease.answeredInViewUntil(Set.of(N1)).getAsLong(), "this node alone");
        assertTrue(lease.answeredInViewUntil(Set.of(N1, N2)).isEmpty(), "n2 has not answered");
        assertFalse(lease.askedInView());
        LeasePing first = lease.request(CONFIG).orElseThrow();
        assertTrue(lease.askedInView());
        long firstAt = now;
        advance(Duration.ofSeconds(1));
        LeasePing second = lease.request(CONFIG).orElseThrow();
        assertTrue(lease.answered(N2, new LeasePong(second.view(), second.sequence())));
        assertTrue(lease.answered(N3, new LeasePong(first.view(), first.sequence())));
        assertEquals(
                firstAt + T.toNanos(),
                lease.answeredInViewUntil(Set.of(N1, N2, N3)).getAsLong());
        assertEquals(now + T.toNanos(), lease.answeredInViewUntil(Set.of(N2)).getAsLong());
        assertTrue(lease.answeredInViewUntil(Set.of(N1, NodeId.of("n4"))).isEmpty(), "not a member");
        assertTrue(lease.latestAnsweredInView(Set.of(N1, N2)), "n2 answered the latest request");
        assertFalse(lease.latestAnsweredInView(Set.of(N1, N2, N3)), "n3 answered only the one before");

        advance(Duration.ofSeconds(2));
        assertTrue(lease.answeredInViewUntil(Set.of(N1, N2, N3)).isEmpty(), "n3's answer is the lease time old");
        assertTrue(lease.answeredInViewUntil(Set.of(N2)).isPresent());

        lease.viewInstalled(view(2, N1, N2, N3));
        assertTrue(lease.answeredInViewUntil(Set.of(N2)).isEmpty(), "answers of the view before do not count");
        assertFalse(lease.askedInView());
    }
}
