package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.HaConfigurationException;
import io.hastack.core.runtime.HaNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Changing the node list of a running cluster on real in-process nodes: a node added joins and
 * takes a share; a node removed once stopped is no longer admitted and cannot act on its old list;
 * changes that would break the quorum rule are refused, naming why. Every test checks that nothing
 * ever ran twice. See {@code docs/design/node-list-changes.md}.
 */
@Tag("functional")
class NodeListChangeTest {
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.closeAfterCheckingTheWitness();
    }

    private static ClusterConfig config(String... nodes) {
        return ClusterConfig.builder()
                .nodes(nodes)
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("web", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
    }

    private void start(ClusterConfig config, String... names) {
        cluster.witness.checkExclusiveStarts();
        for (String n : names) {
            cluster.start(n, config);
        }
        for (String n : names) {
            cluster.awaitViewOf(n, names.length);
        }
        awaitRunsOnce("web");
    }

    private NodeId awaitRunsOnce(String resource) {
        InProcessCluster.waitUntil(() -> cluster.witness.runningOn(resource).size() == 1, resource + " to run once");
        return cluster.witness.runningOn(resource).iterator().next();
    }

    /** Waits until every live node holds {@code nodes} as its node list, the change committed. */
    private VersionedConfig awaitCommitted(List<String> nodes) {
        List<NodeId> ids = nodes.stream().map(NodeId::of).toList();
        InProcessCluster.waitUntil(
                () -> cluster.liveNodes().stream().map(cluster::node).allMatch(n -> {
                    ClusterConfig c = n.configuration().config();
                    return c.nodes().equals(ids) && c.previousNodes().isEmpty();
                }),
                "every node to hold the node list " + nodes + ", committed");
        return cluster.node(cluster.liveNodes().iterator().next()).configuration();
    }

    private static VersionedConfig done(CompletableFuture<VersionedConfig> change) throws Exception {
        return change.get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String refusal(CompletableFuture<VersionedConfig> change) {
        ExecutionException e = assertThrows(
                ExecutionException.class, () -> change.get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(
                e.getCause() instanceof HaConfigurationException, e.getCause().toString());
        return e.getCause().getMessage();
    }

    @Test
    void aNodeAddedAtRunTimeJoinsAndTakesAShare() throws Exception {
        start(config("n1", "n2", "n3"), "n1", "n2", "n3");
        NodeId web = awaitRunsOnce("web");
        HaNode other = cluster.node(cluster.liveNodes().stream()
                .filter(n -> !n.equals(web.value()))
                .findFirst()
                .orElseThrow());

        VersionedConfig joint = done(other.admin().addNode(NodeId.of("n4"), Optional.empty()));
        assertEquals(
                List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")),
                joint.config().previousNodes());
        VersionedConfig committed = awaitCommitted(List.of("n1", "n2", "n3", "n4"));
        assertEquals(joint.version() + 1, committed.version(), "the coordinator commits with the next version");
        assertEquals(1, cluster.witness.starts(web.value(), "web"), "adding a node restarted nothing");

        // The new node starts with the cluster's file (here: a copy of any node's version).
        cluster.start("n4", committed);
        for (String n : List.of("n1", "n2", "n3", "n4")) {
            cluster.awaitViewOf(n, 4);
        }
        done(cluster.node("n1")
                .admin()
                .move(GroupId.of("web-group"), NodeId.of("n4"))
                .thenApply(m -> committed));
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").equals(java.util.Set.of(NodeId.of("n4"))),
                "web to move to the new node n4");

        // Four votes now: losing two of them loses quorum, and n4 counts as one of the majority.
        cluster.crash("n1");
        cluster.awaitViewOf("n4", 3);
        assertTrue(
                cluster.node("n4").status().quorum().startsWith("quorate"),
                cluster.node("n4").status().quorum());
    }

    @Test
    void aNodeIsRemovedOnceStoppedAndIsNoLongerAdmitted() throws Exception {
        start(config("n1", "n2", "n3", "n4"), "n1", "n2", "n3", "n4");
        String live = refusal(cluster.node("n1").admin().removeNode(NodeId.of("n4")));
        assertTrue(live.contains("n4 is a member") && live.contains("stop it first"), live);
        VersionedConfig before = cluster.node("n1").configuration();
        ClusterConfig old = before.config();

        cluster.crash("n4");
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.awaitViewOf(n, 3);
        }
        awaitRunsOnce("web");
        done(cluster.node("n2").admin().removeNode(NodeId.of("n4")));
        VersionedConfig committed = awaitCommitted(List.of("n1", "n2", "n3"));
        assertEquals(before.version() + 2, committed.version(), "one version for the change, one for its commit");

        // n4 comes back with its old list: the others do not admit it, and it says why.
        Exception refused =
                assertThrows(Exception.class, () -> cluster.start("n4", VersionedConfig.of(before.version(), old)));
        assertTrue(
                refused.getMessage().contains("n4 is not in the configured node list [n1, n2, n3]"),
                refused.getMessage());
        assertEquals(
                3, cluster.node("n1").status().view().orElseThrow().members().size());
        assertEquals(1, cluster.witness.runningOn("web").size());
    }

    /**
     * Found by the nemesis: n2, cut off while n4 was added, merged with n1, which holds the new list
     * of four, while n3 and n4 had won the tie of that list. Counting n1's vote by its old list of
     * three, n2 held its lease by a majority and recorded {n1, n2} on the device; taking the new
     * list, it then held the tie too, and both halves started the group. A member on a list the
     * cluster has left gets no lease from one on the new list, so it records nothing.
     */
    @Test
    void aNodeStillOnTheOldListMakesNoMajorityWithAMemberOnTheNewOne() throws Exception {
        start(config("n1", "n2", "n3"), "n1", "n2", "n3");
        VersionedConfig old = cluster.node("n2").configuration();
        // n2 cannot keep the change, so it stays on the list of three; cut off, n1 and n3 commit the
        // change without it.
        cluster.storeFails("n2", true);
        done(cluster.node("n1").admin().addNode(NodeId.of("n4"), Optional.empty()));
        cluster.partition(java.util.Set.of("n2"));
        List<NodeId> four = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"), NodeId.of("n4"));
        InProcessCluster.waitUntil(
                () -> List.of("n1", "n3").stream().map(cluster::node).allMatch(n -> {
                    ClusterConfig c = n.configuration().config();
                    return c.nodes().equals(four) && c.previousNodes().isEmpty();
                }),
                "n1 and n3 to commit the list of four without n2");
        VersionedConfig committed = cluster.node("n1").configuration();
        InProcessCluster.waitUntil(
                () -> {
                    try {
                        cluster.start("n4", committed);
                        return true;
                    } catch (RuntimeException refused) {
                        return false; // it asked n2, which does not admit it: ask again
                    }
                },
                "n4 to join n1 and n3");
        cluster.awaitViewOf("n1", 3);
        awaitRunsOnce("web");
        assertEquals(old, cluster.node("n2").configuration(), "n2 still holds the list of three");

        // {n3, n4} | {n1} | {n2}: n3 and n4 win the tie of the list of four and run the group.
        cluster.partition(java.util.Set.of("n3", "n4"));
        cluster.awaitViewOf("n3", 2);
        cluster.awaitViewOf("n1", 1);
        InProcessCluster.waitUntil(
                () -> cluster.node("n3").status().quorum().contains("tie won"),
                "n3 and n4 to win the tie (" + cluster.node("n3").status().quorum() + ")");
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").size() == 1
                        && java.util.Set.of(NodeId.of("n3"), NodeId.of("n4"))
                                .containsAll(cluster.witness.runningOn("web")),
                "web to run on n3 or n4");

        // n1 (the list of four) and n2 (still three) merge: n2 counts 2 of 3, but n1 grants it no
        // lease, so it neither acts nor records {n1, n2} as a majority on the device.
        cluster.heal();
        cluster.partition(java.util.Set.of("n3", "n4"));
        cluster.awaitViewOf("n1", 2);
        cluster.awaitViewOf("n2", 2);
        await("n2, on the list of three, to stay without a lease for 2 s")
                .during(Duration.ofSeconds(2))
                .atMost(InProcessCluster.WAIT)
                .until(() -> !cluster.node("n2").holdsLease()
                        && cluster.node("n2").configuration().equals(old));

        // Its store works again: it takes the list of four when n1 sends it again, and the tie stays
        // with n3 and n4.
        cluster.storeFails("n2", false);
        InProcessCluster.waitUntil(
                () -> cluster.node("n2").configuration().config().nodes().equals(four),
                "n2 to take the list of four from n1");
        InProcessCluster.waitUntil(
                () -> cluster.node("n1").status().quorum().startsWith("no quorum")
                        && cluster.node("n2").status().quorum().startsWith("no quorum"),
                "n1 and n2 to lose the tie (" + cluster.node("n1").status().quorum() + "; "
                        + cluster.node("n2").status().quorum() + ")");
        assertTrue(
                cluster.node("n3").status().quorum().contains("tie won"),
                cluster.node("n3").status().quorum());
        assertEquals(1, cluster.witness.runningOn("web").size(), "web runs once: " + cluster.witness.history());
    }

    @Test
    void changesThatWouldBreakTheQuorumRuleAreRefusedNamingWhy() throws Exception {
        start(config("n1", "n2"), "n1", "n2");
        HaNode n1 = cluster.node("n1");
        assertTrue(n1.status().coordinator(), "n1 started first and coordinates");
        long version = n1.configuration().version();

        String two = refusal(n1.admin()
                .configure(c -> c.toBuilder().nodes("n1", "n2", "n3", "n4").build()));
        assertTrue(two.contains("one node at a time"), two);
        String reorder = refusal(
                n1.admin().configure(c -> c.toBuilder().nodes("n2", "n1").build()));
        assertTrue(reorder.contains("one node at a time"), reorder);
        IllegalArgumentException twice = assertThrows(
                IllegalArgumentException.class, () -> n1.admin().addNode(NodeId.of("n2"), Optional.empty()));
        assertTrue(twice.getMessage().contains("already"), twice.getMessage());
        IllegalArgumentException self =
                assertThrows(IllegalArgumentException.class, () -> n1.admin().removeNode(NodeId.of("n1")));
        assertTrue(self.getMessage().contains("cannot remove itself"), self.getMessage());
        assertEquals(version, n1.configuration().version(), "nothing changed");

        // n2 cannot keep the joint version, so it does not take it: half of the old list has not, and
        // the change stays uncommitted.
        cluster.storeFails("n2", true);
        VersionedConfig joint = done(n1.admin().addNode(NodeId.of("n3"), Optional.empty()));
        String pending = refusal(n1.admin().addNode(NodeId.of("n4"), Optional.empty()));
        assertTrue(pending.contains("still being committed") && pending.contains("[n2] of [n1, n2]"), pending);
        assertEquals(version, cluster.node("n2").configuration().version(), "n2 did not take it");

        // Meanwhile quorum needs a strict majority of the old list: n1 alone no longer wins the tie.
        cluster.crash("n2");
        cluster.awaitViewOf("n1", 1);
        InProcessCluster.waitUntil(
                () -> n1.status().quorum().startsWith("no quorum")
                        && n1.status().quorum().contains("not a strict majority"),
                "n1 alone to lose quorum: 1 of the old 2 (" + n1.status().quorum() + ")");

        // n2 comes back with its old list and a working store: it takes the change, which commits.
        cluster.storeFails("n2", false);
        cluster.start("n2", config("n1", "n2"));
        VersionedConfig committed = awaitCommitted(List.of("n1", "n2", "n3"));
        assertEquals(joint.version() + 1, committed.version());
        awaitRunsOnce("web");
    }

    @Test
    void aNodeListEditedByHandIsNotTakenAndANodeThatForgetsBlocksChanges() throws Exception {
        start(config("n1", "n2", "n3"), "n1", "n2", "n3");
        cluster.crash("n3");
        cluster.awaitViewOf("n1", 2);
        // n3's file was edited: two nodes more, and a higher version, without previous-nodes.
        cluster.start("n3", VersionedConfig.of(5, config("n1", "n2", "n3", "n4", "n5")));
        cluster.awaitViewOf("n1", 3);
        InProcessCluster.waitUntil(
                () -> cluster.eventsOf(io.hastack.core.runtime.HaEvent.Type.CONFIG_MISMATCH).stream()
                        .anyMatch(e -> e.detail().contains("was not made from")),
                "the coordinator to refuse n3's node list");
        assertEquals(
                List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")),
                cluster.node("n1").configuration().config().nodes());
        assertEquals(1, cluster.witness.runningOn("web").size());

        cluster.crash("n3");
        cluster.awaitViewOf("n1", 2);
        cluster.storeForgets("n3");
        cluster.start("n3", config("n1", "n2", "n3"));
        cluster.awaitViewOf("n1", 3);
        String forgets = refusal(cluster.node("n1").admin().addNode(NodeId.of("n4"), Optional.empty()));
        assertTrue(forgets.contains("[n3] keep no configuration across restarts"), forgets);
    }

    @Test
    void aChangeTheViewCouldNotCarryIsRefusedAndTwoNodesDoNotShrink() throws Exception {
        start(config("n1", "n2", "n3"), "n1", "n2", "n3");
        cluster.crash("n3");
        cluster.awaitViewOf("n1", 2);
        String tie = refusal(cluster.node("n1").admin().addNode(NodeId.of("n4"), Optional.empty()));
        assertTrue(tie.contains("strict majority of both"), tie);

        done(cluster.node("n1").admin().removeNode(NodeId.of("n3")));
        awaitCommitted(List.of("n1", "n2"));
        awaitRunsOnce("web");

        cluster.crash("n2");
        cluster.awaitViewOf("n1", 1);
        InProcessCluster.waitUntil(
                () -> cluster.node("n1").status().quorum().contains("tie won"), "n1 to win the tie alone");
        String two = refusal(cluster.node("n1").admin().removeNode(NodeId.of("n2")));
        assertTrue(two.contains("two nodes cannot lose one"), two);
        assertEquals(
                List.of(NodeId.of("n1"), NodeId.of("n2")),
                cluster.node("n1").configuration().config().nodes());
    }
}
