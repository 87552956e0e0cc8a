package io.hastack.membership.jgroups;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.Refusals;
import io.hastack.core.spi.membership.Membership;
import io.hastack.core.spi.membership.MembershipException;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on a JGroups channel. The node id is the channel's logical name. Only the
 * names given to {@link #admit} get in ({@link NameGate}), one address each; a member of a JGroups
 * view whose name is invalid or not admitted (a view formed elsewhere) is left out of the view the
 * node sees, is never its coordinator and never a vote, and its messages are dropped; each refusal
 * is counted ({@link #refused()}). Views and messages are delivered to the listener one at a time
 * (JGroups delivers from several threads; this class serializes them).
 */
public final class JGroupsMembership implements Membership {
    private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
    /** The longest message handed to the node (its own codec refuses longer frames too). */
    static final int MAX_PAYLOAD = 4 << 20;

    private final NodeId self;
    private final String clusterName;
    private final JGroupsConfig config;
    private final Object deliveryLock = new Object();
    private final Map<NodeId, Address> addresses = new ConcurrentHashMap<>();
    /**
     * Where confirmed deaths are checked and handed to GMS: off the event and exit-check threads.
     * Its thread starts with the membership, not in the middle of the first failover.
     */
    private final java.util.concurrent.ThreadPoolExecutor removals = new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            0,
            java.util.concurrent.TimeUnit.MILLISECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> {
                Thread t = new Thread(r, "hastack-removal");
                t.setDaemon(true);
                return t;
            });

    private final Refusals refusals;
    private volatile Set<NodeId> admitted = Set.of();
    /** Where the nodes are (TCP): the configured initial hosts until {@link #locate} replaces them. */
    private volatile List<InetSocketAddress> hosts;
    /** Sees every payload handed to the node, for {@link JGroupsFaults#record}. */
    private volatile java.util.function.BiConsumer<NodeId, byte[]> tap;

    private volatile JChannel channel;
    private volatile View view;
    private MembershipListener listener;

    /**
     * How long a view that lists a member whose name has not arrived yet is held back, waiting for
     * the name; then it is installed without that member. Package-private for tests.
     */
    volatile java.time.Duration nameWait = java.time.Duration.ofSeconds(5);

    /** How often a held view looks for the names it waits for. */
    private static final long NAME_CHECK_MS = 10;

    /** The logical name of an address, or null if it has not arrived (JGroups' name cache; tests hide names). */
    volatile java.util.function.Function<Address, String> names = NameCache::get;

    /** The view held back for a name, if any, and since when (monotonic nanos); under {@link #deliveryLock}. */
    private org.jgroups.View held;

    private long heldSince;

    /** A membership for node {@code self} in cluster {@code clusterName}, built as {@code config} says. */
    public JGroupsMembership(NodeId self, String clusterName, JGroupsConfig config) {
        this.self = Objects.requireNonNull(self, "self");
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.config = Objects.requireNonNull(config, "config");
        this.refusals = new Refusals(self.toString(), LOG, 10_000);
        this.hosts = config.initialHosts();
    }

    @Override
    public void admit(Collection<NodeId> nodes) {
        this.admitted = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(nodes));
        updateGate();
    }

    /**
     * With TCP: the nodes are at {@code addresses} from now on; discovery looks for them there
     * and {@link NameGate} admits them from there. An address that does not parse or resolve is
     * logged and the earlier addresses kept.
     */
    @Override
    public void locate(Map<NodeId, String> addresses) {
        if (config.transport() != JGroupsConfig.Transport.TCP || addresses.isEmpty()) {
            return;
        }
        List<InetSocketAddress> located = new java.util.ArrayList<>();
        for (Map.Entry<NodeId, String> e : addresses.entrySet()) {
            Optional<InetSocketAddress> a = parse(e.getValue());
            if (a.isEmpty()) {
                LOG.error(
                        "{}: node {}'s address '{}' is not a resolvable host:port; keeping the addresses {}",
                        self,
                        e.getKey(),
                        e.getValue(),
                        hosts);
                return;
            }
            located.add(a.get());
        }
        if (located.equals(hosts)) {
            return;
        }
        LOG.info("{}: the nodes are at {} now (were {})", self, located, hosts);
        hosts = List.copyOf(located);
        updateGate();
        JChannel ch = channel;
        if (ch != null) {
            TCPPING ping = ch.getProtocolStack().findProtocol(TCPPING.class);
            if (ping != null) {
                ping.setInitialHosts(hosts);
            }
        }
    }

    /** {@code host:port} (an IPv6 host in brackets) resolved, or empty. */
    static Optional<InetSocketAddress> parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return Optional.empty();
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        return a.isUnresolved() ? Optional.empty() : Optional.of(a);
    }

    private void updateGate() {
        JChannel ch = channel;
        if (ch != null) {
            NameGate gate = ch.getProtocolStack().findProtocol(NameGate.class);
            if (gate != null) {
                gate.rules(new NameGate.Rules(admitted, hosts));
            }
        }
    }

    @Override
    public Refusals.Snapshot refused() {
        return refusals.snapshot();
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
        if (config.clusterKey().isEmpty()) {
            LOG.error(
                    "{}: cluster '{}' runs INSECURE, without a cluster key: anyone who reaches its ports can read"
                            + " its traffic, join it under a configured name and forge its messages",
                    self,
                    clusterName);
        }
        removals.prestartCoreThread();
        long deadline = System.nanoTime()
                + config.heartbeatTimeout()
                        .plus(config.verifyTimeout())
                        .multipliedBy(3)
                        .toNanos();
        while (true) {
            try {
                connect();
                return;
            } catch (SecurityException e) {
                channel = null;
                boolean nameInUse = String.valueOf(e.getMessage()).contains("which is the live member");
                if (!nameInUse || System.nanoTime() > deadline) {
                    throw new MembershipException(
                            "node " + self + " was refused by cluster '" + clusterName + "': " + e.getMessage(), e);
                }
                LOG.info(
                        "{}: its name is still held by a member being checked; joining again: {}",
                        self,
                        e.getMessage());
                try {
                    Thread.sleep(200); // the holder's check takes the verify timeout; no need to spin
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new MembershipException("node " + self + " was interrupted while joining", ie);
                }
            }
        }
    }

    private void connect() {
        JChannel ch = null;
        try {
            ch = config.channel(self.value());
            for (org.jgroups.stack.Protocol p : ch.getProtocolStack().getProtocols()) {
                if (p instanceof SuspectTap tap) {
                    tap.onSuspect(this::suspected);
                } else if (p instanceof ClosedConnectionWatch watch) {
                    watch.onClosed(this::crashed);
                } else if (p instanceof SealedEncrypt seal) {
                    seal.refusals(refusals);
                } else if (p instanceof ReplayGuard guard) {
                    guard.refusals(refusals);
                } else if (p instanceof NameGate gate) {
                    gate.refusals(refusals);
                    gate.rules(new NameGate.Rules(admitted, hosts));
                    gate.onDuplicate(this::verify);
                } else if (p instanceof TCPPING ping && !hosts.equals(config.initialHosts())) {
                    ping.setInitialHosts(hosts);
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
        } catch (SecurityException e) {
            ch.close();
            throw e;
        } catch (Exception e) {
            if (e.getCause() instanceof SecurityException se) {
                ch.close();
                throw se;
            }
            throw new MembershipException(
                    "node " + self + " could not join cluster '" + clusterName + "' with " + config + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * A view from JGroups. One that lists a member whose logical name has not reached this node yet
     * (under load the view can come before the discovery answer that names the member) is held
     * back until the name arrives, for at most {@link #nameWait}: installed without that member,
     * the member would stay out of this node's view until the next view change.
     */
    private void installed(org.jgroups.View v) {
        synchronized (deliveryLock) {
            held = null;
            List<Address> unnamed = unnamed(v);
            if (unnamed.isEmpty()) {
                deliver(v);
                return;
            }
            held = v;
            heldSince = System.nanoTime();
            LOG.info(
                    "{}: view {} lists {} whose name has not arrived yet; holding the view back until it has (at most"
                            + " {} ms)",
                    self,
                    v.getViewId(),
                    unnamed,
                    nameWait.toMillis());
            checkNamesLater(v);
        }
    }

    private List<Address> unnamed(org.jgroups.View v) {
        return v.getMembers().stream().filter(a -> names.apply(a) == null).toList();
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the check reschedules itself or ends; nothing waits for it
    private void checkNamesLater(org.jgroups.View v) {
        JChannel ch = channel;
        if (ch == null || ch.isClosed()) {
            return;
        }
        ch.getProtocolStack()
                .getTransport()
                .getTimer()
                .schedule(() -> checkNames(v), NAME_CHECK_MS, java.util.concurrent.TimeUnit.MILLISECONDS, false);
    }

    /** Installs the held view {@code v} once every name has arrived or the wait is over. */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code v} still the view held back?
    private void checkNames(org.jgroups.View v) {
        synchronized (deliveryLock) {
            if (held != v) {
                return; // installed, or a later view replaced it
            }
            List<Address> unnamed = unnamed(v);
            long waited = System.nanoTime() - heldSince;
            if (unnamed.isEmpty()) {
                held = null;
                LOG.info("{}: the names in view {} arrived after {} ms", self, v.getViewId(), waited / 1_000_000);
                deliver(v);
            } else if (waited >= nameWait.toNanos()) {
                held = null;
                LOG.warn(
                        "{}: the names of {} in view {} did not arrive within {} ms; installing the view without them",
                        self,
                        unnamed,
                        v.getViewId(),
                        nameWait.toMillis());
                deliver(v);
            } else {
                checkNamesLater(v);
            }
        }
    }

    /** Installs {@code v} as a view of configured nodes; called under {@link #deliveryLock}. */
    private void deliver(org.jgroups.View v) {
        // A node restarted under its name can join before its old incarnation is removed. JGroups
        // lists joiners last, so the later address of a name is the newer incarnation; this node's
        // own name always maps to its own address.
        List<NodeId> members = new ArrayList<>();
        Map<NodeId, Address> current = new java.util.LinkedHashMap<>();
        Address own = channel == null ? null : channel.getAddress();
        for (Address a : v.getMembers()) {
            Optional<NodeId> named = admittedNode(a);
            if (named.isEmpty()) {
                refusals.refuse(
                        "unknown member",
                        "view " + v.getViewId() + " lists " + a + " (name " + names.apply(a)
                                + "), which is not a configured node: left out of this node's view");
                continue;
            }
            NodeId id = named.get();
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
                refusals.refuse(
                        "name in use",
                        "view " + v.getViewId() + " lists node " + id + " twice (" + earlier + " and " + a + ")");
                continue;
            }
            current.put(id, a);
            members.add(id);
        }
        if (members.isEmpty()) {
            LOG.warn("{}: ignoring view {}: none of its members is a configured node", self, v);
            return;
        }
        NodeId creator = admittedNode(v.getViewId().getCreator()).orElse(members.get(0));
        View mapped = new View(new ViewId(creator, v.getViewId().getId()), members, v instanceof MergeView);
        addresses.keySet().retainAll(current.keySet());
        addresses.putAll(current);
        view = mapped;
        listener.viewChanged(mapped);
    }

    private void received(Message msg) {
        Address src = msg.getSrc();
        Optional<NodeId> named = src == null ? Optional.empty() : admittedNode(src);
        if (named.isEmpty()) {
            refusals.refuse(
                    "unknown sender",
                    "message from " + src + " (name " + (src == null ? null : names.apply(src))
                            + "), which is not a configured node");
            return;
        }
        NodeId from = named.get();
        if (msg.getLength() > MAX_PAYLOAD) {
            refusals.refuse(
                    "oversized",
                    "message of " + msg.getLength() + " bytes from " + from + " (limit " + MAX_PAYLOAD + ")");
            return;
        }
        // A message can arrive before the view that lists its sender (a joiner hears from the
        // coordinator first): remember the sender so that an answer can reach it; but a name that
        // belongs to a member of the current view keeps that member's address.
        Address known = addresses.putIfAbsent(from, src);
        View v = view;
        if (known != null && !known.equals(src) && v != null && v.contains(from)) {
            refusals.refuse(
                    "name in use",
                    "message from " + src + " claims node " + from + ", which is the live member " + known);
            return;
        }
        byte[] payload = msg.getArray() == null
                ? new byte[0]
                : java.util.Arrays.copyOfRange(msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength());
        java.util.function.BiConsumer<NodeId, byte[]> t = tap;
        if (t != null) {
            t.accept(from, payload.clone());
        }
        synchronized (deliveryLock) {
            listener.messageReceived(from, payload);
        }
    }

    /** Sets what sees every payload handed to the node (tests); null for nothing. */
    void tap(java.util.function.BiConsumer<NodeId, byte[]> tap) {
        this.tap = tap;
    }

    /** The address of {@code node} in the current view, if it is a member. */
    Optional<Address> addressOf(NodeId node) {
        return Optional.ofNullable(addresses.get(node));
    }

    private void suspected(Address a) {
        admittedNode(a).ifPresent(node -> {
            synchronized (deliveryLock) {
                listener.memberSuspected(node);
            }
        });
    }

    /**
     * The watch saw {@code a} exit: tells the node, then has {@link #removals} hand the removal to
     * GMS ({@link #removeNow}). On the watch's check thread, which does not wait for GMS.
     */
    private void crashed(Address a) {
        admittedNode(a).ifPresent(node -> {
            synchronized (deliveryLock) {
                listener.memberCrashed(
                        node,
                        "its end closed the established failure-detection connection (FD_SOCK2): its process exited");
            }
            removal(() -> removeNow(a));
        });
    }

    /**
     * Hands the confirmed exit of {@code member} to GMS as a suspicion VERIFY_SUSPECT2 already
     * verified, as VERIFY_SUSPECT2 itself passes one up after its timeout, if this node decides the
     * removal ({@link #decides}): it then removes the member without the second check. The evidence
     * (its ports refused connections after its connection closed) is stronger than an unanswered
     * verification, and is what already counts as a death for the lease ({@code docs/safety.md}).
     * Any other member leaves it to the one that decides: GMS keeps a participant's suspicions until
     * the next view, and one kept here, unverified, would be acted on if this node became
     * coordinator later. On {@link #removals}: GMS may install the view, and wait for the other
     * members' acknowledgements, in the calling thread.
     */
    private void removeNow(Address member) {
        JChannel ch = channel;
        VERIFY_SUSPECT2 verify = ch == null ? null : ch.getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
        org.jgroups.stack.Protocol above = verify == null ? null : verify.getUpProtocol();
        if (above != null && decides(member)) {
            LOG.info("{}: {} exited (its ports refuse connections): removing it without verification", self, member);
            above.up(new org.jgroups.Event(org.jgroups.Event.SUSPECT, java.util.List.of(member)));
        }
    }

    /**
     * True if this node decides the removal of {@code member}, a member of its view other than
     * itself: it is the first member of the view once {@code member} is left out (JGroups'
     * coordinator is the first member, and GMS keeps the order), so the coordinator, or the member
     * next in line if {@code member} coordinates.
     */
    private boolean decides(Address member) {
        JChannel ch = channel;
        org.jgroups.View v = ch == null ? null : ch.getView();
        if (v == null || !v.containsMember(member) || member.equals(ch.getAddress())) {
            return false;
        }
        Address first = v.getMembers().stream()
                .filter(m -> !m.equals(member))
                .findFirst()
                .orElse(null);
        return ch.getAddress().equals(first);
    }

    /**
     * Another member says {@code node} died (its {@code DeathNotice}: it saw the process exit, or
     * an operator declared it dead). If this node decides the removal, it checks the node's ports
     * itself, at the address the node has now (a notice may be late, the node back as a new
     * incarnation, or only the other member's path to it broken): if both refuse, the node is
     * removed without verification ({@link #removeNow}); otherwise VERIFY_SUSPECT2 checks it, and a
     * node that answers stays. Off the calling thread.
     */
    @Override
    public void removeConfirmed(NodeId node) {
        Address target = addresses.get(node);
        if (target == null || node.equals(self) || !decides(target)) {
            return;
        }
        removal(() -> {
            JChannel ch = channel;
            ClosedConnectionWatch watch =
                    ch == null ? null : ch.getProtocolStack().findProtocol(ClosedConnectionWatch.class);
            try {
                if (watch != null && watch.exited(target)) {
                    removeNow(target);
                } else {
                    verify(target);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Runs {@code task} on {@link #removals}; nothing once this membership is closed. */
    private void removal(Runnable task) {
        try {
            removals.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.debug("{}: closed; no removal", self);
        }
    }

    /** Asks VERIFY_SUSPECT2 to check {@code member} now (a joiner claims its name). */
    private void verify(Address member) {
        JChannel ch = channel;
        VERIFY_SUSPECT2 verify = ch == null ? null : ch.getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
        if (verify != null) {
            verify.up(new org.jgroups.Event(org.jgroups.Event.SUSPECT, java.util.List.of(member)));
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

    /**
     * The node {@code a} is, if its name is a valid node id and admitted ({@link #admit}; any valid
     * name if nothing was admitted).
     */
    private Optional<NodeId> admittedNode(Address a) {
        String name = names.apply(a);
        if (name == null) {
            // A UUID prints its cached name if it has one: without one, its raw form (never a node id).
            name = a instanceof org.jgroups.util.UUID u ? u.toStringLong() : a.toString();
        }
        NodeId node;
        try {
            node = NodeId.of(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Set<NodeId> allowed = admitted;
        return allowed.isEmpty() || allowed.contains(node) ? Optional.of(node) : Optional.empty();
    }

    /**
     * The heartbeat timeout: peers' heartbeats do not suspect a node that stalls for less (FD_SOCK2
     * may, sooner: a failure-detection connection that closes, or that a peer opens and this node
     * does not answer within FD_SOCK2's connect timeout; see {@link #quickestRemoval}).
     */
    @Override
    public Optional<java.time.Duration> pauseTolerance() {
        return Optional.of(config.heartbeatTimeout());
    }

    /**
     * The verification timeout: FD_SOCK2 suspects a member at once when its connection closes or
     * does not answer, and VERIFY_SUSPECT2 then removes it if it does not answer within this time.
     * (The removal without a verification, when the node's process is known to have exited, needs
     * its ports to refuse connections, which a live, stalled process's do not.)
     */
    @Override
    public Optional<java.time.Duration> quickestRemoval() {
        return Optional.of(config.verifyTimeout());
    }

    @Override
    public Optional<View> currentView() {
        return Optional.ofNullable(view);
    }

    @Override
    public void send(NodeId node, byte[] payload) {
        unicast(node, payload, false);
    }

    /**
     * Sends {@code payload} with JGroups' {@code NO_RELIABILITY}: past UNICAST3, so no sequence
     * number, acknowledgement or retransmission; sealed and numbered against replay like any other.
     */
    @Override
    public void sendPeriodic(NodeId node, byte[] payload) {
        unicast(node, payload, true);
    }

    private void unicast(NodeId node, byte[] payload, boolean periodic) {
        Address target = addresses.get(node);
        if (target == null) {
            LOG.warn("{}: not sending to {}: not a member of the current view", self, node);
            return;
        }
        Message message = new BytesMessage(target, payload);
        if (periodic) {
            message.setFlag(Message.Flag.NO_RELIABILITY);
        }
        transmit(message, node.value());
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
        removals.shutdownNow();
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
