package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.MessageCodec.Frame;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameFilterTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final Messages.Message CLEANUP = new Messages.Cleanup(null);

    private final FrameFilter receiver = new FrameFilter(B, 2);
    private final MessageCodec codec = new MessageCodec(io.hastack.core.security.ClusterKey.generate());

    private static View view(long seq, NodeId... members) {
        return new View(new ViewId(A, seq), List.of(members), false);
    }

    private static String reason(Optional<FrameFilter.Refusal> r) {
        return r.map(FrameFilter.Refusal::reason).orElse("accepted");
    }

    @Test
    void eachFrameIsAcceptedOnceAndAReplayIsRefused() throws Exception {
        receiver.viewInstalled(view(5, A, B));
        FrameFilter sender = new FrameFilter(A, 1);
        byte[] wire = codec.encode(sender.stamp(B, new ViewId(A, 5), CLEANUP));
        assertEquals("accepted", reason(receiver.check(A, codec.decode(wire))));
        assertEquals("replayed", reason(receiver.check(A, codec.decode(wire))));
        // later frames still pass, and an earlier one that was never seen (reordered) too
        Frame second = sender.stamp(B, new ViewId(A, 5), CLEANUP);
        Frame third = sender.stamp(B, new ViewId(A, 5), CLEANUP);
        assertEquals("accepted", reason(receiver.check(A, third)));
        assertEquals("accepted", reason(receiver.check(A, second)));
        assertEquals("replayed", reason(receiver.check(A, second)));
    }

    @Test
    void framesOlderThanTheWindowAreRefused() {
        receiver.viewInstalled(view(5, A, B));
        FrameFilter sender = new FrameFilter(A, 1);
        Frame old = sender.stamp(B, new ViewId(A, 5), CLEANUP);
        for (int i = 0; i < FrameFilter.WINDOW; i++) {
            sender.stamp(B, new ViewId(A, 5), CLEANUP);
        }
        assertEquals("accepted", reason(receiver.check(A, sender.stamp(B, new ViewId(A, 5), CLEANUP))));
        Optional<FrameFilter.Refusal> r = receiver.check(A, old);
        assertEquals("replayed", reason(r));
        assertTrue(r.orElseThrow().detail().contains("older than the last"), r.toString());
    }

    @Test
    void aFrameMustComeFromTheNodeItNamesAndGoToThisNode() {
        receiver.viewInstalled(view(5, A, B, C));
        FrameFilter a = new FrameFilter(A, 1);
        assertEquals("forged sender", reason(receiver.check(C, a.stamp(B, new ViewId(A, 5), CLEANUP))));
        assertEquals("reflected", reason(receiver.check(A, a.stamp(C, new ViewId(A, 5), CLEANUP))));
        FrameFilter own = new FrameFilter(B, 2);
        assertEquals("reflected", reason(receiver.check(B, own.stamp(B, new ViewId(A, 5), CLEANUP))));
        assertEquals("reflected", reason(receiver.check(C, own.stamp(C, new ViewId(A, 5), CLEANUP))));
    }

    @Test
    void anEarlierIncarnationIsRefusedOnceTheNodeCameBackAsANewOne() {
        receiver.viewInstalled(view(5, A, B));
        FrameFilter firstLife = new FrameFilter(A, 1);
        Frame captured = firstLife.stamp(B, new ViewId(A, 5), CLEANUP);
        assertEquals("accepted", reason(receiver.check(A, firstLife.stamp(B, new ViewId(A, 5), CLEANUP))));
        // while it speaks as incarnation 1, another incarnation is refused
        FrameFilter impostor = new FrameFilter(A, 99);
        assertEquals("replayed", reason(receiver.check(A, impostor.stamp(B, new ViewId(A, 5), CLEANUP))));
        // it leaves and comes back restarted
        receiver.viewInstalled(view(6, B));
        receiver.viewInstalled(view(7, A, B));
        FrameFilter secondLife = new FrameFilter(A, 3);
        assertEquals("accepted", reason(receiver.check(A, secondLife.stamp(B, new ViewId(A, 7), CLEANUP))));
        Optional<FrameFilter.Refusal> r = receiver.check(A, captured);
        assertEquals("replayed", reason(r));
        assertTrue(r.orElseThrow().detail().contains("earlier incarnation"), r.toString());
    }

    @Test
    void aNodeThatComesBackAsTheSameIncarnationGoesOn() {
        receiver.viewInstalled(view(5, A, B));
        FrameFilter a = new FrameFilter(A, 1);
        assertEquals("accepted", reason(receiver.check(A, a.stamp(B, new ViewId(A, 5), CLEANUP))));
        receiver.viewInstalled(view(6, B));
        receiver.viewInstalled(view(7, A, B));
        assertEquals("accepted", reason(receiver.check(A, a.stamp(B, new ViewId(A, 7), CLEANUP))));
    }

    @Test
    void aFrameSentInAViewOlderThanTheRecentOnesIsRefused() {
        FrameFilter a = new FrameFilter(A, 1);
        Frame stale = a.stamp(B, new ViewId(A, 3), CLEANUP);
        for (long v = 10; v < 10 + FrameFilter.RECENT_VIEWS; v++) {
            receiver.viewInstalled(view(v, A, B));
        }
        assertEquals("stale view", reason(receiver.check(A, stale)));
        assertEquals("accepted", reason(receiver.check(A, a.stamp(B, new ViewId(A, 10), CLEANUP))));
    }

    @Test
    void aRestartedNodeIsHeardInALaterViewEvenBeforeThisNodeSawItLeave() {
        receiver.viewInstalled(view(5, A, B));
        FrameFilter firstLife = new FrameFilter(A, 1);
        assertEquals("accepted", reason(receiver.check(A, firstLife.stamp(B, new ViewId(A, 5), CLEANUP))));
        FrameFilter secondLife = new FrameFilter(A, 3);
        assertEquals("accepted", reason(receiver.check(A, secondLife.stamp(B, new ViewId(A, 7), CLEANUP))));
        assertEquals("replayed", reason(receiver.check(A, firstLife.stamp(B, new ViewId(A, 5), CLEANUP))));
    }
}
