package io.hastack.membership.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.quorum.QuorumDeviceContract;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The quorum device contract against an embedded ZooKeeper server (curator-test). */
@Tag("functional")
class ZooKeeperQuorumDeviceTest extends QuorumDeviceContract {
    private static TestingServer server;
    private int stores;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected String newStore() {
        return "/hastack/test-" + System.nanoTime() + "-" + stores++;
    }

    @Override
    protected int splitRounds() {
        return 15; // each round opens three ZooKeeper sessions
    }

    /** A plain, started client of the test server, to look at the znodes as they are. */
    private static org.apache.curator.framework.CuratorFramework rawClient() {
        org.apache.curator.framework.CuratorFramework raw =
                org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                        server.getConnectString(), new org.apache.curator.retry.RetryOneTime(100));
        raw.start();
        return raw;
    }

    @Override
    protected QuorumDevice open(String store) {
        return ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10));
    }

    /**
     * The claim asks whether it is still in time after it read the winner, before its conditional
     * write: a winner changed in between fails that write, and the claim reads and asks again (asked
     * once before the read, this claim would have taken the tie from {a, c}).
     */
    @Test
    void aClaimAsksWhetherItIsInTimeAfterEachReadOfTheWinner() throws Exception {
        String store = newStore();
        try (QuorumDevice device = open(store);
                QuorumDevice other = open(store)) {
            NodeId a = NodeId.of("a");
            NodeId b = NodeId.of("b");
            NodeId c = NodeId.of("c");
            device.recordMajority(Set.of(a, b));
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            for (Set<io.hastack.core.model.ResourceId> resources : List.of(
                    Set.<io.hastack.core.model.ResourceId>of(), Set.of(io.hastack.core.model.ResourceId.of("r")))) {
                device.recordMajority(Set.of(a, b));
                asked.set(0);
                assertThrows(
                        io.hastack.core.spi.quorum.ClaimTooLateException.class,
                        () -> device.claimTieInTime(Set.of(b, c), resources, () -> {
                            if (asked.incrementAndGet() == 1) {
                                other.recordMajority(Set.of(a, c)); // after this claim's read
                                return true;
                            }
                            return false; // too late by the second read
                        }));
                assertEquals(2, asked.get(), "asked after each of the two reads");
                assertTrue(other.claimTie(Set.of(a)), "the winner is still {a, c}");
            }
        }
    }

    @Test
    void anUnreachableServerFailsFastWithAClearError() throws Exception {
        try (TestingServer doomed = new TestingServer(true)) {
            String where = doomed.getConnectString();
            doomed.stop();
            QuorumDeviceException e = assertThrows(
                    QuorumDeviceException.class,
                    () -> ZooKeeperQuorumDevice.connect(where, "/hastack/x", Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("did not answer within 500 ms"), e.getMessage());
        }
    }

    @Test
    void aDeviceWhoseServerDiesReportsItInsteadOfGuessing() throws Exception {
        try (TestingServer doomed = new TestingServer(true)) {
            QuorumDevice device =
                    ZooKeeperQuorumDevice.connect(doomed.getConnectString(), "/hastack/y", Duration.ofSeconds(2));
            try {
                assertTrue(device.claimTie(Set.of(NodeId.of("a"))));
                doomed.stop();
                QuorumDeviceException e =
                        assertThrows(QuorumDeviceException.class, () -> device.claimTie(Set.of(NodeId.of("a"))));
                assertTrue(e.getMessage().contains("ZooKeeper"), e.getMessage());
            } finally {
                device.close();
            }
        }
    }

    @Test
    void aWarmUpSendsOneTransactionThatChangesNoZnode() throws Exception {
        String store = newStore();
        io.hastack.core.model.ResourceId db = io.hastack.core.model.ResourceId.of("db");
        try (QuorumDevice device = open(store);
                org.apache.curator.framework.CuratorFramework raw = rawClient()) {
            assertTrue(device.claimTieTakingEpochs(Set.of(NodeId.of("a")), Set.of(db))
                    .held());
            org.apache.zookeeper.data.Stat winner = raw.checkExists().forPath(store + "/winner");
            org.apache.zookeeper.data.Stat epoch = raw.checkExists().forPath(store + "/epochs/db");
            // Transactions are numbered (zxid): two znodes created around the warm-up show whether it sent one.
            raw.create().forPath(store + "/probe-1");
            long zxidBefore = raw.checkExists().forPath(store + "/probe-1").getCzxid();
            // "fresh" has no counter yet: its write is left out, the rest is warmed and checked.
            device.warmUp(Set.of(NodeId.of("b")), Set.of(db, io.hastack.core.model.ResourceId.of("fresh")));
            raw.create().forPath(store + "/probe-2");
            long zxidAfter = raw.checkExists().forPath(store + "/probe-2").getCzxid();
            assertTrue(
                    zxidAfter >= zxidBefore + 2,
                    "a transaction in between, the warm-up's check: " + zxidBefore + " -> " + zxidAfter);
            assertEquals(winner, raw.checkExists().forPath(store + "/winner"), "the winner is untouched");
            assertEquals(epoch, raw.checkExists().forPath(store + "/epochs/db"), "the counter is untouched");
            assertEquals(null, raw.checkExists().forPath(store + "/epochs/fresh"), "no counter created");
        }
    }

    @Test
    void aWarmUpCreatesNoParentOrNamespaceForWhatDoesNotExistYet() throws Exception {
        String store = newStore();
        io.hastack.core.model.ResourceId fresh = io.hastack.core.model.ResourceId.of("fresh");
        try (QuorumDevice device = open(store);
                org.apache.curator.framework.CuratorFramework raw = rawClient()) {
            assertTrue(device.claimTie(Set.of(NodeId.of("a")))); // a winner, and no counter at all
            device.warmUp(Set.of(NodeId.of("b")), Set.of(fresh));
            assertEquals(null, raw.checkExists().forPath(store + "/epochs"), "no counters' parent created");
            String tenant = "/warm-" + System.nanoTime();
            try (QuorumDevice namespaced = new ZooKeeperQuorumDevice(raw.usingNamespace(tenant.substring(1)), "/ha")) {
                namespaced.warmUp(Set.of(NodeId.of("a")), Set.of(fresh)); // nothing there yet: it only reads
            }
            assertEquals(null, raw.checkExists().forPath(tenant), "no namespace root created");
        }
    }

    @Test
    void aWarmUpThatCannotReadOrWriteNeitherThrowsNorWrites() throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.of("hastack", "a-long-enough-password");
        String store = newStore();
        io.hastack.core.model.ResourceId db = io.hastack.core.model.ResourceId.of("db");
        try (QuorumDevice owner =
                ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10), auth)) {
            assertTrue(owner.claimTieTakingEpochs(Set.of(NodeId.of("a")), Set.of(db))
                    .held());
            try (QuorumDevice stranger = open(store)) {
                stranger.warmUp(Set.of(NodeId.of("b")), Set.of(db)); // refused (NoAuth): logged, not thrown
            }
            assertEquals(2L, owner.nextEpoch(db));
        }
        try (TestingServer doomed = new TestingServer(true)) {
            QuorumDevice device =
                    ZooKeeperQuorumDevice.connect(doomed.getConnectString(), "/hastack/z", Duration.ofSeconds(2));
            try {
                doomed.stop();
                device.warmUp(Set.of(NodeId.of("a")), Set.of(db)); // unreachable: logged, not thrown
            } finally {
                device.close();
            }
        }
    }

    @Test
    void withCredentialsTheDevicesZnodesAreClosedToEveryOtherClient() throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.of("hastack", "a-long-enough-password");
        String store = newStore();
        try (QuorumDevice device =
                ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10), auth)) {
            assertTrue(device.claimTie(Set.of(NodeId.of("n1"))));
            assertTrue(device.nextEpoch(io.hastack.core.model.ResourceId.of("web")) > 0);
            // created by a transaction (nextEpochs), with the same ACL
            assertEquals(
                    java.util.List.of(1L),
                    device.nextEpochs(java.util.List.of(io.hastack.core.model.ResourceId.of("db"))));
        }
        // Another client, unauthenticated or with other credentials, can neither read nor claim.
        for (ZooKeeperAuth other : new ZooKeeperAuth[] {null, ZooKeeperAuth.of("mallory", "another-password!")}) {
            try (QuorumDevice device =
                    ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10), other)) {
                QuorumDeviceException e =
                        assertThrows(QuorumDeviceException.class, () -> device.claimTie(Set.of(NodeId.of("n2"))));
                assertTrue(e.getMessage().contains("NoAuth"), e.getMessage());
                QuorumDeviceException epochs = assertThrows(
                        QuorumDeviceException.class,
                        () -> device.nextEpochs(java.util.List.of(io.hastack.core.model.ResourceId.of("db"))));
                assertTrue(epochs.getMessage().contains("NoAuth"), epochs.getMessage());
            }
        }
        // The cluster's own identity still can: n1 holds the tie.
        try (QuorumDevice device =
                ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10), auth)) {
            assertTrue(device.claimTie(Set.of(NodeId.of("n1"))));
            org.junit.jupiter.api.Assertions.assertFalse(device.claimTie(Set.of(NodeId.of("n2"))));
        }
    }

    @Test
    void aTieClaimWhoseEpochsAreRefusedStillWinsTheTieAndLeavesTheEpochsToThePlan() throws Exception {
        refusedEpochs(false);
        refusedEpochs(true);
    }

    /**
     * db's counter belongs to another identity; with {@code readable}, the cluster's may read it but
     * not write it (refused in the transaction, not the read).
     */
    private void refusedEpochs(boolean readable) throws Exception {
        ZooKeeperAuth auth = ZooKeeperAuth.of("hastack", "a-long-enough-password");
        String store = newStore();
        java.util.List<org.apache.zookeeper.data.ACL> acl = new java.util.ArrayList<>(
                ZooKeeperAuth.of("mallory", "another-password!").acl());
        if (readable) {
            acl.add(new org.apache.zookeeper.data.ACL(
                    org.apache.zookeeper.ZooDefs.Perms.READ, auth.acl().get(0).getId()));
        }
        try (org.apache.curator.framework.CuratorFramework raw =
                org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                        server.getConnectString(), new org.apache.curator.retry.RetryNTimes(2, 100))) {
            raw.start();
            assertTrue(raw.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS));
            raw.create().creatingParentsIfNeeded().forPath(store + "/epochs");
            // db's counter belongs to another identity: the cluster's may neither read nor write it.
            raw.create()
                    .withACL(acl)
                    .forPath(store + "/epochs/db", "4".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        try (QuorumDevice device =
                ZooKeeperQuorumDevice.connect(server.getConnectString(), store, Duration.ofSeconds(10), auth)) {
            io.hastack.core.model.ResourceId db = io.hastack.core.model.ResourceId.of("db");
            assertEquals(
                    io.hastack.core.spi.quorum.TieClaim.held(java.util.Map.of()),
                    device.claimTieTakingEpochs(Set.of(NodeId.of("n1")), Set.of(db)));
            org.junit.jupiter.api.Assertions.assertFalse(device.claimTie(Set.of(NodeId.of("n2"))), "n1 holds it");
            QuorumDeviceException e =
                    assertThrows(QuorumDeviceException.class, () -> device.nextEpochs(java.util.List.of(db)));
            assertTrue(e.getMessage().contains("NoAuth"), "the plan's own call says why: " + e.getMessage());
        }
        try (org.apache.curator.framework.CuratorFramework mallory =
                org.apache.curator.framework.CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new org.apache.curator.retry.RetryNTimes(2, 100))
                        .authorization(
                                "digest",
                                ZooKeeperAuth.of("mallory", "another-password!").authBytes())
                        .build()) {
            mallory.start();
            assertEquals(
                    "4",
                    new String(
                            mallory.getData().forPath(store + "/epochs/db"), java.nio.charset.StandardCharsets.UTF_8),
                    "the refused transaction wrote nothing");
        }
    }

    @Test
    void aDeviceOnANamespacedClientKeepsItsEpochsInThatNamespace() throws Exception {
        try (org.apache.curator.framework.CuratorFramework client =
                org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                        server.getConnectString(), new org.apache.curator.retry.RetryNTimes(2, 100))) {
            client.start();
            assertTrue(client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS));
            String store = newStore();
            QuorumDevice device = new ZooKeeperQuorumDevice(client.usingNamespace("tenant"), store);
            io.hastack.core.model.ResourceId db = io.hastack.core.model.ResourceId.of("db");
            io.hastack.core.model.ResourceId web = io.hastack.core.model.ResourceId.of("web");
            assertEquals(java.util.List.of(1L, 1L), device.nextEpochs(java.util.List.of(db, web)));
            // The second batch reads what the first wrote (a read outside the namespace would find nothing).
            assertEquals(java.util.List.of(2L, 2L), device.nextEpochs(java.util.List.of(web, db)));
            // A tie claim with epochs reads the winner and the counters in the namespace too.
            java.util.Set<io.hastack.core.model.NodeId> a = java.util.Set.of(io.hastack.core.model.NodeId.of("a"));
            assertEquals(
                    io.hastack.core.spi.quorum.TieClaim.held(java.util.Map.of(db, 3L)),
                    device.claimTieTakingEpochs(a, java.util.Set.of(db)));
            assertEquals(
                    io.hastack.core.spi.quorum.TieClaim.held(java.util.Map.of(db, 4L)),
                    device.claimTieTakingEpochs(a, java.util.Set.of(db)),
                    "holds: the winner it wrote is read back from the namespace");
            assertEquals(
                    "a",
                    new String(
                            client.getData().forPath("/tenant" + store + "/winner"),
                            java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(java.util.List.of(5L), device.nextEpochs(java.util.List.of(db)));
            assertEquals(
                    "5",
                    new String(
                            client.getData().forPath("/tenant" + store + "/epochs/db"),
                            java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void badCredentialsAreRefusedNamingTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZooKeeperAuth.of("a:b", "long-enough-pass"))
                .getMessage()
                .contains("no ':'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZooKeeperAuth.of("user", "short"))
                .getMessage()
                .contains("at least 12"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ZooKeeperAuth.load(java.nio.file.Path.of("/nonexistent/zk.cred")))
                .getMessage()
                .contains("does not exist"));
        org.junit.jupiter.api.Assertions.assertFalse(
                ZooKeeperAuth.of("user", "long-enough-pass").toString().contains("long-enough-pass"));
    }
}
