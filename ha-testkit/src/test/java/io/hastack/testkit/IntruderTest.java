package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.security.Refusals;
import io.hastack.membership.jgroups.JGroupsConfig;
import io.hastack.membership.jgroups.JGroupsFaults;
import io.hastack.membership.jgroups.JGroupsFaults.Captured;
import io.hastack.membership.jgroups.JGroupsFaults.Intruder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Adversarial tests on real (in-process) JGroups channels: members without the key, with the key
 * but a name that is not a node's, with a live node's name; replayed, reflected, oversized and
 * malformed frames. In each case the cluster stays managed, a failover still happens, nothing runs
 * twice, and the status names what was refused ({@code docs/security.md}).
 */
@Tag("functional")
class IntruderTest {
    private final InProcessCluster cluster = new InProcessCluster();
    private final List<Intruder> intruders = new ArrayList<>();

    @AfterEach
    void tearDown() {
        intruders.forEach(Intruder::close);
        cluster.close();
        assertEquals(List.of(), cluster.witness.violations());
    }

    private static ClusterConfig config() {
        ResourceSpec web = ResourceSpec.builder("web", "witness")
                .monitorInterval(Duration.ofMillis(200))
                .build();
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of("web-group", web))
                .build();
    }

    private void startNodes() {
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config());
        }
        cluster.awaitView(3);
    }

    private NodeId awaitGroupOnOneNode() {
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").size() == 1);
        return cluster.witness.runningOn("web").iterator().next();
    }

    private Intruder intrude(String name, JGroupsConfig config) {
        Intruder i = JGroupsFaults.intrude(name, cluster.clusterName(), config);
        intruders.add(i);
        return i;
    }

    private ClusterKey key() {
        return cluster.settings().clusterKey().orElseThrow();
    }

    /** What every live node refused, added up. */
    private Refusals.Snapshot refusedEverywhere() {
        Refusals.Snapshot all = Refusals.Snapshot.EMPTY;
        for (String n : cluster.liveNodes()) {
            all = all.plus(cluster.node(n).status().refused());
        }
        return all;
    }

    /** The active node crashes; the group runs on exactly one survivor again. */
    private void assertFailoverStillWorks() {
        NodeId active = awaitGroupOnOneNode();
        cluster.crash(active.value());
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Set<NodeId> web = cluster.witness.runningOn("web");
            return web.size() == 1 && !web.contains(active);
        });
    }

    private void assertEveryViewHas(int size) {
        for (String n : cluster.liveNodes()) {
            assertEquals(
                    size,
                    cluster.node(n).status().view().orElseThrow().members().size(),
                    cluster.node(n).status().render());
        }
    }

    @Test
    void aMemberWithoutTheKeyStartedFirstUnderARealNameNeverGetsIn() {
        Intruder outsider = intrude("n1", JGroupsConfig.inProcess(ClusterKey.generate()));
        startNodes();
        awaitGroupOnOneNode();

        assertEquals(List.of("n1"), outsider.members(), "the outsider is alone in its own view");
        assertEveryViewHas(3);
        await().atMost(InProcessCluster.WAIT).until(() -> refusedEverywhere().count("wrong key") > 0);
        assertEquals(0, outsider.receivedFromOthers(), "the outsider read nothing of the cluster's traffic");
        ClusterStatus status = cluster.coordinatorStatus();
        assertTrue(status.coordinator() && !status.node().value().isEmpty(), status.render());
        assertTrue(
                refusedEverywhere().render().contains("wrong key"),
                refusedEverywhere().render());

        assertFailoverStillWorks();
        assertEveryViewHas(2);
    }

    @Test
    void membersWithoutTheKeyStartedAfterTheNodesCannotJoinReadOrSend() throws Exception {
        startNodes();
        awaitGroupOnOneNode();
        Intruder wrongKey = intrude("n2", JGroupsConfig.inProcess(ClusterKey.generate()));
        Intruder badName = intrude("not a node!", JGroupsConfig.inProcess(ClusterKey.generate()));
        Intruder noKey = intrude(
                "n4",
                JGroupsConfig.inProcess(ClusterKey.generate()).toBuilder()
                        .insecure()
                        .build());
        for (int i = 0; i < 50; i++) {
            wrongKey.broadcast("forged".getBytes(StandardCharsets.UTF_8));
            noKey.broadcast("forged".getBytes(StandardCharsets.UTF_8));
            badName.broadcast("forged".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Refusals.Snapshot r = refusedEverywhere();
            return r.count("wrong key") > 0 && r.count("not sealed") > 0;
        });
        assertEquals(List.of("n2"), wrongKey.members());
        assertEquals(List.of("n4"), noKey.members());
        assertEquals(List.of("not a node!"), badName.members());
        assertEquals(0, wrongKey.receivedFromOthers(), "a member with another key is handed nothing");
        // A member without the seal is handed what the nodes send, sealed: never a readable frame.
        for (byte[] p : noKey.payloadsFromOthers()) {
            String text = new String(p, StandardCharsets.ISO_8859_1);
            assertTrue(
                    // names of 9 bytes and the 3-byte frame prefix: not found in ciphertext by chance
                    !text.contains("web-group") && !text.contains("HA\u0005"),
                    "readable traffic reached the outsider: " + text);
        }
        assertEveryViewHas(3);
        assertFailoverStillWorks();
    }

    @Test
    void aKeyHolderWithAnUnknownOrInvalidNameIsRefusedAndTheStatusSaysWhy() {
        startNodes();
        awaitGroupOnOneNode();

        SecurityException unknown =
                assertThrows(SecurityException.class, () -> intrude("n9", JGroupsConfig.inProcess(key())));
        assertTrue(unknown.getMessage().contains("not in the configured node list"), unknown.getMessage());
        SecurityException invalid =
                assertThrows(SecurityException.class, () -> intrude("not a node!", JGroupsConfig.inProcess(key())));
        assertTrue(invalid.getMessage().contains("is invalid"), invalid.getMessage());

        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            String refused = refusedEverywhere().render();
            assertTrue(refused.contains("unknown node") && refused.contains("invalid name"), refused);
        });
        assertEveryViewHas(3);
        // View handling and failure detection go on: a crash is still detected and failed over.
        assertFailoverStillWorks();
        assertEveryViewHas(2);
    }

    @Test
    void aSecondAddressClaimingALiveNodesNameIsRefusedAndReported() {
        startNodes();
        NodeId active = awaitGroupOnOneNode();

        SecurityException e =
                assertThrows(SecurityException.class, () -> intrude("n2", JGroupsConfig.inProcess(key())));
        assertTrue(e.getMessage().contains("which is the live member"), e.getMessage());
        await().atMost(InProcessCluster.WAIT)
                .untilAsserted(() -> assertTrue(
                        refusedEverywhere().count("name in use") > 0,
                        refusedEverywhere().render()));
        assertEveryViewHas(3);
        assertEquals(Set.of(active), cluster.witness.runningOn("web"), "the group did not move");
    }

    @Test
    void aRollingRestartWithAnOutsiderPresentEndsWithTheGroupRunningOnce() {
        intrude("n1", JGroupsConfig.inProcess(ClusterKey.generate()));
        startNodes();
        awaitGroupOnOneNode();
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.node(n).close();
            cluster.awaitViewOf(n.equals("n1") ? "n2" : "n1", 2);
            cluster.start(n, config());
            cluster.awaitView(3);
            awaitGroupOnOneNode();
        }
        assertEveryViewHas(3);
        assertEquals(1, cluster.witness.runningOn("web").size());
    }

    @Test
    void aReplayedCleanupIsRefusedAndTheFailureRecordStays() throws Exception {
        startNodes();
        NodeId active = awaitGroupOnOneNode();
        String target = active.value();
        String sender = target.equals("n1") ? "n2" : "n1";
        String third = List.of("n1", "n2", "n3").stream()
                .filter(n -> !n.equals(target) && !n.equals(sender))
                .findFirst()
                .orElseThrow();
        BlockingQueue<Captured> tap =
                JGroupsFaults.of(cluster.membership(target)).record();

        // The sender cleans up: a Cleanup frame goes to the target, with its lease requests.
        cluster.node(sender).admin().cleanup(ResourceId.of("web")).get(30, TimeUnit.SECONDS);
        List<byte[]> captured = new ArrayList<>();
        await().atMost(InProcessCluster.WAIT).until(() -> {
            for (Captured c = tap.poll(); c != null; c = tap.poll()) {
                if (c.from().value().equals(sender)) {
                    captured.add(c.payload());
                }
            }
            return captured.size() >= 3;
        });

        // Then the resource fails on the target: a failure record that a cleanup would erase.
        HaNode victim = cluster.node(target);
        cluster.witness.failMonitor(active, "web", true);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> victim.localState().failCounts().getOrDefault(ResourceId.of("web"), 0) > 0);
        cluster.witness.failMonitor(active, "web", false);
        int failures = victim.localState().failCounts().get(ResourceId.of("web"));

        long replayedBefore = victim.status().refused().count("replayed");
        JGroupsFaults fromSender = JGroupsFaults.of(cluster.membership(sender));
        for (byte[] frame : captured) {
            fromSender.sendRawTo(active, frame);
        }
        await().atMost(InProcessCluster.WAIT)
                .until(() -> victim.status().refused().count("replayed") >= replayedBefore + captured.size());
        assertEquals(failures, victim.localState().failCounts().get(ResourceId.of("web")), "nothing was erased");
        assertTrue(
                victim.status().render().contains("replayed"), victim.status().render());

        // Reflected: the sender's frame sent back to the sender, and on to a node it was not for.
        byte[] frame = captured.get(0);
        JGroupsFaults.of(cluster.membership(target)).sendRawTo(NodeId.of(sender), frame);
        fromSender.sendRawTo(NodeId.of(third), frame);
        await().atMost(InProcessCluster.WAIT).untilAsserted(() -> {
            assertTrue(
                    cluster.node(sender).status().refused().count("reflected") > 0,
                    cluster.node(sender).status().render());
            assertTrue(
                    cluster.node(third).status().refused().count("reflected") > 0,
                    cluster.node(third).status().render());
        });
        assertFailoverStillWorks();
    }

    @Test
    void oversizedAndMalformedFramesAreDroppedAndCounted() throws Exception {
        startNodes();
        awaitGroupOnOneNode();
        JGroupsFaults rogue = JGroupsFaults.of(cluster.membership("n2"));
        rogue.sendRaw(new byte[5 << 20]);
        for (int i = 0; i < 200; i++) {
            rogue.sendRaw("not a message".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(InProcessCluster.WAIT).until(() -> {
            Refusals.Snapshot r = cluster.node("n1").status().refused();
            return r.count("oversized") == 1 && r.count("malformed") >= 200;
        });
        assertTrue(cluster.node("n1").status().render().contains("oversized"));
        assertEveryViewHas(3);
        assertFailoverStillWorks();
    }
}
