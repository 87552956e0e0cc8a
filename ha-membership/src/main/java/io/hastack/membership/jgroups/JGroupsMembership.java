package io.hastack.membership.jgroups;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.MembershipException;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on a JGroups channel. The node id is the channel's logical name, so every
 * node needs a unique one. Views and messages are delivered to the listener one at a time (JGroups
 * delivers from several threads; this class serializes them).
 */
public final class JGroupsMembership implements Membership {
    private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);

    private final NodeId self;
    private final String clusterName;
    private final JGroupsConfig config;
    private final Object deliveryLock = new Object();
    private final Map<NodeId, Address> addresses = new ConcurrentHashMap<>();
    private volatile JChannel channel;
    private volatile View view;
    private MembershipListener listener;

    /** A membership for node {@code self} in cluster {@code clusterName}, built as {@code config} says. */
    public JGroupsMembership(NodeId self, String clusterName, JGroupsConfig config) {
        this.self = Objects.requireNonNull(self, "self");
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public NodeId localNode() {
        return self;
    }

    @Override
    public void start(MembershipListener listener) {
        synchronized (deliveryLock) {
            if (this.listener != null) {
                throw new IllegalStateException("membership of " + self + " was started before");
            }
            this.listener = Objects.requireNonNull(listener, "listener");
        }
        try {
            List<org.jgroups.stack.Protocol> protocols = config.protocols();
            JChannel ch = new JChannel(protocols);
            ch.name(self.value());
            for (org.jgroups.stack.Protocol p : protocols) {
                if (p instanceof SuspectTap tap) {
                    tap.onSuspect(this::suspected);
                } else if (p instanceof ClosedConnectionWatch watch) {
                    watch.onClosed(this::crashed);
                }
            }
            ch.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(org.jgroups.View v) {
                    installed(v);
                }

                @Override
                public void receive(Message msg) {
                    received(msg);
                }
            });
            channel = ch;
            ch.connect(clusterName);
        } catch (Exception e) {
            throw new MembershipException(
                    "node " + self + " could not join cluster '" + clusterName + "' with " + config + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private void installed(org.jgroups.View v) {
        // A node restarted under its name can join before its old incarnation is removed. JGroups
        // lists joiners last, so the later address of a name is the newer incarnation; this node's
        // own name always maps to its own address.
        List<NodeId> members = new ArrayList<>();
        Map<NodeId, Address> current = new java.util.LinkedHashMap<>();
        Address own = channel == null ? null : channel.getAddress();
        for (Address a : v.getMembers()) {
            NodeId id = nodeOf(a);
            Address earlier = current.get(id);
            if (earlier != null) {
                boolean keepEarlier = earlier.equals(own);
                LOG.warn(
                        "two members of cluster '{}' are named {} ({} and {}): taking {} as the newer incarnation",
                        clusterName,
                        id,
                        earlier,
                        a,
                        keepEarlier ? earlier : a);
                if (!keepEarlier) {
                    current.put(id, a);
                }
                continue;
            }
            current.put(id, a);
            members.add(id);
        }
        View mapped = new View(
                new ViewId(nodeOf(v.getViewId().getCreator()), v.getViewId().getId()), members, v instanceof MergeView);
        synchronized (deliveryLock) {
            addresses.keySet().retainAll(current.keySet());
            addresses.putAll(current);
            view = mapped;
            listener.viewChanged(mapped);
        }
    }

    private void received(Message msg) {
        Address src = msg.getSrc();
        // A message can arrive before the view that lists its sender (a joiner hears from the
        // coordinator first): remember the sender so that an answer can reach it.
        addresses.putIfAbsent(nodeOf(src), src);
        byte[] payload = msg.getArray() == null
                ? new byte[0]
                : java.util.Arrays.copyOfRange(msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength());
        synchronized (deliveryLock) {
            listener.messageReceived(nodeOf(src), payload);
        }
    }

    private void suspected(Address a) {
        synchronized (deliveryLock) {
            listener.memberSuspected(nodeOf(a));
        }
    }

    private void crashed(Address a) {
        synchronized (deliveryLock) {
            listener.memberCrashed(
                    nodeOf(a),
                    "its end closed the established failure-detection connection (FD_SOCK2): its process exited");
        }
    }

    /** Hands a suspicion of {@code node} to VERIFY_SUSPECT2, which removes it if it does not answer. */
    @Override
    public void suspect(NodeId node) {
        JChannel ch = channel;
        Address target = addresses.get(node);
        if (ch == null || target == null || node.equals(self)) {
            return;
        }
        VERIFY_SUSPECT2 verify = ch.getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
        if (verify != null) {
            LOG.info("{}: verifying {} now, as asked", self, node);
            verify.up(new org.jgroups.Event(org.jgroups.Event.SUSPECT, java.util.List.of(target)));
        }
    }

    private static NodeId nodeOf(Address a) {
        String name = NameCache.get(a);
        return NodeId.of(name != null ? name : a.toString());
    }

    /** The heartbeat timeout: peers do not suspect a node that stalls for less. */
    @Override
    public Optional<java.time.Duration> pauseTolerance() {
        return Optional.of(config.heartbeatTimeout());
    }

    @Override
    public Optional<View> currentView() {
        return Optional.ofNullable(view);
    }

    @Override
    public void send(NodeId node, byte[] payload) {
        Address target = addresses.get(node);
        if (target == null) {
            LOG.warn("{}: not sending to {}: not a member of the current view", self, node);
            return;
        }
        transmit(new BytesMessage(target, payload), node.value());
    }

    @Override
    public void broadcast(byte[] payload) {
        transmit(new BytesMessage(null, payload), "all");
    }

    private void transmit(Message message, String to) {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            LOG.warn("{}: not sending to {}: not connected", self, to);
            return;
        }
        try {
            ch.send(message);
        } catch (Exception e) {
            LOG.warn("{}: sending to {} failed: {}", self, to, e.toString());
        }
    }

    @Override
    public void close() {
        JChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
        view = null;
    }

    /** How this membership's stack is built. */
    public JGroupsConfig config() {
        return config;
    }

    /** Forgets the view, after a crash emulated by {@link JGroupsFaults#crash()}. */
    void forgetView() {
        view = null;
    }

    /** The channel, for {@link JGroupsFaults}. */
    JChannel channel() {
        return channel;
    }
}
