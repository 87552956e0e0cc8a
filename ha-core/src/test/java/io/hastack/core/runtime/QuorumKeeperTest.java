package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.quorum.QuorumDevice;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which sets of members sustain quorum (the lease's rule), around a tie-break. */
class QuorumKeeperTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    /** Device calls wait here until the test runs them; the host's posts run at once. */
    private final Deque<Runnable> deviceCalls = new ArrayDeque<>();

    private boolean tieWon = true;

    private final QuorumDevice device = new QuorumDevice() {
        @Override
        public boolean claimTie(Set<NodeId> partition) {
            return tieWon;
        }

        @Override
        public void recordMajority(Set<NodeId> partition) {}

        @Override
        public long nextEpoch(ResourceId resource) {
            return 1;
        }

        @Override
        public String describe() {
            return "test device";
        }

        @Override
        public void close() {}
    };

    private final QuorumKeeper keeper = new QuorumKeeper(
            N1,
            LiveConfig.of(ClusterConfig.builder().nodes("n1", "n2").build()),
            Optional.of(device),
            deviceCalls::add,
            new QuorumKeeper.Host() {
                @Override
                public void post(Runnable task) {
                    task.run();
                }

                @Override
                public void decided(View view, Quorum previous, Quorum now, String text) {}

                @Override
                public void recorded(View view, String detail) {}

                @Override
                public void schedule(Runnable task, Duration delay) {}
            });

    private static View view(long seq, NodeId... members) {
        return new View(new ViewId(members[0], seq), List.of(members), false);
    }

    private void runDeviceCalls() {
        while (!deviceCalls.isEmpty()) {
            deviceCalls.poll().run();
        }
    }

    @Test
    void whileATieIsDecidedRecentAnswersOfAMajorityStillSustainButAHalfDoesNot() {
        keeper.evaluate(view(1, N1, N2));
        assertEquals(Quorum.QUORATE, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1, N2)));
        assertFalse(keeper.sustains(Set.of(N1)), "half of the votes, and the view was not won by a tie");

        keeper.evaluate(view(2, N1)); // n2 crashed: a tie to claim
        assertEquals(Quorum.UNDECIDED, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1, N2)), "n2 answered within the lease: nobody else can have taken over");
        assertFalse(keeper.sustains(Set.of(N1)));

        runDeviceCalls();
        assertEquals(Quorum.QUORATE, keeper.state());
        assertTrue(keeper.sustains(Set.of(N1)), "the tie is won: the single member sustains its view alone");
    }

    @Test
    void aLostTieSustainsNothing() {
        tieWon = false;
        keeper.evaluate(view(1, N1));
        runDeviceCalls();
        assertEquals(Quorum.NOT_QUORATE, keeper.state());
        assertFalse(keeper.sustains(Set.of(N1, N2)));
    }

    @Test
    void committingANodeListChangeKeepsATieWonForTheSameMembersWithoutClaimingAgain() {
        ClusterConfig joint = ClusterConfig.builder()
                .nodes("n1", "n2", "n3", "n4")
                .previousNodes(List.of(N1, N2, NodeId.of("n3")))
                .build();
        LiveConfig live = LiveConfig.of(joint);
        List<Quorum> decisions = new java.util.ArrayList<>();
        QuorumKeeper k = new QuorumKeeper(N1, live, Optional.of(device), deviceCalls::add, new QuorumKeeper.Host() {
            @Override
            public void post(Runnable task) {
                task.run();
            }

            @Override
            public void decided(View view, Quorum previous, Quorum now, String text) {
                decisions.add(now);
            }

            @Override
            public void recorded(View view, String detail) {}

            @Override
            public void schedule(Runnable task, Duration delay) {}
        });
        k.evaluate(view(1, N1, N2)); // 2 of the old 3 (a strict majority), half of the new 4: a tie
        assertEquals(Quorum.UNDECIDED, k.state());
        runDeviceCalls();
        assertEquals(Quorum.QUORATE, k.state());
        assertTrue(k.sustains(Set.of(N1, N2)));

        ClusterConfig committed = joint.toBuilder().previousNodes(List.of()).build();
        live.set(io.hastack.core.model.VersionedConfig.of(2, committed));
        k.nodesChanged(joint, committed);
        assertEquals(Quorum.QUORATE, k.state(), "still a tie of the same members, won");
        assertTrue(deviceCalls.isEmpty(), "no second claim, no undecided gap");
        assertTrue(k.sustains(Set.of(N1, N2)));
        assertEquals(List.of(Quorum.UNDECIDED, Quorum.QUORATE), decisions);

        // A change back to a list where these members lack a strict majority of the old one decides
        // again, at once.
        ClusterConfig shrinking = ClusterConfig.builder()
                .nodes("n1", "n2", "n3", "n4", "n5")
                .previousNodes(List.of(N1, N2, NodeId.of("n3"), NodeId.of("n4")))
                .build();
        live.set(io.hastack.core.model.VersionedConfig.of(3, shrinking));
        k.nodesChanged(committed, shrinking);
        assertEquals(Quorum.NOT_QUORATE, k.state());
        assertFalse(k.sustains(Set.of(N1, N2)));
    }
}
