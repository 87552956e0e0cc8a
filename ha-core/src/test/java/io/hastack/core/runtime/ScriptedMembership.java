package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A membership the test drives by hand: it installs views and delivers messages when told, and
 * records what the node sends. The other members of its view answer the node's lease requests at
 * once (and those are not recorded), unless {@link #answerLeases} is off.
 */
final class ScriptedMembership implements Membership {
    /** A message the node sent. */
    @SuppressWarnings("ArrayRecordComponent") // a test record, read by field, never compared
    record Sent(NodeId to, byte[] payload) {}

    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    /** What the node sent with {@link #sendPeriodic}, lease requests included. */
    final BlockingQueue<Sent> periodic = new LinkedBlockingQueue<>();
    /** Lease requests and answers the node sent reliably, with {@link #send}: none should be. */
    final java.util.concurrent.atomic.AtomicInteger leaseMessagesSentReliably =
            new java.util.concurrent.atomic.AtomicInteger();

    private final NodeId self;
    private volatile MembershipListener listener;
    private volatile View view;
    volatile boolean started;
    volatile boolean refuseToStart;
    volatile boolean answerLeases = true;
    /** What {@link #quickestRemoval} says; unknown unless set. */
    volatile Optional<java.time.Duration> quickestRemoval = Optional.empty();
    /** The cluster key of the scripted cluster: give the node under test the same. */
    final ClusterKey key = ClusterKey.generate();

    private final MessageCodec codec = new MessageCodec(key);
    private final Map<NodeId, FrameFilter> peers = new ConcurrentHashMap<>();

    ScriptedMembership(NodeId self) {
        this.self = self;
    }

    void install(View v) {
        view = v;
        listener.viewChanged(v);
    }

    void deliver(NodeId from, byte[] payload) {
        listener.messageReceived(from, payload);
    }

    /** Delivers {@code message} from {@code from} as that node would send it, in the current view. */
    void deliverFrom(NodeId from, Messages.Message message) {
        deliver(from, frameFrom(from, message));
    }

    /** {@code message} framed as {@code from} sends it to this node in the current view. */
    byte[] frameFrom(NodeId from, Messages.Message message) {
        return codec.encode(peers.computeIfAbsent(from, FrameFilter::new).stamp(self, view.id(), message));
    }

    /** The message in a frame the node sent. */
    Messages.Message read(byte[] payload) throws MalformedMessageException {
        return codec.decode(payload).message();
    }

    @Override
    public NodeId localNode() {
        return self;
    }

    @Override
    public void start(MembershipListener l) {
        if (refuseToStart) {
            throw new io.hastack.core.spi.membership.MembershipException("no cluster to join (scripted)");
        }
        listener = l;
        started = true;
    }

    @Override
    public Optional<java.time.Duration> quickestRemoval() {
        return quickestRemoval;
    }

    @Override
    public Optional<View> currentView() {
        return Optional.ofNullable(view);
    }

    @Override
    public void send(NodeId node, byte[] payload) {
        carry(node, payload, false);
    }

    @Override
    public void sendPeriodic(NodeId node, byte[] payload) {
        periodic.add(new Sent(node, payload));
        carry(node, payload, true);
    }

    private void carry(NodeId node, byte[] payload, boolean isPeriodic) {
        try {
            Messages.Message message = read(payload);
            if (!isPeriodic && (message instanceof Messages.LeasePing || message instanceof Messages.LeasePong)) {
                leaseMessagesSentReliably.incrementAndGet();
            }
            if (message instanceof Messages.LeasePing ping) {
                View v = view;
                if (answerLeases && v != null && v.contains(node) && ping.view().equals(v.id())) {
                    deliverFrom(node, new Messages.LeasePong(ping.view(), ping.sequence()));
                }
                return;
            }
        } catch (MalformedMessageException e) {
            // not ours to judge: record it as sent
        }
        sent.add(new Sent(node, payload));
    }

    @Override
    public void broadcast(byte[] payload) {
        sent.add(new Sent(null, payload));
    }

    @Override
    public void close() {
        view = null;
    }
}
