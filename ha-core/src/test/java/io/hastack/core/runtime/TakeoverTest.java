package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TakeoverTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final Duration T = Duration.ofSeconds(3);
    private static final long MS = 1_000_000L;

    private final Takeover takeover = new Takeover(List.of(N1, N2, N3), T, Duration.ofMillis(300));

    private static View view(long seq, NodeId... members) {
        return new View(new ViewId(members[0], seq), List.of(members), false);
    }

    @Test
    void startsWaitUntilTheLatestGrantPlusTheLeaseWithDriftAndMargin() {
        long now = 10_000 * MS;
        takeover.grantAges(Map.of(N1, 500L), now);
        takeover.grantAges(Map.of(N1, 2_000L), now + 100 * MS); // an older grant does not shorten it
        long until = now - 500 * MS + (long) (T.toNanos() * 1.01) + 300 * MS;
        assertEquals(Map.of(N1, until), takeover.pending(now));
        assertEquals(Map.of(), takeover.pending(until), "expired at the deadline");
    }

    @Test
    void aGrantOldEnoughCostsNoWait() {
        long now = 10_000 * MS;
        takeover.grantAges(Map.of(N1, 3_400L), now); // removed after the heartbeat timeout + verification
        assertEquals(Map.of(), takeover.pending(now));
    }

    @Test
    void aConfirmedDeathIsNotWaitedForUntilTheNodeIsBack() {
        long now = 10_000 * MS;
        takeover.confirmed(N1, "its process exited", now);
        takeover.viewInstalled(view(5, N2, N3), now + 300 * MS);
        takeover.grantAges(Map.of(N1, 300L), now + 400 * MS);
        assertEquals(Map.of(), takeover.pending(now + 400 * MS));
        assertEquals("its process exited", takeover.confirmation(N1).orElseThrow());
        takeover.viewInstalled(view(6, N1, N2, N3), now + 20_000 * MS);
        assertTrue(takeover.confirmation(N1).isEmpty(), "back in the cluster: a new life");
    }

    @Test
    void evidenceForANodeThatIsNotRemovedSoonAfterIsDropped() {
        long now = 10_000 * MS;
        takeover.confirmed(N1, "its connection closed", now);
        takeover.viewInstalled(view(5, N1, N2, N3), now + 7_000 * MS); // still a member 7 s later
        takeover.viewInstalled(view(6, N2, N3), now + 9_000 * MS); // now removed (frozen, say)
        takeover.grantAges(Map.of(N1, 3_000L), now + 9_000 * MS);
        assertEquals(List.of(N1), List.copyOf(takeover.pending(now + 9_000 * MS).keySet()));
    }

    @Test
    void aMemberThatRestartedWithinALeaseTimeIsWaitedForUnlessTheOthersAreAMajority() {
        long now = 100_000 * MS;
        // n2 restarted 200 ms ago: its previous life may have granted n1 a lease it no longer knows of.
        takeover.viewInstalled(view(7, N2, N3), now);
        takeover.uptime(N2, 200, now);
        takeover.uptime(N3, 60_000, now);
        long until = now - 200 * MS + (long) (T.toNanos() * 1.01) + 300 * MS;
        assertEquals(Map.of(N2, until), takeover.pending(now), "n3 alone is not a majority of three");

        // With all three in the view, n1 and n3 remember their grants and are a majority: no wait.
        takeover.viewInstalled(view(8, N1, N2, N3), now);
        takeover.uptime(N2, 200, now);
        takeover.uptime(N1, 60_000, now);
        assertEquals(Map.of(), takeover.pending(now));
        assertEquals(Map.of(), takeover.pending(until), "and none once the lease time has passed");
    }
}
