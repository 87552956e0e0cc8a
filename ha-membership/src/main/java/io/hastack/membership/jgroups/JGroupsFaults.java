package io.hastack.membership.jgroups;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.MembershipException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.util.Util;

/**
 * Faults switched at run time on one member of an in-process cluster, for tests and the nemesis:
 * a crash, a mute, a partition and its healing, a rogue frame. Only the in-process stack
 * ({@link JGroupsConfig#inProcess(io.hastack.core.security.ClusterKey)}) has the fault layer (JGroups' {@code DISCARD}); a production
 * stack has none, and {@link #of} refuses it. Not thread-safe beyond what JGroups' protocols are.
 */
public final class JGroupsFaults {
    private final JGroupsMembership membership;

    private JGroupsFaults(JGroupsMembership membership) {
        this.membership = membership;
    }

    /**
     * The faults of {@code membership}.
     *
     * @throws IllegalArgumentException if its stack has no fault layer (a TCP, production stack)
     */
    public static JGroupsFaults of(JGroupsMembership membership) {
        if (!membership.config().faultInjection()) {
            throw new IllegalArgumentException("the stack of " + membership.localNode() + " ("
                    + membership.config().transport() + ") has no fault layer: faults are for in-process test stacks");
        }
        return new JGroupsFaults(membership);
    }

    /**
     * Closes the channel abruptly, as a crash would: no leave message, so the others must detect
     * the failure.
     */
    public void crash() {
        JChannel ch = membership.channel();
        if (ch != null) {
            try {
                Util.shutdown(ch);
            } catch (Exception e) {
                throw new MembershipException("could not shut down the channel of " + membership.localNode(), e);
            }
        }
        membership.forgetView();
    }

    /**
     * Drops every message this node sends or receives while {@code on} (the node runs but is cut
     * off, as if frozen or unplugged); {@code false} ends it.
     */
    public void mute(boolean on) {
        discard().discardAll(on);
    }

    /**
     * Drops every message between this node and {@code others} (call it on both sides to split the
     * cluster); {@link #heal()} ends it.
     */
    public void isolateFrom(Collection<JGroupsMembership> others) {
        DISCARD discard = discard();
        for (JGroupsMembership o : others) {
            JChannel ch = o.channel();
            if (ch != null && ch.getAddress() != null) {
                discard.addIgnoreMember(ch.getAddress());
            }
        }
    }

    /** Ends every {@link #isolateFrom} of this node. */
    public void heal() {
        discard().resetIgnoredMembers();
    }

    /** Sends {@code frame} as it is to every member, as a rogue or broken sender would. */
    public void sendRaw(byte[] frame) {
        try {
            channel().send(new BytesMessage(null, frame));
        } catch (Exception e) {
            throw new MembershipException("could not send a raw frame from " + membership.localNode(), e);
        }
    }

    /** Sends {@code frame} as it is to {@code node} only, as a rogue or broken sender would. */
    public void sendRawTo(NodeId node, byte[] frame) {
        Address to = membership
                .addressOf(node)
                .orElseThrow(
                        () -> new IllegalStateException(node + " is not in the view of " + membership.localNode()));
        try {
            channel().send(new BytesMessage(to, frame));
        } catch (Exception e) {
            throw new MembershipException("could not send a raw frame from " + membership.localNode(), e);
        }
    }

    /**
     * A payload the node was handed.
     *
     * @param from the member it came from
     * @param payload its bytes, as they came
     */
    @SuppressWarnings("ArrayRecordComponent") // a capture for tests, read by field
    public record Captured(NodeId from, byte[] payload) {}

    /** From now on, puts every payload handed to this node into the returned queue (a wiretap). */
    public BlockingQueue<Captured> record() {
        BlockingQueue<Captured> queue = new LinkedBlockingQueue<>();
        membership.tap((from, payload) -> queue.add(new Captured(from, payload)));
        return queue;
    }

    /**
     * A JGroups member that is not a node: a channel named {@code name} (any string, even one that is
     * no valid node id) built as {@code config} says (another key, none, or the cluster's own),
     * joining {@code cluster}. For adversarial tests.
     *
     * @throws SecurityException if the cluster refused it, with the reason it gave
     */
    public static Intruder intrude(String name, String cluster, JGroupsConfig config) {
        JChannel ch = null;
        try {
            ch = config.channel(name);
            ch.connect(cluster);
            return new Intruder(ch);
        } catch (SecurityException e) {
            ch.close();
            throw e;
        } catch (Exception e) {
            if (ch != null) {
                ch.close();
            }
            if (e.getCause() instanceof SecurityException se) {
                throw se;
            }
            throw new MembershipException("intruder " + name + " could not connect: " + e, e);
        }
    }

    /** A member that is not a node, from {@link #intrude}. Close it after the test. */
    public static final class Intruder implements AutoCloseable {
        private final JChannel channel;

        private final java.util.concurrent.atomic.AtomicInteger received =
                new java.util.concurrent.atomic.AtomicInteger();

        private final List<byte[]> payloads = new java.util.concurrent.CopyOnWriteArrayList<>();

        private Intruder(JChannel channel) {
            this.channel = channel;
            channel.setReceiver(new org.jgroups.Receiver() {
                @Override
                public void receive(org.jgroups.Message msg) {
                    if (!channel.getAddress().equals(msg.getSrc())) {
                        received.incrementAndGet();
                        if (msg.hasArray() && payloads.size() < 1000) {
                            payloads.add(java.util.Arrays.copyOfRange(
                                    msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength()));
                        }
                    }
                }
            });
        }

        /** The payloads (up to 1000) of messages from others its channel delivered to it, as they came. */
        public List<byte[]> payloadsFromOthers() {
            return List.copyOf(payloads);
        }

        /** How many messages from others the intruder's channel delivered to it. */
        public int receivedFromOthers() {
            return received.get();
        }

        /** The names of the members of the intruder's own view. */
        public List<String> members() {
            org.jgroups.View v = channel.getView();
            return v == null
                    ? List.of()
                    : v.getMembers().stream()
                            .map(a -> String.valueOf(org.jgroups.util.NameCache.get(a)))
                            .toList();
        }

        /** Sends {@code payload} to every member of its view. */
        public void broadcast(byte[] payload) throws Exception {
            channel.send(new BytesMessage(null, payload));
        }

        @Override
        public void close() {
            channel.close();
        }
    }

    private JChannel channel() {
        JChannel ch = membership.channel();
        if (ch == null) {
            throw new IllegalStateException("membership of " + membership.localNode() + " is not started");
        }
        return ch;
    }

    private DISCARD discard() {
        return channel().getProtocolStack().findProtocol(DISCARD.class);
    }
}
