package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;

import io.hastack.core.agent.AgentRegistry;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.fence.FenceDevice;
import io.hastack.core.fence.FenceResult;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.quorum.QuorumDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import com.google.common.util.concurrent.MoreExecutors;

/**
 * N nodes on the in-process JGroups stack, sharing one {@link Witness} and one {@link
 * FileQuorumDevice} in a temporary directory. Close it after the test.
 */
final class TestCluster implements AutoCloseable {
    /** One timeout for every wait; generous, since CI machines are small and shared. */
    static final Duration WAIT = Duration.ofSeconds(30);

    final Witness witness = new Witness();
    final BlockingQueue<HaEvent> events = new LinkedBlockingQueue<>();
    private final String clusterName = "test-" + UUID.randomUUID();
    private final Map<NodeId, HaNode> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<NodeId, JGroupsMembership> memberships = new LinkedHashMap<>();
    private final AgentRegistry agents = AgentRegistry.builder().register("witness", spec -> witness.agent()).build();
    private final Path shared;
    final QuorumDevice device;
    private FenceDevice fenceDevice;
    /** Nodes fenced by {@link #fenceByCrashing()}, in order. */
    final List<NodeId> fencedNodes = new java.util.concurrent.CopyOnWriteArrayList<>();

    TestCluster() {
        try {
            shared = Files.createTempDirectory("ha-test-quorum");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        device = new FileQuorumDevice(shared);
    }

    /** Starts a node named {@code name} with {@code config}, and waits until it has joined. */
    HaNode start(String name, ClusterConfig config) {
        NodeId id = NodeId.of(name);
        JGroupsMembership membership = new JGroupsMembership(id, clusterName, JGroupsConfig.inProcess());
        HaNode.Builder builder = HaNode.builder().config(config).membership(membership).agents(agents)
                .quorumDevice(device).shutdownTimeout(Duration.ofSeconds(20));
        if (fenceDevice != null) {
            builder.fenceDevice(fenceDevice);
        }
        HaNode node = builder.build();
        node.addListener(events::add, MoreExecutors.directExecutor());
        memberships.put(id, membership);
        nodes.put(id, node);
        node.start();
        return node;
    }

    /**
     * Gives nodes started from now on a fence device that "powers off" a node by crashing it in
     * this JVM, as a real STONITH device would, and confirms.
     */
    void fenceByCrashing() {
        fenceDevice = new FenceDevice() {
            @Override
            public FenceResult fence(NodeId node, Duration timeout) {
                fencedNodes.add(node);
                // On a thread of its own: a node that fences itself interrupts its fence thread.
                Thread t = new Thread(() -> crash(node.value()), "fence-" + node);
                t.start();
                try {
                    t.join(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FenceResult.confirmed("crashed " + node + " in-process");
            }

            @Override
            public String describe() {
                return "in-process crash";
            }
        };
    }

    HaNode node(String name) {
        return nodes.get(NodeId.of(name));
    }

    JGroupsMembership membership(String name) {
        return memberships.get(NodeId.of(name));
    }

    /** Waits until every started node is in one view of {@code size} members. */
    void awaitView(int size) {
        await().atMost(WAIT).until(() -> memberships.values().stream()
                .allMatch(m -> m.currentView().map(v -> v.members().size() == size).orElse(false)));
    }

    /**
     * Crashes {@code name}: the node stops at once (a killed process runs nothing more), then its
     * channel dies without a leave, and what it ran dies with it.
     */
    void crash(String name) {
        NodeId id = NodeId.of(name);
        witness.crashed(id);
        HaNode node = nodes.remove(id);
        if (node != null) {
            node.halt();
            memberships.get(id).crash();
        }
    }

    /**
     * Splits the live nodes into {@code side} and the rest: each side drops every message from the
     * other, as a network partition would, while both keep running.
     */
    void partition(Set<String> side) {
        Map<String, org.jgroups.Address> addresses = new LinkedHashMap<>();
        memberships.forEach((id, m) -> {
            if (nodes.containsKey(id)) {
                addresses.put(id.value(), m.channel().getAddress());
            }
        });
        memberships.forEach((id, m) -> {
            if (!nodes.containsKey(id)) {
                return;
            }
            org.jgroups.protocols.DISCARD discard = m.channel().getProtocolStack()
                    .findProtocol(org.jgroups.protocols.DISCARD.class);
            boolean inSide = side.contains(id.value());
            addresses.forEach((name, address) -> {
                if (side.contains(name) != inSide) {
                    discard.addIgnoreMember(address);
                }
            });
        });
    }

    /** Ends every partition; the sides merge. */
    void heal() {
        memberships.forEach((id, m) -> {
            if (nodes.containsKey(id)) {
                m.channel().getProtocolStack().<org.jgroups.protocols.DISCARD>findProtocol(
                        org.jgroups.protocols.DISCARD.class).resetIgnoredMembers();
            }
        });
    }

    /** Waits until {@code name} sees a view of exactly {@code size} members. */
    void awaitViewOf(String name, int size) {
        await().atMost(WAIT).until(() -> memberships.get(NodeId.of(name)).currentView()
                .map(v -> v.members().size() == size).orElse(false));
    }

    /** The status from the current coordinator among the live nodes. */
    ClusterStatus coordinatorStatus() {
        for (HaNode n : nodes.values()) {
            ClusterStatus s = n.status();
            if (s.coordinator()) {
                return s;
            }
        }
        throw new AssertionError("no live node coordinates");
    }

    /** The events of type {@code type} received so far, draining none. */
    List<HaEvent> eventsOf(HaEvent.Type type) {
        return new ArrayList<>(events).stream().filter(e -> e.type() == type).toList();
    }

    @Override
    public void close() {
        witness.releaseAll();
        List<HaNode> live = new ArrayList<>(nodes.values());
        java.util.Collections.reverse(live);
        for (HaNode n : live) {
            n.halt();
        }
        memberships.values().forEach(JGroupsMembership::close);
    }
}
