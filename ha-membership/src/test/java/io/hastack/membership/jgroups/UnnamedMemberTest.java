package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.util.NameCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A view that lists a member whose logical name has not reached a node yet (under load the view can
 * come before the discovery answer that names it): the node holds the view back until the name
 * arrives and then installs it with the member, instead of leaving the member out until the next
 * view change; a name that never arrives leaves the member out after the wait. The production
 * (TCP) stack on loopback; the late name is played by hiding it from one node's lookups.
 */
@Tag("functional")
class UnnamedMemberTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private final ClusterKey key = ClusterKey.generate();
    private final String cluster = "unnamed-" + System.nanoTime();
    private final List<JGroupsMembership> started = new ArrayList<>();
    private final List<InetSocketAddress> hosts = new ArrayList<>();
    /** The names {@code n1} does not know yet. */
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();

    @AfterEach
    void tearDown() {
        started.forEach(JGroupsMembership::close);
    }

    private JGroupsMembership start(int index) {
        String name = NODES.get(index);
        JGroupsMembership m =
                new JGroupsMembership(NodeId.of(name), cluster, JGroupsConfig.tcp(hosts.get(index), hosts, key));
        m.admit(NODES.stream().map(NodeId::of).toList());
        m.start(new MembershipListener() {});
        started.add(m);
        return m;
    }

    private static List<String> members(JGroupsMembership m) {
        return m.currentView().map(View::members).orElse(List.of()).stream()
                .map(NodeId::value)
                .sorted()
                .toList();
    }

    private static long sequence(JGroupsMembership m) {
        return m.currentView().map(v -> v.id().sequence()).orElse(-1L);
    }

    /**
     * Starts n1 (which waits {@code nameWait} for a name) and n2, then n3, whose name n1 does not
     * know; returns them once n2 and n3 see all three.
     */
    private JGroupsMembership[] threeWithN3UnnamedAtN1(Duration nameWait) {
        for (int i = 0; i < NODES.size(); i++) {
            hosts.add(new InetSocketAddress(
                    JGroupsConfig.loopback(), io.hastack.testsupport.Ports.freeWithNeighbour(100)));
        }
        JGroupsMembership n1 = start(0);
        n1.nameWait = nameWait;
        JGroupsMembership n2 = start(1);
        await().atMost(WAIT).until(() -> members(n1).size() == 2 && members(n2).size() == 2);
        hidden.add("n3");
        n1.names = a -> {
            String name = NameCache.get(a);
            return name != null && hidden.contains(name) ? null : name;
        };
        JGroupsMembership n3 = start(2);
        await().atMost(WAIT)
                .until(() -> members(n2).equals(NODES) && members(n3).equals(NODES));
        return new JGroupsMembership[] {n1, n2, n3};
    }

    @Test
    void aViewIsHeldBackUntilAMembersNameArrivesThenInstalledWithTheMember() {
        JGroupsMembership[] n = threeWithN3UnnamedAtN1(Duration.ofSeconds(60));
        await().during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> members(n[0]).equals(List.of("n1", "n2")) && sequence(n[0]) < sequence(n[1]));

        hidden.clear(); // the name arrives
        await().atMost(WAIT).until(() -> members(n[0]).equals(NODES));
        assertEquals(sequence(n[1]), sequence(n[0]), "the same view as the others, not a later one");
    }

    @Test
    void aNameThatNeverArrivesLeavesTheMemberOutOnceTheWaitIsOver() {
        JGroupsMembership[] n = threeWithN3UnnamedAtN1(Duration.ofMillis(300));
        await().atMost(WAIT).until(() -> sequence(n[0]) == sequence(n[1]));
        assertEquals(List.of("n1", "n2"), members(n[0]), "installed without the unnamed member");
    }
}
