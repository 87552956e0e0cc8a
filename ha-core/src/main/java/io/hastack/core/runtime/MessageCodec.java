package io.hastack.core.runtime;

import io.hastack.core.membership.ViewId;
import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.Operation;
import io.hastack.core.plan.Move;
import io.hastack.core.runtime.Messages.MoveOrder;
import java.time.Instant;
import java.util.Optional;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.Action;
import io.hastack.core.plan.ActionType;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.LeaveGranted;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes cluster messages as versioned binary frames:
 *
 * <pre>
 * magic 'H' 'A' | version (1 byte) | flags (1 byte: bit 0 = authenticated) | type (1 byte) | body
 *   | HMAC-SHA256 of everything before it (32 bytes, only if authenticated)
 * </pre>
 *
 * Strings are modified UTF-8 with a 2-byte length, enums are written by name, collections by an
 * int count. With a cluster secret every frame carries an HMAC and frames without a valid one are
 * rejected; without a secret, an authenticated frame is rejected too, so that a misconfigured node
 * is noticed. Thread-safe.
 */
final class MessageCodec {
    static final int VERSION = 2;
    private static final int MAGIC = 0x4841;
    private static final int MAC_LENGTH = 32;
    private static final int MAX_COUNT = 1 << 20;
    private static final byte TYPE_PROBE = 1;
    private static final byte TYPE_REPORT = 2;
    private static final byte TYPE_EXECUTE = 3;
    private static final byte TYPE_LEAVE_GRANTED = 4;
    private static final byte TYPE_CLEANUP = 5;
    private static final byte TYPE_MOVE = 6;
    private static final byte TYPE_PLACEMENT = 7;
    private static final byte TYPE_MAINTENANCE = 8;

    private final SecretKeySpec key;

    /** A codec that authenticates frames with {@code secret}, or none if {@code secret} is null. */
    MessageCodec(byte[] secret) {
        this.key = secret == null ? null : new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    byte[] encode(Message message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeShort(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(key == null ? 0 : 1);
            if (message instanceof Probe p) {
                out.writeByte(TYPE_PROBE);
                writeView(out, p.view());
            } else if (message instanceof NodeReport r) {
                out.writeByte(TYPE_REPORT);
                writeReport(out, r);
            } else if (message instanceof Execute x) {
                out.writeByte(TYPE_EXECUTE);
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
            } else if (message instanceof LeaveGranted g) {
                out.writeByte(TYPE_LEAVE_GRANTED);
                writeView(out, g.view());
            } else if (message instanceof Messages.Cleanup c) {
                out.writeByte(TYPE_CLEANUP);
                out.writeUTF(c.resource() == null ? "" : c.resource().value());
            } else if (message instanceof MoveOrder m) {
                out.writeByte(TYPE_MOVE);
                writeMove(out, m);
            } else if (message instanceof Messages.MaintenanceOrder m) {
                out.writeByte(TYPE_MAINTENANCE);
                out.writeBoolean(m.on());
                out.writeLong(m.issued().toEpochMilli());
            } else if (message instanceof Messages.Placement p) {
                out.writeByte(TYPE_PLACEMENT);
                writeView(out, p.view());
                out.writeInt(p.active().size());
                for (Map.Entry<NodeId, Map<ResourceId, ResourceState>> e : p.active().entrySet()) {
                    out.writeUTF(e.getKey().value());
                    writeStates(out, e.getValue());
                }
            } else {
                throw new IllegalArgumentException("no encoding for " + message);
            }
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

    Message decode(byte[] frame) throws MalformedMessageException {
        if (frame == null || frame.length < 5) {
            throw new MalformedMessageException("frame of " + (frame == null ? 0 : frame.length)
                    + " bytes is shorter than a header");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        try {
            int magic = in.readUnsignedShort();
            if (magic != MAGIC) {
                throw new MalformedMessageException(String.format("bad magic 0x%04x: not an HA Stack message", magic));
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedMessageException("unsupported message version " + version + " (this node speaks "
                        + VERSION + ")");
            }
            boolean authenticated = (in.readUnsignedByte() & 1) != 0;
            checkAuthentication(frame, authenticated);
            int length = authenticated ? frame.length - MAC_LENGTH : frame.length;
            in = new DataInputStream(new ByteArrayInputStream(frame, 4, length - 4));
            int type = in.readUnsignedByte();
            Message message = switch (type) {
                case TYPE_PROBE -> new Probe(readView(in));
                case TYPE_REPORT -> readReport(in);
                case TYPE_EXECUTE -> readExecute(in);
                case TYPE_LEAVE_GRANTED -> new LeaveGranted(readView(in));
                case TYPE_CLEANUP -> {
                    String r = in.readUTF();
                    yield new Messages.Cleanup(r.isEmpty() ? null : ResourceId.of(r));
                }
                case TYPE_MOVE -> readMove(in);
                case TYPE_MAINTENANCE -> new Messages.MaintenanceOrder(in.readBoolean(), Instant.ofEpochMilli(in.readLong()));
                case TYPE_PLACEMENT -> {
                    ViewId view = readView(in);
                    int n = count(in);
                    Map<NodeId, Map<ResourceId, ResourceState>> active = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        active.put(NodeId.of(in.readUTF()), readStates(in));
                    }
                    yield new Messages.Placement(view, active);
                }
                default -> throw new MalformedMessageException("unknown message type " + type);
            };
            if (in.available() > 0) {
                throw new MalformedMessageException(in.available() + " unexpected trailing bytes after message type "
                        + type);
            }
            return message;
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
                        "message is authenticated but this node has no cluster secret: configure the same secret on"
                                + " every node");
            }
            return;
        }
        if (!authenticated) {
            throw new MalformedMessageException("unauthenticated message: this cluster requires a valid HMAC");
        }
        if (frame.length < 5 + MAC_LENGTH) {
            throw new MalformedMessageException("authenticated frame is too short to hold its HMAC");
        }
        int bodyLength = frame.length - MAC_LENGTH;
        byte[] expected = mac(frame, bodyLength);
        byte[] actual = Arrays.copyOfRange(frame, bodyLength, frame.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new MalformedMessageException("HMAC does not match: wrong cluster secret or a tampered message");
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
        out.writeBoolean(r.leaving());
        out.writeBoolean(r.standby());
        out.writeBoolean(r.maintenance());
        out.writeBoolean(r.quorate());
        out.writeBoolean(r.completedPlan() != null);
        if (r.completedPlan() != null) {
            writePlanId(out, r.completedPlan());
        }
        writeStates(out, r.states());
        out.writeInt(r.failures().size());
        for (Map.Entry<ResourceId, Failure> e : r.failures().entrySet()) {
            out.writeUTF(e.getKey().value());
            out.writeInt(e.getValue().count());
            out.writeLong(e.getValue().last().toEpochMilli());
            out.writeUTF(e.getValue().operation().name());
        }
        out.writeInt(r.moves().size());
        for (MoveOrder m : r.moves()) {
            writeMove(out, m);
        }
        out.writeBoolean(r.clusterMaintenance().on());
        out.writeLong(r.clusterMaintenance().issued().toEpochMilli());
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
            move = Optional.of(new Move(group, node, ban, until < 0 ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(until))));
        }
        return new MoveOrder(group, move, issued);
    }

    private static NodeReport readReport(DataInputStream in) throws IOException, MalformedMessageException {
        ViewId view = readView(in);
        String hash = in.readUTF();
        boolean leaving = in.readBoolean();
        boolean standby = in.readBoolean();
        boolean maintenance = in.readBoolean();
        boolean quorate = in.readBoolean();
        PlanId completed = in.readBoolean() ? readPlanId(in) : null;
        Map<ResourceId, ResourceState> states = readStates(in);
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
        int k = count(in);
        List<MoveOrder> moves = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            moves.add(readMove(in));
        }
        Messages.MaintenanceOrder cluster = new Messages.MaintenanceOrder(in.readBoolean(),
                Instant.ofEpochMilli(in.readLong()));
        return new NodeReport(view, hash, leaving, standby, maintenance, quorate, completed, states, failures, moves,
                cluster);
    }

    private static Execute readExecute(DataInputStream in) throws IOException, MalformedMessageException {
        PlanId plan = readPlanId(in);
        int n = count(in);
        List<Action> actions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            actions.add(new Action(ActionType.valueOf(in.readUTF()), NodeId.of(in.readUTF()), GroupId.of(in.readUTF()),
                    ResourceId.of(in.readUTF()), in.readUTF(), in.readLong()));
        }
        return new Execute(plan, actions);
    }

    private static int count(DataInputStream in) throws IOException, MalformedMessageException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT || n > in.available()) {
            throw new MalformedMessageException("implausible element count " + n);
        }
        return n;
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
