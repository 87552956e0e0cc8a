package io.hastack.core.runtime;

import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.Messages.Cleanup;
import io.hastack.core.runtime.Messages.ConfigInstall;
import io.hastack.core.runtime.Messages.ConfigProposal;
import io.hastack.core.runtime.Messages.ConfigRequest;
import io.hastack.core.runtime.Messages.ConfigVerdict;
import io.hastack.core.runtime.Messages.DeathNotice;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.Flag;
import io.hastack.core.runtime.Messages.LeasePing;
import io.hastack.core.runtime.Messages.LeasePong;
import io.hastack.core.runtime.Messages.LeaveGranted;
import io.hastack.core.runtime.Messages.MaintenanceOrder;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.MoveOrder;
import io.hastack.core.runtime.Messages.NodeOrder;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.Placement;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import io.hastack.core.runtime.Messages.StatusShare;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes cluster messages as versioned binary frames:
 *
 * <pre>
 * magic 'H' 'A' | version (1 byte) | flags (1 byte: bit 0 = authenticated)
 *   | sender | recipient | sender's incarnation (8 bytes) | sequence (8 bytes) | sender's view
 *   | type (1 byte) | body
 *   | HMAC-SHA256 of everything before it (32 bytes, only if authenticated)
 * </pre>
 *
 * The envelope (sender, recipient, incarnation, sequence, view) is what {@link FrameFilter} checks
 * against replay and reflection. Strings are modified UTF-8 with a 2-byte length, enums are written
 * by name, collections by an int count. With a cluster key every frame carries an HMAC (under a key
 * derived for this use) and frames without a valid one are rejected; without a key, an
 * authenticated frame is rejected too, so that a misconfigured node is noticed. A frame longer than
 * {@link #MAX_FRAME} is rejected before it is read. Thread-safe.
 */
final class MessageCodec {
    /**
     * 5: the envelope (sender, recipient, incarnation, sequence, view) in every frame; 8: a lease
     * request names the sender's configuration version, its hash, its node list and the list
     * before the change it commits.
     */
    static final int VERSION = 8;

    /** The longest frame read: far above any real message, far below what would hurt the heap. */
    static final int MAX_FRAME = 4 << 20;

    private static final int MAGIC = 0x4841;
    private static final int MAC_LENGTH = 32;
    private static final int MAX_COUNT = 1 << 20;
    /** Writes a message's body. */
    @FunctionalInterface
    private interface Writer<M extends Message> {
        void write(DataOutputStream out, M message) throws IOException;
    }

    /** Reads a message's body. */
    @FunctionalInterface
    private interface Reader<M extends Message> {
        M read(DataInputStream in) throws IOException, MalformedMessageException;
    }

    /**
     * One kind of message on the wire: its tag, its public {@link MessageKind} (what metrics count
     * it as), its class, how its body is written and read. Every kind is in {@link #KINDS}; adding a
     * message means adding one line there and a constant to {@link MessageKind} (a test checks that
     * every permitted subclass of {@link Message} has a line, and every {@link MessageKind} one
     * message).
     */
    private record Kind<M extends Message>(
            int tag, MessageKind kind, Class<M> type, Writer<M> writer, Reader<M> reader) {
        void write(DataOutputStream out, Message message) throws IOException {
            out.writeByte(tag);
            writer.write(out, type.cast(message));
        }
    }

    private static final List<Kind<?>> KINDS = List.of(
            new Kind<>(
                    1,
                    MessageKind.PROBE,
                    Probe.class,
                    (out, m) -> writeView(out, m.view()),
                    in -> new Probe(readView(in))),
            new Kind<>(
                    2, MessageKind.NODE_REPORT, NodeReport.class, MessageCodec::writeReport, MessageCodec::readReport),
            new Kind<>(3, MessageKind.EXECUTE, Execute.class, MessageCodec::writeExecute, MessageCodec::readExecute),
            new Kind<>(
                    4,
                    MessageKind.LEAVE_GRANTED,
                    LeaveGranted.class,
                    (out, m) -> writeView(out, m.view()),
                    in -> new LeaveGranted(readView(in))),
            new Kind<>(
                    5,
                    MessageKind.CLEANUP,
                    Cleanup.class,
                    (out, m) -> out.writeUTF(
                            m.resource() == null ? "" : m.resource().value()),
                    in -> {
                        String r = in.readUTF();
                        return new Cleanup(r.isEmpty() ? null : ResourceId.of(r));
                    }),
            new Kind<>(6, MessageKind.MOVE_ORDER, MoveOrder.class, MessageCodec::writeMove, MessageCodec::readMove),
            new Kind<>(
                    7,
                    MessageKind.PLACEMENT,
                    Placement.class,
                    MessageCodec::writePlacement,
                    MessageCodec::readPlacement),
            new Kind<>(
                    8,
                    MessageKind.MAINTENANCE_ORDER,
                    MaintenanceOrder.class,
                    (out, m) -> {
                        out.writeBoolean(m.on());
                        out.writeLong(m.issued().toEpochMilli());
                    },
                    in -> new MaintenanceOrder(in.readBoolean(), Instant.ofEpochMilli(in.readLong()))),
            new Kind<>(
                    9,
                    MessageKind.LEASE_PING,
                    LeasePing.class,
                    (out, m) -> {
                        writeView(out, m.view());
                        out.writeLong(m.sequence());
                        out.writeLong(m.leaseMillis());
                        out.writeLong(m.configVersion());
                        out.writeUTF(m.configHash());
                        writeNodes(out, m.nodes());
                        writeNodes(out, m.previousNodes());
                    },
                    in -> new LeasePing(
                            readView(in),
                            in.readLong(),
                            in.readLong(),
                            in.readLong(),
                            in.readUTF(),
                            readNodes(in),
                            readNodes(in))),
            new Kind<>(
                    10,
                    MessageKind.LEASE_PONG,
                    LeasePong.class,
                    (out, m) -> {
                        writeView(out, m.view());
                        out.writeLong(m.sequence());
                    },
                    in -> new LeasePong(readView(in), in.readLong())),
            new Kind<>(
                    11,
                    MessageKind.DEATH_NOTICE,
                    DeathNotice.class,
                    (out, m) -> {
                        out.writeUTF(m.node().value());
                        out.writeUTF(m.reason());
                    },
                    in -> new DeathNotice(NodeId.of(in.readUTF()), in.readUTF())),
            new Kind<>(
                    12,
                    MessageKind.CONFIG_PROPOSAL,
                    ConfigProposal.class,
                    (out, m) -> {
                        out.writeLong(m.request());
                        out.writeLong(m.baseVersion());
                        out.writeUTF(m.baseHash());
                        ConfigCodec.writeConfig(out, m.config());
                    },
                    in -> new ConfigProposal(in.readLong(), in.readLong(), in.readUTF(), ConfigCodec.readConfig(in))),
            new Kind<>(
                    13,
                    MessageKind.CONFIG_VERDICT,
                    ConfigVerdict.class,
                    (out, m) -> {
                        out.writeLong(m.request());
                        out.writeLong(m.version());
                        out.writeUTF(m.refusal());
                        out.writeBoolean(m.retry());
                    },
                    in -> new ConfigVerdict(in.readLong(), in.readLong(), in.readUTF(), in.readBoolean())),
            new Kind<>(
                    14,
                    MessageKind.CONFIG_INSTALL,
                    ConfigInstall.class,
                    (out, m) -> ConfigCodec.write(out, m.config()),
                    in -> new ConfigInstall(ConfigCodec.read(in))),
            new Kind<>(
                    15,
                    MessageKind.CONFIG_REQUEST,
                    ConfigRequest.class,
                    (out, m) -> out.writeLong(m.version()),
                    in -> new ConfigRequest(in.readLong())),
            new Kind<>(
                    16,
                    MessageKind.STATUS_SHARE,
                    StatusShare.class,
                    MessageCodec::writeStatusShare,
                    MessageCodec::readStatusShare),
            new Kind<>(
                    17,
                    MessageKind.NODE_ORDER,
                    NodeOrder.class,
                    (out, m) -> {
                        out.writeUTF(m.node().value());
                        out.writeBoolean(m.standby());
                        out.writeBoolean(m.on());
                    },
                    in -> new NodeOrder(NodeId.of(in.readUTF()), in.readBoolean(), in.readBoolean())));
    private static final Map<Class<?>, Kind<?>> BY_TYPE = new HashMap<>();
    private static final Map<Integer, Kind<?>> BY_TAG = new HashMap<>();

    static {
        for (Kind<?> k : KINDS) {
            if (BY_TYPE.put(k.type(), k) != null
                    || BY_TAG.put(k.tag(), k) != null
                    || BY_TYPE.values().stream()
                                    .filter(o -> o.kind() == k.kind())
                                    .count()
                            > 1) {
                throw new ExceptionInInitializerError(
                        "message kind " + k.type() + ", tag " + k.tag() + " or " + k.kind() + " twice");
            }
        }
    }

    /** The classes of message this codec writes and reads. */
    static Set<Class<?>> kinds() {
        return Set.copyOf(BY_TYPE.keySet());
    }

    /** The kind of every class of message, as the codec's table names them. */
    static Map<Class<?>, MessageKind> kindsByType() {
        Map<Class<?>, MessageKind> out = new HashMap<>();
        BY_TYPE.forEach((type, k) -> out.put(type, k.kind()));
        return Map.copyOf(out);
    }

    /**
     * The kind of {@code message}.
     *
     * @throws IllegalArgumentException if the codec has no encoding for it
     */
    static MessageKind kindOf(Message message) {
        Kind<?> kind = BY_TYPE.get(message.getClass());
        if (kind == null) {
            throw new IllegalArgumentException("no encoding for " + message);
        }
        return kind.kind();
    }

    /**
     * A message with its envelope.
     *
     * @param sender the node that sent it
     * @param recipient the node it was sent to
     * @param incarnation the sender's incarnation: random, new each time its node starts
     * @param sequence the sender's frame number in this incarnation, from 1, one per frame sent
     * @param view the view the sender was in when it sent the frame
     * @param message the message
     */
    record Frame(NodeId sender, NodeId recipient, long incarnation, long sequence, ViewId view, Message message) {}

    private final SecretKeySpec key;

    /** A codec that authenticates frames with {@code key}, or none if {@code key} is null. */
    MessageCodec(ClusterKey key) {
        this.key = key == null ? null : new SecretKeySpec(key.derive("frame-mac", 32), "HmacSHA256");
    }

    /** Whether frames are authenticated. */
    boolean authenticated() {
        return key != null;
    }

    byte[] encode(Frame frame) {
        Message message = frame.message();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeShort(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(key == null ? 0 : 1);
            out.writeUTF(frame.sender().value());
            out.writeUTF(frame.recipient().value());
            out.writeLong(frame.incarnation());
            out.writeLong(frame.sequence());
            writeView(out, frame.view());
            Kind<?> kind = BY_TYPE.get(message.getClass());
            if (kind == null) {
                throw new IllegalArgumentException("no encoding for " + message);
            }
            kind.write(out, message);
            out.flush();
            if (key == null) {
                return bytes.toByteArray();
            }
            byte[] body = bytes.toByteArray();
            byte[] framed = Arrays.copyOf(body, body.length + MAC_LENGTH);
            System.arraycopy(mac(body, body.length), 0, framed, body.length, MAC_LENGTH);
            return framed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + message, e);
        }
    }

    Frame decode(byte[] frame) throws MalformedMessageException {
        if (frame == null || frame.length < 5) {
            throw new MalformedMessageException(
                    "frame of " + (frame == null ? 0 : frame.length) + " bytes is shorter than a header");
        }
        if (frame.length > MAX_FRAME) {
            throw new MalformedMessageException(
                    "oversized",
                    "frame of " + frame.length + " bytes is longer than the limit of " + MAX_FRAME + " bytes");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        try {
            int magic = in.readUnsignedShort();
            if (magic != MAGIC) {
                throw new MalformedMessageException(String.format("bad magic 0x%04x: not an HA Stack message", magic));
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedMessageException(
                        "version", "unsupported message version " + version + " (this node speaks " + VERSION + ")");
            }
            boolean authenticated = (in.readUnsignedByte() & 1) != 0;
            checkAuthentication(frame, authenticated);
            int length = authenticated ? frame.length - MAC_LENGTH : frame.length;
            in = new DataInputStream(new ByteArrayInputStream(frame, 4, length - 4));
            NodeId sender = NodeId.of(in.readUTF());
            NodeId recipient = NodeId.of(in.readUTF());
            long incarnation = in.readLong();
            long sequence = in.readLong();
            ViewId view = readView(in);
            int type = in.readUnsignedByte();
            Kind<?> kind = BY_TAG.get(type);
            if (kind == null) {
                throw new MalformedMessageException("unknown message type " + type);
            }
            Message message = kind.reader().read(in);
            if (in.available() > 0) {
                throw new MalformedMessageException(
                        in.available() + " unexpected trailing bytes after message type " + type);
            }
            return new Frame(sender, recipient, incarnation, sequence, view, message);
        } catch (EOFException e) {
            throw new MalformedMessageException("frame is truncated", e);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new MalformedMessageException("frame is invalid: " + e.getMessage(), e);
        }
    }

    private void checkAuthentication(byte[] frame, boolean authenticated) throws MalformedMessageException {
        if (key == null) {
            if (authenticated) {
                throw new MalformedMessageException(
                        "bad MAC",
                        "message is authenticated but this node has no cluster key: configure the same key on"
                                + " every node");
            }
            return;
        }
        if (!authenticated) {
            throw new MalformedMessageException(
                    "bad MAC", "unauthenticated message: this cluster requires a valid HMAC");
        }
        if (frame.length < 5 + MAC_LENGTH) {
            throw new MalformedMessageException("bad MAC", "authenticated frame is too short to hold its HMAC");
        }
        int bodyLength = frame.length - MAC_LENGTH;
        byte[] expected = mac(frame, bodyLength);
        byte[] actual = Arrays.copyOfRange(frame, bodyLength, frame.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new MalformedMessageException(
                    "bad MAC", "HMAC does not match: wrong cluster key or a tampered message");
        }
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static void writeReport(DataOutputStream out, NodeReport r) throws IOException {
        writeView(out, r.view());
        out.writeUTF(r.configHash());
        out.writeLong(r.configVersion());
        int flags = 0;
        for (Flag f : r.flags()) {
            flags |= f.bit();
        }
        out.writeByte(flags);
        out.writeBoolean(r.completedPlan() != null);
        if (r.completedPlan() != null) {
            writePlanId(out, r.completedPlan());
        }
        writeStates(out, r.states());
        writeFailures(out, r.failures());
        out.writeInt(r.moves().size());
        for (MoveOrder m : r.moves()) {
            writeMove(out, m);
        }
        out.writeBoolean(r.clusterMaintenance().on());
        out.writeLong(r.clusterMaintenance().issued().toEpochMilli());
        out.writeInt(r.grantAges().size());
        for (Map.Entry<NodeId, Long> e : r.grantAges().entrySet()) {
            out.writeUTF(e.getKey().value());
            out.writeLong(e.getValue());
        }
        out.writeLong(r.uptimeMillis());
    }

    private static void writeStates(DataOutputStream out, Map<ResourceId, ResourceState> states) throws IOException {
        out.writeInt(states.size());
        for (Map.Entry<ResourceId, ResourceState> e : states.entrySet()) {
            out.writeUTF(e.getKey().value());
            out.writeUTF(e.getValue().name());
        }
    }

    private static Map<ResourceId, ResourceState> readStates(DataInputStream in)
            throws IOException, MalformedMessageException {
        int n = count(in);
        Map<ResourceId, ResourceState> states = new HashMap<>();
        for (int i = 0; i < n; i++) {
            states.put(ResourceId.of(in.readUTF()), ResourceState.valueOf(in.readUTF()));
        }
        return states;
    }

    private static void writeFailures(DataOutputStream out, Map<ResourceId, Failure> failures) throws IOException {
        out.writeInt(failures.size());
        for (Map.Entry<ResourceId, Failure> e : failures.entrySet()) {
            out.writeUTF(e.getKey().value());
            out.writeInt(e.getValue().count());
            out.writeLong(e.getValue().last().toEpochMilli());
            out.writeUTF(e.getValue().operation().name());
        }
    }

    private static Map<ResourceId, Failure> readFailures(DataInputStream in)
            throws IOException, MalformedMessageException {
        int m = count(in);
        Map<ResourceId, Failure> failures = new HashMap<>();
        for (int i = 0; i < m; i++) {
            ResourceId id = ResourceId.of(in.readUTF());
            int c = in.readInt();
            if (c < 1) {
                throw new MalformedMessageException("failure count " + c + " for " + id + " is not positive");
            }
            failures.put(id, new Failure(c, Instant.ofEpochMilli(in.readLong()), Operation.valueOf(in.readUTF())));
        }
        return failures;
    }

    private static void writeStatusShare(DataOutputStream out, StatusShare share) throws IOException {
        writeView(out, share.view());
        out.writeLong(share.configVersion());
        out.writeInt(share.nodes().size());
        for (NodeInfo n : share.nodes()) {
            out.writeUTF(n.node().value());
            out.writeUTF(n.status().name());
            writeStates(out, n.states());
            writeFailures(out, n.failures());
        }
        out.writeInt(share.notes().size());
        for (String note : share.notes()) {
            out.writeUTF(note.length() > 2000 ? note.substring(0, 2000) : note);
        }
    }

    private static StatusShare readStatusShare(DataInputStream in) throws IOException, MalformedMessageException {
        ViewId view = readView(in);
        long version = in.readLong();
        int n = count(in);
        List<NodeInfo> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeInfo(
                    NodeId.of(in.readUTF()), NodeStatus.valueOf(in.readUTF()), readStates(in), readFailures(in)));
        }
        int k = count(in);
        List<String> notes = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            notes.add(in.readUTF());
        }
        return new StatusShare(view, version, nodes, notes);
    }

    private static void writeMove(DataOutputStream out, MoveOrder m) throws IOException {
        out.writeUTF(m.group().value());
        out.writeLong(m.issued().toEpochMilli());
        out.writeBoolean(m.move().isPresent());
        if (m.move().isPresent()) {
            Move move = m.move().get();
            out.writeUTF(move.node().value());
            out.writeBoolean(move.ban());
            out.writeLong(move.until().map(Instant::toEpochMilli).orElse(-1L));
        }
    }

    private static MoveOrder readMove(DataInputStream in) throws IOException {
        GroupId group = GroupId.of(in.readUTF());
        Instant issued = Instant.ofEpochMilli(in.readLong());
        Optional<Move> move = Optional.empty();
        if (in.readBoolean()) {
            NodeId node = NodeId.of(in.readUTF());
            boolean ban = in.readBoolean();
            long until = in.readLong();
            move = Optional.of(new Move(
                    group, node, ban, until < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(until))));
        }
        return new MoveOrder(group, move, issued);
    }

    private static NodeReport readReport(DataInputStream in) throws IOException, MalformedMessageException {
        ViewId view = readView(in);
        String hash = in.readUTF();
        long configVersion = in.readLong();
        int bits = in.readUnsignedByte();
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (Flag f : Flag.values()) {
            if ((bits & f.bit()) != 0) {
                flags.add(f);
                bits &= ~f.bit();
            }
        }
        if (bits != 0) {
            throw new MalformedMessageException("unknown report flags 0x" + Integer.toHexString(bits));
        }
        PlanId completed = in.readBoolean() ? readPlanId(in) : null;
        Map<ResourceId, ResourceState> states = readStates(in);
        Map<ResourceId, Failure> failures = readFailures(in);
        int k = count(in);
        List<MoveOrder> moves = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            moves.add(readMove(in));
        }
        MaintenanceOrder cluster = new MaintenanceOrder(in.readBoolean(), Instant.ofEpochMilli(in.readLong()));
        int g = count(in);
        Map<NodeId, Long> grants = new HashMap<>();
        for (int i = 0; i < g; i++) {
            grants.put(NodeId.of(in.readUTF()), in.readLong());
        }
        return new NodeReport(
                view, hash, configVersion, flags, completed, states, failures, moves, cluster, grants, in.readLong());
    }

    private static void writeExecute(DataOutputStream out, Execute x) throws IOException {
        writePlanId(out, x.plan());
        out.writeInt(x.actions().size());
        for (Action a : x.actions()) {
            out.writeUTF(a.type().name());
            out.writeUTF(a.node().value());
            out.writeUTF(a.group().value());
            out.writeUTF(a.resource().value());
            out.writeUTF(a.reason());
            out.writeLong(a.epoch());
        }
        out.writeUTF(x.configHash());
    }

    private static void writePlacement(DataOutputStream out, Placement p) throws IOException {
        writeView(out, p.view());
        out.writeInt(p.active().size());
        for (Map.Entry<NodeId, Map<ResourceId, ResourceState>> e : p.active().entrySet()) {
            out.writeUTF(e.getKey().value());
            writeStates(out, e.getValue());
        }
    }

    private static Placement readPlacement(DataInputStream in) throws IOException, MalformedMessageException {
        ViewId view = readView(in);
        int n = count(in);
        Map<NodeId, Map<ResourceId, ResourceState>> active = new HashMap<>();
        for (int i = 0; i < n; i++) {
            active.put(NodeId.of(in.readUTF()), readStates(in));
        }
        return new Placement(view, active);
    }

    private static Execute readExecute(DataInputStream in) throws IOException, MalformedMessageException {
        PlanId plan = readPlanId(in);
        int n = count(in);
        List<Action> actions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            actions.add(new Action(
                    ActionType.valueOf(in.readUTF()),
                    NodeId.of(in.readUTF()),
                    GroupId.of(in.readUTF()),
                    ResourceId.of(in.readUTF()),
                    in.readUTF(),
                    in.readLong()));
        }
        return new Execute(plan, actions, in.readUTF());
    }

    private static int count(DataInputStream in) throws IOException, MalformedMessageException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT || n > in.available()) {
            throw new MalformedMessageException("implausible element count " + n);
        }
        return n;
    }

    private static void writeNodes(DataOutputStream out, List<NodeId> nodes) throws IOException {
        out.writeInt(nodes.size());
        for (NodeId n : nodes) {
            out.writeUTF(n.value());
        }
    }

    private static List<NodeId> readNodes(DataInputStream in) throws IOException, MalformedMessageException {
        int n = count(in);
        List<NodeId> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(NodeId.of(in.readUTF()));
        }
        return nodes;
    }

    private static void writeView(DataOutputStream out, ViewId view) throws IOException {
        out.writeUTF(view.creator().value());
        out.writeLong(view.sequence());
    }

    private static ViewId readView(DataInputStream in) throws IOException {
        return new ViewId(NodeId.of(in.readUTF()), in.readLong());
    }

    private static void writePlanId(DataOutputStream out, PlanId plan) throws IOException {
        writeView(out, plan.view());
        out.writeLong(plan.sequence());
    }

    private static PlanId readPlanId(DataInputStream in) throws IOException {
        return new PlanId(readView(in), in.readLong());
    }
}
