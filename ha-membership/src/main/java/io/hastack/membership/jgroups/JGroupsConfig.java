package io.hastack.membership.jgroups;

import io.hastack.core.internal.Durations;
import io.hastack.core.security.ClusterKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jgroups.JChannel;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.DiagnosticsHandler;
import org.jgroups.stack.Protocol;

/**
 * How a {@link JGroupsMembership} builds its protocol stack. Immutable; start from a preset
 * ({@link #tcp(InetSocketAddress, List, ClusterKey)}, {@link #inProcess(ClusterKey)}) and adjust with {@link #toBuilder()}.
 *
 * <p>Failure detection has two paths. A crashed process closes its sockets, which FD_SOCK2 sees at
 * once; a hung or unreachable one falls silent, which FD_ALL3 notices after {@link
 * #heartbeatTimeout()} (any message counts as a sign of life, and a node skips a heartbeat when a
 * multicast or a message to every other member went out since the last: {@code QuietHeartbeats}). VERIFY_SUSPECT2 double-checks a suspicion for {@link #verifyTimeout()}
 * before the member is removed, unless the exit is confirmed (after the closed connection, the
 * member's ports refuse connections: {@code ClosedConnectionWatch}) or declared: then the member
 * that decides the removal removes it at once ({@link JGroupsMembership#removeConfirmed}). The heartbeat timeout is also the longest pause (GC, SIGSTOP) a
 * member survives without being removed.
 *
 * <p>Security (see {@code docs/security.md}): with the cluster key, every message of every protocol
 * is serialized whole (JGroups' {@code SERIALIZE}) and sealed with ChaCha20-Poly1305 under a key
 * derived from the cluster key ({@link SealedEncrypt}, JGroups' {@code SYM_ENCRYPT}), directly above
 * the transport, and numbered inside the seal against replay ({@link ReplayGuard}); a member without
 * the key can neither read nor send anything the others accept, so it never gets into a view. Below
 * GMS, JGroups' {@code AUTH} ({@link NameGate}) admits only configured node names from configured
 * addresses, one address per name. The TCP transport drops a connection that announces a message
 * longer than {@link #maxMessageBytes()}. Without a key ({@link Builder#insecure()}) there is no
 * seal and no replay guard: an explicit, logged choice.
 */
public final class JGroupsConfig {
    /** Which transport the stack uses. */
    public enum Transport {
        /** TCP between processes, TCPPING discovery over a fixed host list, FD_SOCK2 crash detection. */
        TCP,
        /** In-memory transport between channels of one JVM; for tests. */
        IN_PROCESS
    }

    /** Retransmission and acknowledgement interval of NAKACK2 and UNICAST3, in ms. */
    static final long RETRANSMIT_MS = 100;

    private final Transport transport;
    private final InetSocketAddress bind;
    private final List<InetSocketAddress> initialHosts;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Duration verifyTimeout;
    private final Duration joinTimeout;
    private final Duration mergeMinInterval;
    private final Duration mergeMaxInterval;
    private final Optional<ClusterKey> clusterKey;
    private final int maxMessageBytes;

    private JGroupsConfig(Builder b) {
        this.clusterKey = Optional.ofNullable(b.clusterKey);
        this.maxMessageBytes = b.maxMessageBytes;
        this.transport = b.transport;
        this.bind = b.bind;
        this.initialHosts = List.copyOf(b.initialHosts);
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.verifyTimeout = b.verifyTimeout;
        this.joinTimeout = b.joinTimeout;
        this.mergeMinInterval = b.mergeMinInterval;
        this.mergeMaxInterval = b.mergeMaxInterval;
    }

    /**
     * The TCP preset: this node listens on {@code bind}, finds its peers at {@code initialHosts}
     * (every node's address, this one's included), heartbeats every 500 ms, suspects a silent member
     * after 3 s and verifies a suspicion for 200 ms. Crash detection is therefore about 0.2-0.4 s,
     * hang detection about 3.2-3.4 s. FD_SOCK2 listens on the bind port + 100. Traffic is sealed
     * with {@code key}, and only members at {@code initialHosts} are admitted.
     */
    public static JGroupsConfig tcp(InetSocketAddress bind, List<InetSocketAddress> initialHosts, ClusterKey key) {
        return new Builder(Transport.TCP)
                .bind(bind)
                .initialHosts(initialHosts)
                .clusterKey(key)
                .build();
    }

    /**
     * The in-process preset for tests: channels of one JVM with the same cluster name see each
     * other through memory; a crashed member is detected by heartbeats after 1.5 s + 0.3 s. Traffic
     * is sealed with {@code key}, as in production.
     */
    public static JGroupsConfig inProcess(ClusterKey key) {
        return new Builder(Transport.IN_PROCESS)
                .clusterKey(key)
                .heartbeat(Duration.ofMillis(300), Duration.ofMillis(1500))
                .verifyTimeout(Duration.ofMillis(300))
                .joinTimeout(Duration.ofMillis(300))
                .mergeInterval(Duration.ofMillis(500), Duration.ofSeconds(2))
                .build();
    }

    /** A builder that starts with this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder(transport);
        b.bind = bind;
        b.initialHosts.addAll(initialHosts);
        b.heartbeatInterval = heartbeatInterval;
        b.heartbeatTimeout = heartbeatTimeout;
        b.verifyTimeout = verifyTimeout;
        b.joinTimeout = joinTimeout;
        b.mergeMinInterval = mergeMinInterval;
        b.mergeMaxInterval = mergeMaxInterval;
        b.clusterKey = clusterKey.orElse(null);
        b.insecure = clusterKey.isEmpty();
        b.maxMessageBytes = maxMessageBytes;
        return b;
    }

    /** The transport. */
    public Transport transport() {
        return transport;
    }

    /**
     * True if the stack has a fault layer ({@link JGroupsFaults}): only the in-process stack, for
     * tests and the nemesis; never a production (TCP) stack.
     */
    public boolean faultInjection() {
        return transport == Transport.IN_PROCESS;
    }

    /** How long a silent member is tolerated before it is suspected. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** How long a suspicion is verified before the member is removed. */
    public Duration verifyTimeout() {
        return verifyTimeout;
    }

    /** The cluster key that seals the traffic; empty if the stack runs {@link Builder#insecure()}. */
    public Optional<ClusterKey> clusterKey() {
        return clusterKey;
    }

    /** The longest message the TCP transport reads; a connection announcing a longer one is closed. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Every node's address, for discovery (TCP); empty for the in-process transport. */
    public List<InetSocketAddress> initialHosts() {
        return initialHosts;
    }

    /**
     * A channel on a fresh stack for node {@code self}, not connected: JGroups' diagnostics (a UDP
     * multicast socket that answers probes and runs operations such as {@code GMS.suspect} without
     * any authentication) turned off.
     */
    JChannel channel(String self) throws Exception {
        JChannel ch = new JChannel(protocols(self));
        DiagnosticsHandler diagnostics = ch.getProtocolStack().getTransport().getDiagnosticsHandler();
        if (diagnostics != null) {
            diagnostics.setEnabled(false);
        }
        ch.name(self);
        return ch;
    }

    /** A fresh protocol stack for node {@code self}, bottom first. Each channel needs its own. */
    List<Protocol> protocols(String self) {
        List<Protocol> stack = new ArrayList<>();
        if (transport == Transport.TCP) {
            TCP tcp = new TCP()
                    .setBindAddress(bind.getAddress())
                    .setBindPort(bind.getPort())
                    .setPortRange(0);
            tcp.setSockConnTimeout(300);
            tcp.setMaxLength(maxMessageBytes);
            // Regular messages go up on the connection's own receiver thread instead of being handed
            // to the thread pool: one thread wake-up less per message received (an idle node's pool
            // threads woke ~30 times a second, ~9 with this) and no handoff on the way to the node's
            // event loop. Nothing above blocks on it: the node only queues what it receives, and the
            // handlers of JGroups' regular messages (heartbeats, VERIFY_SUSPECT2's checks, MERGE3's
            // information) do not block. Out-of-band messages (GMS's views and joins, STABLE's
            // gossip) still go to the pool.
            tcp.setMessageProcessingPolicy("direct");
            stack.add(tcp.setValue("tcp_nodelay", true));
        } else {
            stack.add(new SHARED_LOOPBACK());
            stack.add(new DISCARD());
        }
        clusterKey.ifPresent(key -> {
            stack.add(new SealedEncrypt(key));
            stack.add(new SERIALIZE());
            stack.add(new ReplayGuard());
        });
        if (transport == Transport.TCP) {
            stack.add(new TCPPING()
                    .setInitialHosts(initialHosts)
                    .setPortRange(0)
                    .setValue("max_dynamic_hosts", 0)
                    .setValue("async_discovery", true));
        } else {
            stack.add(new SHARED_LOOPBACK_PING());
        }
        stack.add(new GatedMerge()
                .setMinInterval(mergeMinInterval.toMillis())
                .setMaxInterval(mergeMaxInterval.toMillis()));
        if (transport == Transport.TCP) {
            stack.add(new ClosedConnectionWatch()
                    .setBindAddress(bind.getAddress())
                    .setOffset(100)
                    .setPortRange(0));
        }
        // FD_ALL3, which also skips a heartbeat once every other member was sent a message since the
        // last (the lease's requests and answers are addressed to one member each): an idle node
        // sends about a third fewer messages.
        stack.add(new QuietHeartbeats()
                .setTimeout(heartbeatTimeout.toMillis())
                .setInterval(heartbeatInterval.toMillis()));
        stack.add(new SuspectTap());
        stack.add(new QuietVerifySuspect().setTimeout(verifyTimeout.toMillis()));
        stack.add(new BARRIER());
        // How often lost messages are asked for again and acknowledgements go out. 500 ms (JGroups'
        // default for UNICAST3) would wake an idle node 16 times a second less, but measured with
        // the fast timings it made a node's watchdog kill its processes in every 950 ms pause (the
        // watchdog's deadline passed before the next renewal reached it; docs/performance.md, scenario 7).
        // Tried again once the lease's messages bypassed UNICAST3 (sendPeriodic): the idle node's CPU
        // did not move measurably (run 55 against run 56), so 100 ms stays.
        // NAKACK2 that announces its highest multicast number after each view, so that a multicast
        // lost around a view change (a merge) is asked for again while the cluster is quiet, not
        // when the sender's next view arrives as it takes over (SeqnoAfterViews).
        stack.add(new SeqnoAfterViews().setXmitInterval(RETRANSMIT_MS).setValue("use_mcast_xmit", false));
        stack.add(new UNICAST3().setXmitInterval(RETRANSMIT_MS));
        stack.add(new STABLE().setDesiredAverageGossip(5000).setMaxBytes(1_000_000));
        stack.add(new NameGate(self));
        stack.add(new GMS()
                .setJoinTimeout(joinTimeout.toMillis())
                .setLeaveTimeout(500)
                .setViewAckCollectionTimeout(500)
                .setMergeTimeout(2000)
                .printLocalAddress(false));
        stack.add(new FRAG2().setFragSize(60_000));
        return stack;
    }

    @Override
    public String toString() {
        return "JGroupsConfig[" + transport + (transport == Transport.TCP ? " " + bind + " peers " + initialHosts : "")
                + ", heartbeat " + heartbeatInterval.toMillis() + "/" + heartbeatTimeout.toMillis() + " ms, verify "
                + verifyTimeout.toMillis() + " ms, "
                + clusterKey.map(k -> "sealed with key " + k.fingerprint()).orElse("INSECURE: no cluster key") + "]";
    }

    /** Builds a {@link JGroupsConfig}; {@link #build()} validates it. Not thread-safe. */
    public static final class Builder {
        private final Transport transport;
        private InetSocketAddress bind;
        private final List<InetSocketAddress> initialHosts = new ArrayList<>();
        private Duration heartbeatInterval = Duration.ofMillis(500);
        private Duration heartbeatTimeout = Duration.ofSeconds(3);
        private Duration verifyTimeout = Duration.ofMillis(200);
        private Duration joinTimeout = Duration.ofMillis(500);
        private Duration mergeMinInterval = Duration.ofSeconds(1);
        private Duration mergeMaxInterval = Duration.ofSeconds(3);
        private ClusterKey clusterKey;
        private boolean insecure;
        private int maxMessageBytes = 1 << 20;

        private Builder(Transport transport) {
            this.transport = transport;
        }

        /** The address and port this node listens on (TCP only). */
        public Builder bind(InetSocketAddress bind) {
            this.bind = bind;
            return this;
        }

        /** Every node's address, for discovery (TCP only). */
        public Builder initialHosts(List<InetSocketAddress> hosts) {
            initialHosts.clear();
            initialHosts.addAll(hosts);
            return this;
        }

        /** Heartbeat interval and the silence after which a member is suspected. */
        public Builder heartbeat(Duration interval, Duration timeout) {
            this.heartbeatInterval = interval;
            this.heartbeatTimeout = timeout;
            return this;
        }

        /** How long a suspicion is verified. */
        public Builder verifyTimeout(Duration timeout) {
            this.verifyTimeout = timeout;
            return this;
        }

        /** How long the first member waits for an existing cluster before forming its own. */
        public Builder joinTimeout(Duration timeout) {
            this.joinTimeout = timeout;
            return this;
        }

        /** Bounds of the interval at which partitions look for each other to merge. */
        public Builder mergeInterval(Duration min, Duration max) {
            this.mergeMinInterval = min;
            this.mergeMaxInterval = max;
            return this;
        }

        /**
         * The cluster key that seals the traffic (the same file on every node); required unless
         * {@link #insecure()}.
         */
        public Builder clusterKey(ClusterKey key) {
            if (key == null) {
                throw new IllegalArgumentException("cluster key must not be null (for no key, call insecure())");
            }
            this.clusterKey = key;
            this.insecure = false;
            return this;
        }

        /**
         * No seal: anyone who reaches the cluster's ports can read its traffic, join it (under a
         * configured name) and forge messages. An explicit choice, logged as an error when the
         * channel starts; for a closed test network only.
         */
        public Builder insecure() {
            this.clusterKey = null;
            this.insecure = true;
            return this;
        }

        /**
         * The longest message the TCP transport reads (1 MiB by default; JGroups fragments larger
         * messages at 60 KB); from 64 KiB to 64 MiB.
         */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < (64 << 10) || bytes > (64 << 20)) {
                throw new IllegalArgumentException(
                        "max message bytes must be 65536-67108864 (64 KiB-64 MiB), was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the field that is wrong
         */
        public JGroupsConfig build() {
            if (clusterKey == null && !insecure) {
                throw new IllegalArgumentException(
                        "a JGroups stack needs the cluster key (clusterKey(ClusterKey.load(file)))"
                                + " or, knowingly, insecure(): without a key anyone who reaches its ports can join");
            }
            Durations.requirePositive("heartbeat interval", heartbeatInterval);
            Durations.requirePositive("heartbeat timeout", heartbeatTimeout);
            Durations.requirePositive("verify timeout", verifyTimeout);
            Durations.requirePositive("join timeout", joinTimeout);
            Durations.requirePositive("merge min interval", mergeMinInterval);
            Durations.requirePositive("merge max interval", mergeMaxInterval);
            if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("heartbeat timeout (" + heartbeatTimeout.toMillis()
                        + " ms) must be at least twice the heartbeat interval (" + heartbeatInterval.toMillis()
                        + " ms)");
            }
            if (mergeMaxInterval.compareTo(mergeMinInterval) < 0) {
                throw new IllegalArgumentException("merge max interval must not be below the min interval");
            }
            if (transport == Transport.TCP) {
                Objects.requireNonNull(bind, "a TCP stack needs a bind address");
                if (bind.isUnresolved()) {
                    throw new IllegalArgumentException("bind address " + bind + " cannot be resolved");
                }
                if (bind.getPort() <= 0 || bind.getPort() > 65535 - 100) {
                    throw new IllegalArgumentException(
                            "bind port " + bind.getPort() + " is out of range 1-65435 (FD_SOCK2 uses port + 100)");
                }
                if (initialHosts.isEmpty()) {
                    throw new IllegalArgumentException("a TCP stack needs its initial hosts (every node's address)");
                }
                if (bind.getAddress().isAnyLocalAddress()) {
                    throw new IllegalArgumentException("bind address " + bind + " is a wildcard: give the address the"
                            + " other nodes reach this one at (it is what the name gate checks)");
                }
                if (!initialHosts.contains(bind)) {
                    throw new IllegalArgumentException("bind address " + bind + " is not among the initial hosts "
                            + initialHosts + ": list every node's address, this one's included");
                }
            }
            return new JGroupsConfig(this);
        }
    }

    /** The loopback address, for presets on one machine. */
    public static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("127.0.0.1 does not resolve", e);
        }
    }
}
