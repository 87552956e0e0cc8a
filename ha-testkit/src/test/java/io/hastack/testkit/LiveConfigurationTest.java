package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.HaConfigurationException;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The replicated configuration on real in-process nodes: a change made through any node's admin
 * reaches every node and takes effect without a restart; a bad change is refused and changes
 * nothing; a node that was away takes the newer version; versions changed apart are reconciled and
 * the loser reported. Every test also checks that nothing ever ran twice (the witness).
 */
@Tag("functional")
class LiveConfigurationTest {
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.closeAfterCheckingTheWitness();
    }

    private static ResourceSpec witness(String id, String... params) {
        ResourceSpec.Builder b = ResourceSpec.builder(id, "witness").monitorInterval(Duration.ofMillis(200));
        for (int i = 0; i < params.length; i += 2) {
            b.param(params[i], params[i + 1]);
        }
        return b.build();
    }

    private static ClusterConfig.Builder base(NoQuorumPolicy policy) {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .noQuorumPolicy(policy)
                .group(ResourceGroup.of("web-group", witness("app", "flavour", "plain"), witness("web")));
    }

    private static ClusterConfig base() {
        return base(NoQuorumPolicy.STOP).build();
    }

    /** {@code config} with {@code group} added. */
    private static ClusterConfig with(ClusterConfig config, ResourceGroup group) {
        ClusterConfig.Builder b = ClusterConfig.builder()
                .nodes(config.nodes().stream().map(NodeId::value).toArray(String[]::new))
                .noQuorumPolicy(config.noQuorumPolicy());
        config.groups().forEach(b::group);
        b.group(group);
        return b.build();
    }

    private static ClusterConfig withApp(String flavour, ResourceGroup... more) {
        ClusterConfig.Builder b = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of("web-group", witness("app", "flavour", flavour), witness("web")));
        for (ResourceGroup g : more) {
            b.group(g);
        }
        return b.build();
    }

    private void startAll(ClusterConfig config) {
        if (config.noQuorumPolicy() != NoQuorumPolicy.IGNORE) {
            cluster.witness.checkExclusiveStarts();
        }
        NODES.forEach(n -> cluster.start(n, config));
        cluster.awaitView(3);
        awaitRunsOnce("web");
    }

    private NodeId awaitRunsOnce(String resource) {
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn(resource).size() == 1);
        return cluster.witness.runningOn(resource).iterator().next();
    }

    private void awaitEveryNodeHolds(long version, String hash) {
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.liveNodes().stream()
                        .map(cluster::node)
                        .allMatch(n -> n.configuration().version() == version
                                && n.configuration().hash().equals(hash)));
    }

    /** A member that does not coordinate: changes go through the coordinator from anywhere. */
    private HaNode nonCoordinator() {
        NodeId coordinator = cluster.coordinatorStatus().view().orElseThrow().coordinator();
        return cluster.liveNodes().stream()
                .filter(n -> !n.equals(coordinator.value()))
                .map(cluster::node)
                .findFirst()
                .orElseThrow();
    }

    private static VersionedConfig change(HaNode node, UnaryOperator<ClusterConfig> change) throws Exception {
        return node.admin().configure(change).get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable refusal(CompletableFuture<VersionedConfig> change) {
        ExecutionException e = assertThrows(
                ExecutionException.class, () -> change.get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aGroupAddedAtRunTimeStartsOnceAndEveryNodeKeepsTheNewVersion() throws Exception {
        startAll(base());
        NodeId web = awaitRunsOnce("web");

        HaNode first = nonCoordinator();
        String v1Proposer = first.id().value();
        VersionedConfig v1 = change(first, c -> with(c, ResourceGroup.of("db-group", witness("db"))));

        assertEquals(1, v1.version());
        // At once another change from the same node: the members may still be applying version 1,
        // so the coordinator defers it and the proposer sends it again until it can be made.
        HaNode proposer = cluster.node(v1Proposer);
        VersionedConfig v2 = change(proposer, c -> with(c, ResourceGroup.of("cache-group", witness("cache"))));
        assertEquals(2, v2.version());
        awaitEveryNodeHolds(2, v2.hash());
        awaitRunsOnce("cache");
        awaitRunsOnce("db");
        NODES.forEach(n -> assertEquals(v2, cluster.stored(n).orElseThrow(), n + " kept version 2"));
        assertEquals(Set.of(web), cluster.witness.runningOn("web"), "the running group was not touched");
        assertEquals(1, cluster.witness.starts(web.value(), "web"), "web was not restarted");
        // Every node answers for the whole cluster, as the coordinator last shared it.
        await().atMost(InProcessCluster.WAIT)
                .until(() -> NODES.stream()
                        .map(n -> cluster.node(n).status())
                        .allMatch(s -> s.render().contains("configuration: version 2")
                                && s.nodes().size() == 3
                                && s.runningOn(io.hastack.core.model.ResourceId.of("db"))
                                                .size()
                                        == 1
                                && s.runningOn(io.hastack.core.model.ResourceId.of("web"))
                                        .equals(List.of(web))));
    }

    @Test
    void aChangedParameterRestartsTheResourceAndWhatFollowsItAndADeletedGroupStops() throws Exception {
        startAll(withApp("plain", ResourceGroup.of("db-group", witness("db"))));
        awaitRunsOnce("db");
        long appStarts =
                NODES.stream().mapToLong(n -> cluster.witness.starts(n, "app")).sum();
        long webStarts =
                NODES.stream().mapToLong(n -> cluster.witness.starts(n, "web")).sum();
        long dbStarts =
                NODES.stream().mapToLong(n -> cluster.witness.starts(n, "db")).sum();

        VersionedConfig v1 =
                change(nonCoordinator(), c -> withApp("spicy", ResourceGroup.of("db-group", witness("db"))));
        awaitEveryNodeHolds(1, v1.hash());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> NODES.stream()
                                        .mapToLong(n -> cluster.witness.starts(n, "app"))
                                        .sum()
                                == appStarts + 1
                        && NODES.stream()
                                        .mapToLong(n -> cluster.witness.starts(n, "web"))
                                        .sum()
                                == webStarts + 1
                        && cluster.witness.runningOn("web").size() == 1
                        && cluster.witness.runningOn("app").equals(cluster.witness.runningOn("web")));
        assertEquals(
                dbStarts,
                NODES.stream().mapToLong(n -> cluster.witness.starts(n, "db")).sum(),
                "db, untouched by the change, kept running");
        assertTrue(
                cluster.witness.history().stream()
                        .anyMatch(e ->
                                e.resource().value().equals("app") && e.what().equals("stop")),
                "app was stopped before it started with the new parameter");

        VersionedConfig v2 = change(cluster.node("n1"), c -> withApp("spicy"));
        assertEquals(2, v2.version());
        awaitEveryNodeHolds(2, v2.hash());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("db").isEmpty());
        assertTrue(cluster.node("n2")
                .config()
                .group(io.hastack.core.model.GroupId.of("db-group"))
                .isEmpty());
        assertEquals(1, cluster.witness.runningOn("web").size(), "web-group still runs");
    }

    @Test
    void aBadChangeIsRefusedWithTheReasonAndChangesNothing() throws Exception {
        startAll(base());
        NodeId web = awaitRunsOnce("web");
        HaNode node = nonCoordinator();
        ClusterConfig before = node.config();

        Throwable agent = refusal(node.admin()
                .configure(
                        c -> with(c, ResourceGroup.of("bad", witness("x", "invalid", "port 99999 is out of range")))));
        assertInstanceOf(HaConfigurationException.class, agent);
        assertTrue(
                agent.getMessage().contains("resource x") && agent.getMessage().contains("port 99999"),
                agent.getMessage());

        Throwable unknown = refusal(node.admin()
                .configure(c -> with(
                        c,
                        ResourceGroup.of(
                                "bad",
                                ResourceSpec.builder("y", "no-such-agent").build()))));
        assertTrue(unknown.getMessage().contains("unknown agent type 'no-such-agent'"), unknown.getMessage());

        Throwable stale = refusal(node.admin().configure(with(before, ResourceGroup.of("db-group", witness("db"))), 7));
        assertTrue(
                stale.getMessage().contains("changed meanwhile")
                        && stale.getMessage().contains("version 7"),
                stale.getMessage());

        ClusterConfig.Builder fewer = ClusterConfig.builder().nodes("n1", "n2");
        before.groups().forEach(fewer::group);
        Throwable nodes = refusal(node.admin().configure(fewer.build(), -1));
        assertTrue(
                nodes.getMessage().contains("node n3 is a member")
                        && nodes.getMessage().contains("stop it first"),
                nodes.getMessage());

        IllegalArgumentException base =
                assertThrows(IllegalArgumentException.class, () -> node.admin().configure(before, -2));
        assertTrue(base.getMessage().contains("base version -2"), base.getMessage());

        VersionedConfig same = change(node, c -> c);
        assertEquals(0, same.version(), "a change that changes nothing makes no version");
        awaitEveryNodeHolds(0, before.hash());
        assertEquals(Set.of(web), cluster.witness.runningOn("web"));
        assertEquals(1, cluster.witness.starts(web.value(), "web"), "nothing restarted");
        assertTrue(cluster.witness.runningOn("x").isEmpty()
                && cluster.witness.runningOn("y").isEmpty());
    }

    @Test
    void aNodeThatWasAwayTakesTheNewerVersionAndANodeWithANewerOneSpreadsIt() throws Exception {
        startAll(base());
        NodeId web = awaitRunsOnce("web");
        String away =
                NODES.stream().filter(n -> !n.equals(web.value())).findFirst().orElseThrow();
        cluster.crash(away);
        cluster.awaitViewOf(web.value(), 2);

        VersionedConfig v1 =
                change(cluster.node(web.value()), c -> with(c, ResourceGroup.of("db-group", witness("db"))));
        awaitRunsOnce("db");

        cluster.start(away, base()); // with its old file: version 0
        cluster.awaitView(3);
        awaitEveryNodeHolds(1, v1.hash());
        awaitRunsOnce("db");

        // Every node goes; one comes back with a newer version than the others kept.
        ClusterConfig newer = with(v1.config(), ResourceGroup.of("cache-group", witness("cache")));
        VersionedConfig v2 = v1.next(newer);
        for (String n : NODES) {
            cluster.crash(n);
        }
        cluster.start("n1", v1);
        cluster.start("n2", v2);
        cluster.start("n3", v1);
        cluster.awaitView(3);
        awaitEveryNodeHolds(2, v2.hash());
        assertTrue(
                cluster.eventsOf(HaEvent.Type.CONFIG_INSTALLED).stream()
                        .anyMatch(e -> e.node().equals(NodeId.of("n1"))
                                && e.data() instanceof io.hastack.core.runtime.EventData.ConfigInstalled c
                                && c.from().equals(NodeId.of("n2"))
                                && c.version() == 2),
                "the coordinator n1 asked n2 for its newer version and took it");
        awaitRunsOnce("cache");
        awaitRunsOnce("db");
        assertEquals(List.of(), cluster.discarded("n1"), "version 1 is in version 2's lineage: nothing lost");
    }

    @Test
    void withoutQuorumTheConfigurationDoesNotChangeAndTheMinorityTakesTheMajoritysOnHealing() throws Exception {
        startAll(base());
        cluster.partition(Set.of("n1", "n2"));
        cluster.awaitViewOf("n3", 1);
        cluster.awaitViewOf("n1", 2);

        Throwable alone =
                refusal(cluster.node("n3").admin().configure(c -> with(c, ResourceGroup.of("x-group", witness("x")))));
        assertTrue(alone.getMessage().contains("no quorum"), alone.getMessage());

        VersionedConfig v1 = change(cluster.node("n2"), c -> with(c, ResourceGroup.of("db-group", witness("db"))));
        cluster.heal();
        cluster.awaitView(3);
        awaitEveryNodeHolds(1, v1.hash());
        awaitRunsOnce("db");
        assertTrue(cluster.witness.runningOn("x").isEmpty());
    }

    @Test
    void versionsChangedApartAreReconciledAndTheLoserIsReported() throws Exception {
        startAll(base(NoQuorumPolicy.IGNORE).build());
        cluster.partition(Set.of("n1", "n2"));
        cluster.awaitViewOf("n3", 1);
        cluster.awaitViewOf("n1", 2);

        VersionedConfig majority =
                change(cluster.node("n1"), c -> with(c, ResourceGroup.of("db-group", witness("db"))));
        VersionedConfig minority = change(cluster.node("n3"), c -> with(c, ResourceGroup.of("x-group", witness("x"))));
        assertEquals(majority.version(), minority.version(), "both sides made version 1, apart");
        assertFalse(majority.hash().equals(minority.hash()));

        cluster.heal();
        cluster.awaitView(3);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.liveNodes().stream()
                                .map(cluster::node)
                                .map(n -> n.configuration().hash())
                                .distinct()
                                .count()
                        == 1);
        VersionedConfig winner = cluster.node("n1").configuration();
        VersionedConfig loser = winner.hash().equals(majority.hash()) ? minority : majority;
        List<String> losers =
                NODES.stream().filter(n -> cluster.discarded(n).contains(loser)).toList();
        assertFalse(losers.isEmpty(), "the nodes that held " + loser + " kept a copy");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.eventsOf(HaEvent.Type.CONFIG_DISCARDED).stream()
                        .anyMatch(e -> e.detail().contains("version " + loser.version())));
        String lostGroup = loser.equals(minority) ? "x" : "db";
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn(lostGroup).isEmpty());
    }

    @Test
    void anyNodePutsAnotherInStandbyAndTakesItOut() throws Exception {
        startAll(base());
        NodeId web = awaitRunsOnce("web");
        HaNode other = cluster.liveNodes().stream()
                .filter(n -> !n.equals(web.value()))
                .map(cluster::node)
                .findFirst()
                .orElseThrow();

        other.admin().standby(web, true).get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(web));
        await().atMost(InProcessCluster.WAIT)
                .until(() -> other.status().nodes().stream()
                        .anyMatch(n ->
                                n.node().equals(web) && n.status() == io.hastack.core.spi.plan.NodeStatus.STANDBY));
        other.admin().standby(web, false).get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> other.status().nodes().stream()
                        .anyMatch(
                                n -> n.node().equals(web) && n.status() == io.hastack.core.spi.plan.NodeStatus.ONLINE));
        assertThrows(IllegalArgumentException.class, () -> other.admin().standby(NodeId.of("n9"), true));
        cluster.crash(web.value());
        cluster.awaitViewOf(other.id().value(), 2);
        Throwable gone = assertThrows(
                        ExecutionException.class,
                        () -> other.admin().standby(web, true).get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS))
                .getCause();
        assertTrue(gone.getMessage().contains("is not a member"), gone.getMessage());
    }

    private static ClusterConfig webEnabled(boolean on) {
        ResourceSpec web = ResourceSpec.builder("web", "witness")
                .monitorInterval(Duration.ofMillis(200))
                .enabled(on)
                .build();
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of("web-group", witness("app", "flavour", "plain"), web))
                .build();
    }

    @Test
    void aDisabledResourceStopsAndItsPredecessorsKeepRunningUntilItIsEnabledAgain() throws Exception {
        startAll(base());
        NodeId node = awaitRunsOnce("web");
        assertEquals(Set.of(node), cluster.witness.runningOn("app"));

        change(nonCoordinator(), c -> webEnabled(false));
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").isEmpty());
        assertEquals(Set.of(node), cluster.witness.runningOn("app"), "app, before web in the group, keeps running");
        assertEquals(1, cluster.witness.starts(node.value(), "app"), "app was not restarted");
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.coordinatorStatus().notes().stream().anyMatch(n -> n.contains("web is disabled")));

        change(cluster.node(node.value()), c -> webEnabled(true));
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").equals(Set.of(node)));
        assertEquals(1, cluster.witness.starts(node.value(), "app"));
    }
}
