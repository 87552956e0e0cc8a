package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A membership the test drives by hand: it installs views and delivers messages when told, and
 * records what the node sends.
 */
final class ScriptedMembership implements Membership {
    /** A message the node sent. */
    @SuppressWarnings("ArrayRecordComponent") // a test record, read by field, never compared
    record Sent(NodeId to, byte[] payload) {}

    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final NodeId self;
    private volatile MembershipListener listener;
    private volatile View view;
    volatile boolean started;
    volatile boolean refuseToStart;

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
    public Optional<View> currentView() {
        return Optional.ofNullable(view);
    }

    @Override
    public void send(NodeId node, byte[] payload) {
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
