package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.LeaveGranted;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Move;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MessageCodecTest {
    private static final ViewId VIEW = new ViewId(NodeId.of("node1"), 42);
    private static final ClusterKey SECRET = ClusterKey.generate();
    /** Where the type byte is: header 4, sender and recipient 2 + 5 each, incarnation and sequence 16, view 15. */
    private static final int TYPE_AT = 4 + 7 + 7 + 16 + 15;

    private static MessageCodec.Frame frame(Message m) {
        return new MessageCodec.Frame(NodeId.of("node1"), NodeId.of("node2"), 0x1234, 7, VIEW, m);
    }

    private static List<Message> samples() {
        PlanId plan = new PlanId(VIEW, 3);
        return List.of(
                new Probe(VIEW),
                new NodeReport(
                        VIEW,
                        "abcdef0123456789",
                        7L,
                        java.util.EnumSet.of(
                                Messages.Flag.LEAVING,
                                Messages.Flag.MAINTENANCE,
                                Messages.Flag.QUORATE,
                                Messages.Flag.RECONFIGURING),
                        plan,
                        Map.of(ResourceId.of("web"), ResourceState.RUNNING, ResourceId.of("db"), ResourceState.FAILED),
                        Map.of(
                                ResourceId.of("db"),
                                new Failure(2, Instant.ofEpochMilli(1_763_000_000_123L), Operation.MONITOR)),
                        List.of(
                                new MoveOrder(
                                        GroupId.of("g"),
                                        Optional.of(new Move(
                                                GroupId.of("g"),
                                                NodeId.of("node2"),
                                                false,
                                                Optional.of(Instant.ofEpochMilli(1_763_000_600_000L)))),
                                        Instant.ofEpochMilli(1_763_000_000_000L)),
                                new MoveOrder(GroupId.of("h"), Optional.empty(), Instant.ofEpochMilli(5))),
                        new Messages.MaintenanceOrder(true, Instant.ofEpochMilli(99)),
                        Map.of(NodeId.of("node3"), 1234L),
                        98_765L),
                new NodeReport(
                        VIEW,
                        "abcdef0123456789",
                        0L,
                        java.util.Set.of(Messages.Flag.STANDBY),
                        null,
                        Map.of(),
                        Map.of(),
                        List.of(),
                        Messages.MaintenanceOrder.NONE,
                        Map.of(),
                        0L),
                new Messages.LeasePing(
                        VIEW,
                        7,
                        3000,
                        12,
                        "1a2b3c4d5e6f",
                        List.of(NodeId.of("node1"), NodeId.of("node2")),
                        List.of(NodeId.of("node1"))),
                new Messages.LeasePong(VIEW, Long.MAX_VALUE),
                new Messages.DeathNotice(NodeId.of("node2"), "host monitor: powered off"),
                new Messages.MaintenanceOrder(false, Instant.ofEpochMilli(1234)),
                new MoveOrder(
                        GroupId.of("g"),
                        Optional.of(new Move(GroupId.of("g"), NodeId.of("node1"), true, Optional.empty())),
                        Instant.ofEpochMilli(77)),
                new Execute(
                        plan,
                        List.of(
                                new Action(
                                        ActionType.STOP,
                                        NodeId.of("node2"),
                                        GroupId.of("g"),
                                        ResourceId.of("web"),
                                        "group g moves node2 -> node1: node2 is shutting down"),
                                new Action(
                                        ActionType.START,
                                        NodeId.of("node2"),
                                        GroupId.of("g"),
                                        ResourceId.of("db"),
                                        "ünïcode réason ✓",
                                        42)),
                        "abcdef0123456789"),
                new LeaveGranted(VIEW),
                new Messages.Cleanup(ResourceId.of("web")),
                new Messages.Cleanup(null),
                new Messages.Placement(
                        VIEW,
                        Map.of(
                                NodeId.of("node1"),
                                Map.of(ResourceId.of("web"), ResourceState.RUNNING),
                                NodeId.of("node2"),
                                Map.of())),
                new Messages.ConfigProposal(3, 6, "0a1b2c3d4e5f", ConfigCodecTest.richConfig()),
                new Messages.ConfigProposal(4, -1, "", ConfigCodecTest.richConfig()),
                new Messages.ConfigVerdict(3, 7, "", false),
                new Messages.ConfigVerdict(4, 7, "the coordinator's partition has no quorum", true),
                new Messages.ConfigInstall(io.hastack.core.model.VersionedConfig.initial(ConfigCodecTest.richConfig())
                        .next(ConfigCodecTest.richConfig())),
                new Messages.ConfigRequest(9),
                new Messages.StatusShare(
                        VIEW,
                        3,
                        List.of(
                                new io.hastack.core.spi.plan.NodeInfo(
                                        NodeId.of("node1"),
                                        io.hastack.core.spi.plan.NodeStatus.ONLINE,
                                        Map.of(ResourceId.of("web"), ResourceState.RUNNING),
                                        Map.of(
                                                ResourceId.of("db"),
                                                new Failure(1, Instant.ofEpochMilli(5000), Operation.START))),
                                new io.hastack.core.spi.plan.NodeInfo(
                                        NodeId.of("node2"),
                                        io.hastack.core.spi.plan.NodeStatus.CONFIG_MISMATCH,
                                        Map.of(),
                                        Map.of())),
                        List.of("group g waits: app is starting on node1")),
                new Messages.NodeOrder(NodeId.of("node2"), true, true),
                new Messages.NodeOrder(NodeId.of("node3"), false, false));
    }

    /**
     * Every kind of message (each permitted subclass of {@link Message}) has a line in the codec's
     * table and a sample here, so a message cannot be half added.
     */
    @Test
    void everyKindOfMessageHasAnEncodingAndASample() {
        java.util.Set<Class<?>> permitted = java.util.Set.of(Message.class.getPermittedSubclasses());
        assertEquals(permitted, MessageCodec.kinds());
        assertEquals(permitted, samples().stream().map(Object::getClass).collect(java.util.stream.Collectors.toSet()));
    }

    /** Every {@link MessageKind} names exactly one kind of message, so that counts by kind add up. */
    @Test
    void everyMessageKindNamesOneMessage() {
        java.util.Map<Class<?>, MessageKind> kinds = MessageCodec.kindsByType();
        assertEquals(java.util.Set.of(Message.class.getPermittedSubclasses()), kinds.keySet());
        assertEquals(
                java.util.EnumSet.allOf(MessageKind.class),
                java.util.EnumSet.copyOf(kinds.values()),
                "a kind without a message");
        assertEquals(MessageKind.values().length, kinds.size(), "a kind named twice: " + kinds);
        for (Message sample : samples()) {
            assertEquals(kinds.get(sample.getClass()), MessageCodec.kindOf(sample));
        }
    }

    @Test
    void unknownReportFlagsAreRejected() {
        MessageCodec codec = new MessageCodec(null);
        NodeReport report = (NodeReport) samples().get(2);
        byte[] frame = codec.encode(frame(report));
        // type (1) + view (2 + 5 + 8) + hash (2 + 16) + version (8): then the flags byte
        int at = TYPE_AT + 1 + 2 + "node1".length() + 8 + 2 + 16 + 8;
        assertEquals(
                2,
                frame[at],
                "the wire bits are fixed: leaving 1, standby 2, maintenance 4, quorate 8, reconfiguring 16,"
                        + " volatile configuration 32");
        assertEquals(
                List.of(1, 2, 4, 8, 16, 32),
                java.util.Arrays.stream(Messages.Flag.values())
                        .map(Messages.Flag::bit)
                        .toList());
        frame[at] |= (byte) 0x80;
        assertTrue(assertThrows(MalformedMessageException.class, () -> codec.decode(frame))
                .getMessage()
                .contains("unknown report flags 0x80"));
    }

    @Test
    void everyMessageSurvivesARoundTrip() throws Exception {
        for (MessageCodec codec : List.of(new MessageCodec(null), new MessageCodec(SECRET))) {
            for (Message m : samples()) {
                assertEquals(frame(m), codec.decode(codec.encode(frame(m))));
            }
        }
    }

    @Test
    void rejectsGarbageTruncationAndUnknownVersionsWithAClearMessage() {
        MessageCodec codec = new MessageCodec(null);
        byte[] good = codec.encode(frame(samples().get(1)));

        assertTrue(assertThrows(MalformedMessageException.class, () -> codec.decode(new byte[] {1, 2}))
                .getMessage()
                .contains("shorter than a header"));
        assertTrue(assertThrows(
                        MalformedMessageException.class,
                        () -> codec.decode("GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII)))
                .getMessage()
                .contains("bad magic"));
        byte[] future = good.clone();
        future[2] = 99;
        assertTrue(assertThrows(MalformedMessageException.class, () -> codec.decode(future))
                .getMessage()
                .contains("unsupported message version 99"));
        for (int cut = 5; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(MalformedMessageException.class, () -> codec.decode(truncated), "cut at " + cut);
        }
        byte[] unknownType = good.clone();
        unknownType[TYPE_AT] = 77;
        assertTrue(assertThrows(MalformedMessageException.class, () -> codec.decode(unknownType))
                .getMessage()
                .contains("unknown message type 77"));
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertTrue(assertThrows(MalformedMessageException.class, () -> codec.decode(trailing))
                .getMessage()
                .contains("trailing bytes"));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButMalformedMessageException() {
        MessageCodec codec = new MessageCodec(null);
        Random random = new Random(1234);
        byte[] good = codec.encode(frame(samples().get(3)));
        for (int i = 0; i < 5000; i++) {
            byte[] mutated = good.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                codec.decode(mutated);
            } catch (MalformedMessageException expected) {
                // the only acceptable failure
            }
        }
    }

    @Test
    void anAuthenticatedClusterRejectsForgedAndUnauthenticatedMessages() {
        MessageCodec ours = new MessageCodec(SECRET);
        MessageCodec theirs = new MessageCodec(ClusterKey.generate());
        MessageCodec none = new MessageCodec(null);
        MessageCodec.Frame m = frame(samples().get(3));

        assertTrue(assertThrows(MalformedMessageException.class, () -> ours.decode(theirs.encode(m)))
                .getMessage()
                .contains("HMAC does not match"));
        assertTrue(assertThrows(MalformedMessageException.class, () -> ours.decode(none.encode(m)))
                .getMessage()
                .contains("unauthenticated"));
        assertTrue(assertThrows(MalformedMessageException.class, () -> none.decode(ours.encode(m)))
                .getMessage()
                .contains("no cluster key"));
        byte[] tampered = ours.encode(m);
        tampered[10] ^= 1;
        assertThrows(MalformedMessageException.class, () -> ours.decode(tampered));
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedBeforeItIsRead() {
        MessageCodec codec = new MessageCodec(SECRET);
        MalformedMessageException e =
                assertThrows(MalformedMessageException.class, () -> codec.decode(new byte[MessageCodec.MAX_FRAME + 1]));
        assertEquals("oversized", e.reason());
        assertTrue(e.getMessage().contains("longer than the limit"), e.getMessage());
    }
}
