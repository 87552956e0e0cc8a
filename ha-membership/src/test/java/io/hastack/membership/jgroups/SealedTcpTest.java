package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.MembershipException;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jgroups.Version;
import org.jgroups.stack.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The production (TCP) stack on loopback, sealed with a cluster key: members join, talk and see
 * each other; a member with another key, one at an address that is not configured, and a raw
 * connection announcing a 16 MiB message get nowhere, and the members carry on.
 */
@Tag("functional")
class SealedTcpTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private final ClusterKey key = ClusterKey.generate();
    private final String cluster = "sealed-" + System.nanoTime();
    private final List<JGroupsMembership> started = new ArrayList<>();
    private final Map<NodeId, BlockingQueue<String>> received = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        started.forEach(JGroupsMembership::close);
    }

    private static int freePort() {
        return io.hastack.testsupport.Ports.freeWithNeighbour(100);
    }

    private static InetSocketAddress at(int port) {
        return new InetSocketAddress(JGroupsConfig.loopback(), port);
    }

    /** A crash a member reported: who, and when ({@link System#nanoTime()}). */
    private record Crash(NodeId reporter, NodeId node, long at) {}

    private final BlockingQueue<Crash> crashes = new LinkedBlockingQueue<>();

    private JGroupsMembership start(String name, JGroupsConfig config, List<String> nodes) {
        JGroupsMembership m = new JGroupsMembership(NodeId.of(name), cluster, config);
        m.admit(nodes.stream().map(NodeId::of).toList());
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        received.put(NodeId.of(name), inbox);
        m.start(new MembershipListener() {
            @Override
            public void messageReceived(NodeId from, byte[] payload) {
                inbox.add(from + ":" + new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void memberCrashed(NodeId node, String evidence) {
                crashes.add(new Crash(NodeId.of(name), node, System.nanoTime()));
            }
        });
        started.add(m);
        return m;
    }

    private static int size(JGroupsMembership m) {
        return m.currentView().map(View::members).map(List::size).orElse(0);
    }

    @Test
    void sealedMembersTalkAndOutsidersGetNowhere() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        int stray = freePort();
        List<InetSocketAddress> hosts = List.of(at(p1), at(p2));
        List<String> nodes = List.of("n1", "n2", "n3");
        JGroupsMembership n1 = start("n1", JGroupsConfig.tcp(at(p1), hosts, key), nodes);
        JGroupsMembership n2 = start("n2", JGroupsConfig.tcp(at(p2), hosts, key), nodes);
        await().atMost(WAIT).until(() -> size(n1) == 2 && size(n2) == 2);
        n1.send(NodeId.of("n2"), "hello".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> received.get(NodeId.of("n2")).contains("n1:hello"));
        // Periodic messages (the lease's) go past UNICAST3 but through the seal all the same.
        org.jgroups.protocols.UNICAST3 unicast =
                n2.channel().getProtocolStack().findProtocol(org.jgroups.protocols.UNICAST3.class);
        org.jgroups.Address toN1 = n2.addressOf(NodeId.of("n1")).orElseThrow();
        java.util.function.LongSupplier reliableToN1 = () -> {
            org.jgroups.util.Table<org.jgroups.Message> window = unicast.getSendWindow(toN1);
            return window == null ? 0 : window.getHighestReceived(); // the last sequence number sent
        };
        long reliableBefore = reliableToN1.getAsLong();
        for (int i = 0; i < 20; i++) {
            n2.sendPeriodic(NodeId.of("n1"), ("lease " + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(WAIT).until(() -> received.get(NodeId.of("n1")).contains("n2:lease 19"));
        long reliableSent = reliableToN1.getAsLong() - reliableBefore;
        assertTrue(reliableSent < 20, "periodic messages must not go through UNICAST3: " + reliableSent + " for 20");

        // Another key, at a configured node's name and an address it will try: never in a view.
        List<InetSocketAddress> withStray = List.of(at(p1), at(p2), at(stray));
        JGroupsMembership outsider = start("n3", JGroupsConfig.tcp(at(stray), withStray, ClusterKey.generate()), nodes);
        await().atMost(WAIT)
                .until(() -> n1.refused().count("wrong key") + n2.refused().count("wrong key") > 0);
        assertEquals(1, size(outsider));
        assertEquals(2, size(n1));
        outsider.close();

        // The key, a configured name, but an address that is not configured: refused, and says so.
        MembershipException e = assertThrows(
                MembershipException.class, () -> start("n3", JGroupsConfig.tcp(at(stray), withStray, key), nodes));
        assertTrue(e.getMessage().contains("not a configured node address"), e.getMessage());
        await().atMost(WAIT)
                .until(() ->
                        n1.refused().count("unknown address") + n2.refused().count("unknown address") > 0);
        assertEquals(2, size(n1));

        // A raw connection that announces a 16 MiB message is closed without reading it.
        try (Socket s = new Socket(JGroupsConfig.loopback(), p1)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write(new byte[] {'b', 'e', 'l', 'a'});
            out.writeShort(Version.version);
            IpAddress fake = new IpAddress(JGroupsConfig.loopback(), stray);
            out.writeShort(fake.serializedSize());
            fake.writeTo(out);
            out.writeInt(16 << 20);
            out.write(new byte[1024]);
            out.flush();
            s.setSoTimeout((int) WAIT.toMillis());
            InputStream in = s.getInputStream();
            // The node may send its own greeting first; then it must close the connection.
            int read = 0;
            try {
                while (read != -1) {
                    read = in.read();
                }
            } catch (SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the node closed the connection");
        }
        n2.send(NodeId.of("n1"), "still here".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> received.get(NodeId.of("n1")).contains("n2:still here"));
        assertEquals(2, size(n1));
        assertEquals(2, size(n2));
    }

    /** Opens a connection to {@code port} claiming to be {@code claimed}, as JGroups' servers greet. */
    private static Socket greet(int port, IpAddress claimed) throws Exception {
        Socket s = new Socket(JGroupsConfig.loopback(), port);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.write(new byte[] {'b', 'e', 'l', 'a'});
        out.writeShort(Version.version);
        out.writeShort(claimed.serializedSize());
        claimed.writeTo(out);
        out.flush();
        return s;
    }

    @Test
    void diagnosticsAreOffAndAStrangerCannotFakeAMembersExit() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        List<InetSocketAddress> hosts = List.of(at(p1), at(p2));
        List<String> nodes = List.of("n1", "n2");
        JGroupsMembership n1 = start("n1", JGroupsConfig.tcp(at(p1), hosts, key), nodes);
        JGroupsMembership n2 = start("n2", JGroupsConfig.tcp(at(p2), hosts, key), nodes);
        await().atMost(WAIT).until(() -> size(n1) == 2 && size(n2) == 2);
        for (JGroupsMembership m : List.of(n1, n2)) {
            org.jgroups.stack.DiagnosticsHandler d =
                    m.channel().getProtocolStack().getTransport().getDiagnosticsHandler();
            assertTrue(d == null || !d.isEnabled(), "JGroups diagnostics answer anyone: they must be off");
        }

        // A stranger replaces each member's failure-detection connection to the other, claiming to
        // be the other, and closes it: both members still run, so neither is reported as exited.
        for (int[] pair : new int[][] {{p1, p2}, {p2, p1}}) {
            try (Socket fake = greet(pair[0] + 100, new IpAddress(JGroupsConfig.loopback(), pair[1] + 100))) {
                fake.getOutputStream().flush();
            }
        }
        await().atMost(WAIT).until(() -> watch(n1).checked() + watch(n2).checked() > 0);
        assertEquals(List.of(), List.copyOf(crashes), "a stranger's close is no evidence of an exit");
        assertEquals(2, size(n1));
    }

    @Test
    void aConfirmedExitIsRemovedWithoutWaitingForVerification() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        List<InetSocketAddress> hosts = List.of(at(p1), at(p2));
        List<String> nodes = List.of("n1", "n2");
        JGroupsMembership n1 = startSlow("n1", at(p1), hosts, nodes);
        JGroupsMembership n2 = startSlow("n2", at(p2), hosts, nodes);
        await().atMost(WAIT).until(() -> size(n1) == 2 && size(n2) == 2);

        // n2's process "exits": its protocols stop and its sockets close, with no leave message.
        n2.channel().getProtocolStack().stopStack(cluster);
        await().atMost(WAIT).until(() -> size(n1) == 1);
        Crash crash = crashes.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        org.junit.jupiter.api.Assertions.assertNotNull(crash, "n1 saw n2 exit");
        assertEquals(NodeId.of("n1"), crash.reporter());
        assertEquals(NodeId.of("n2"), crash.node());
    }

    @Test
    void aDeathConfirmedByAnotherMemberIsRemovedByTheNextInLineWithoutVerification() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        List<InetSocketAddress> hosts = ports.stream().map(SealedTcpTest::at).toList();
        List<String> nodes = List.of("n1", "n2", "n3");
        List<JGroupsMembership> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(startSlow(nodes.get(i), hosts.get(i), hosts, nodes));
            JGroupsMembership joined = members.get(i);
            await().atMost(WAIT).until(() -> size(joined) == members.size());
        }
        await().atMost(WAIT).until(() -> members.stream().allMatch(m -> size(m) == 3));
        // The view's order: the coordinator first; FD_SOCK2 watches each member from the one before it.
        List<NodeId> order = members.get(0).currentView().orElseThrow().members();
        NodeId coordinator = order.get(0);
        NodeId next = order.get(1);
        NodeId watcher = order.get(2);
        JGroupsMembership dead = members.get(nodes.indexOf(coordinator.value()));
        JGroupsMembership nextInLine = members.get(nodes.indexOf(next.value()));
        JGroupsMembership third = members.get(nodes.indexOf(watcher.value()));

        // The coordinator "exits". The member that watched it sees it, but does not decide the removal.
        dead.channel().getProtocolStack().stopStack(cluster);
        Crash crash = crashes.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        org.junit.jupiter.api.Assertions.assertNotNull(crash, "the watcher saw the exit");
        assertEquals(new Crash(watcher, coordinator, crash.at()), crash);
        assertEquals(3, size(nextInLine), "no view yet: the next in line verifies, slowly");

        // Its DeathNotice reaches the next in line (here, by hand), which finds both ports refusing
        // too and removes the coordinator at once.
        nextInLine.removeConfirmed(coordinator);
        await().atMost(WAIT).until(() -> size(nextInLine) == 2 && size(third) == 2);
        assertEquals(next, nextInLine.currentView().orElseThrow().members().get(0), "the next in line coordinates");
    }

    /**
     * A member whose heartbeat timeout and verification are so slow (four times the test's wait)
     * that only a confirmed exit can remove a member within the wait.
     */
    private JGroupsMembership startSlow(
            String name, InetSocketAddress bind, List<InetSocketAddress> hosts, List<String> nodes) {
        Duration slow = WAIT.multipliedBy(4);
        return start(
                name,
                JGroupsConfig.tcp(bind, hosts, key).toBuilder()
                        .heartbeat(Duration.ofMillis(500), slow)
                        .verifyTimeout(slow)
                        .build(),
                nodes);
    }

    private static ClosedConnectionWatch watch(JGroupsMembership m) {
        return m.channel().getProtocolStack().findProtocol(ClosedConnectionWatch.class);
    }
}
