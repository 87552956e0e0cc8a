package io.hastack.membership.zookeeper;

import io.hastack.core.internal.TieRule;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.quorum.ClaimTooLateException;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import io.hastack.core.spi.quorum.TieClaim;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link QuorumDevice} on ZooKeeper. Under {@code basePath} it keeps the last winning partition
 * ({@code winner}, the sorted node names) and one counter per resource ({@code epochs/<resource>}).
 * Every change is a versioned {@code setData} (compare-and-set), and so is the confirmation that a
 * partition already holds the tie: a read may be served by a lagging follower, a versioned write
 * cannot succeed on a stale version. Nothing here is ephemeral or leased, so a crashed node holds
 * nothing its survivor must wait for.
 *
 * <p>Needs ZooKeeper 3.6 or later: a plan's epochs are read in one read-only multi.
 *
 * <p>When ZooKeeper cannot be reached within the client's connection timeout, calls throw {@link
 * QuorumDeviceException}; the runtime then treats a tie as lost (safe) and a majority as quorate
 * (it needs no device).
 */
public final class ZooKeeperQuorumDevice implements QuorumDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperQuorumDevice.class);
    private static final int MAX_ATTEMPTS = 100;

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final String winnerPath;
    private final String epochsPath;

    /**
     * A device on {@code client} (started by the caller, who also closes it) under {@code basePath},
     * e.g. {@code /hastack/my-cluster}.
     */
    public ZooKeeperQuorumDevice(CuratorFramework client, String basePath) {
        this(client, basePath, false);
    }

    private ZooKeeperQuorumDevice(CuratorFramework client, String basePath, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        if (!basePath.startsWith("/") || basePath.endsWith("/")) {
            throw new IllegalArgumentException("base path '" + basePath + "' must start and not end with '/'");
        }
        this.ownsClient = ownsClient;
        this.winnerPath = basePath + "/winner";
        this.epochsPath = basePath + "/epochs";
    }

    /**
     * Connects to {@code connectString} (e.g. {@code zk1:2181,zk2:2181,zk3:2181}) with a client of
     * its own, which {@link #close()} closes. Waits up to {@code connectTimeout} for the first
     * connection.
     *
     * @throws QuorumDeviceException if ZooKeeper cannot be reached in time
     */
    public static ZooKeeperQuorumDevice connect(String connectString, String basePath, Duration connectTimeout) {
        return connect(connectString, basePath, connectTimeout, null);
    }

    /**
     * As {@link #connect(String, String, Duration)}, authenticated as {@code auth} (ZooKeeper's
     * digest scheme), every znode it creates readable and writable by that identity only; {@code
     * null} for no authentication (every client of the ensemble can then read and write the
     * device's znodes: see {@code docs/security.md}).
     */
    public static ZooKeeperQuorumDevice connect(
            String connectString, String basePath, Duration connectTimeout, ZooKeeperAuth auth) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .connectionTimeoutMs((int) connectTimeout.toMillis())
                .sessionTimeoutMs((int) Math.max(4000, connectTimeout.toMillis() * 2))
                .retryPolicy(new RetryNTimes(2, 100));
        if (auth != null) {
            List<ACL> acl = auth.acl();
            builder.authorization("digest", auth.authBytes()).aclProvider(new ACLProvider() {
                @Override
                public List<ACL> getDefaultAcl() {
                    return acl;
                }

                @Override
                public List<ACL> getAclForPath(String path) {
                    return acl;
                }
            });
        }
        CuratorFramework client = builder.build();
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.close();
                throw new QuorumDeviceException(
                        "ZooKeeper at " + connectString + " did not answer within " + connectTimeout.toMillis() + " ms",
                        null);
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new QuorumDeviceException("interrupted while connecting to ZooKeeper at " + connectString, e);
        }
        return new ZooKeeperQuorumDevice(client, basePath, true);
    }

    @Override
    public boolean claimTie(Set<NodeId> partition) {
        return claimTie(partition, () -> true);
    }

    /**
     * Asks {@code inTime} after every read of the winner, before the write that is conditional on
     * it (a winner changed after the read fails that write, and the claim reads and asks again).
     */
    @Override
    public TieClaim claimTieInTime(Set<NodeId> partition, Set<ResourceId> resources, BooleanSupplier inTime) {
        return claimTieTakingEpochs(partition, resources, inTime);
    }

    private void check(BooleanSupplier inTime, Set<NodeId> partition) {
        if (!inTime.getAsBoolean()) {
            throw new ClaimTooLateException("the claim for " + partition + " on " + describe()
                    + " was no longer in time once the winner was read; nothing written");
        }
    }

    private boolean claimTie(Set<NodeId> partition, BooleanSupplier inTime) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned current = read(winnerPath);
            if (current == null) {
                check(inTime, partition);
                if (create(winnerPath, encode(partition))) {
                    return true;
                }
                continue; // someone else created it first: decide against theirs
            }
            TieRule.Decision decision = TieRule.decide(decode(current.data()), partition);
            if (decision == TieRule.Decision.LOSES) {
                return false;
            }
            boolean ours = decision == TieRule.Decision.HOLDS;
            check(inTime, partition);
            // Holding (confirm the read) or taking over (replace the winner): both conditional on
            // the version read.
            if (compareAndSet(winnerPath, ours ? current.data() : encode(partition), current.version())) {
                return true;
            }
        }
        throw new QuorumDeviceException("claiming the tie on " + describe() + " kept conflicting", null);
    }

    @Override
    public void recordMajority(Set<NodeId> partition) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned current = read(winnerPath);
            if (current == null
                    ? create(winnerPath, encode(partition))
                    : decode(current.data()).equals(partition)
                            || compareAndSet(winnerPath, encode(partition), current.version())) {
                return;
            }
        }
        throw new QuorumDeviceException("recording the majority on " + describe() + " kept conflicting", null);
    }

    @Override
    public long nextEpoch(ResourceId resource) {
        String path = epochsPath + "/" + resource.value();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned current = read(path);
            if (current == null) {
                if (create(path, "1")) {
                    return 1;
                }
                continue;
            }
            long next = Long.parseLong(current.data()) + 1;
            if (compareAndSet(path, Long.toString(next), current.version())) {
                return next;
            }
            backOff();
        }
        throw new QuorumDeviceException(
                "taking an epoch for " + resource + " on " + describe() + " kept conflicting", null);
    }

    /**
     * Reads every resource's epoch in one request (a read-only multi: ZooKeeper 3.6 or later), then
     * writes them all in one transaction (one entry in ZooKeeper's log), each write conditional on
     * the version read; on a conflict, again. Two round trips, however many resources (a third, to
     * create their parent, when a counter is new).
     */
    @Override
    public List<Long> nextEpochs(List<ResourceId> resources) {
        if (resources.isEmpty()) {
            return List.of();
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<ResourceId, Versioned> current = readEpochs(resources);
            Map<ResourceId, Long> last = new LinkedHashMap<>();
            current.forEach((r, v) -> last.put(r, v == null ? 0L : Long.parseLong(v.data())));
            List<Long> taken = new ArrayList<>(resources.size());
            for (ResourceId r : resources) {
                taken.add(last.merge(r, 1L, Long::sum));
            }
            try {
                client.transaction().forOperations(epochWrites(current, last));
                return List.copyOf(taken);
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                backOff(); // another node took an epoch meanwhile: read again
            } catch (Exception e) {
                throw failure("taking epochs for " + current.keySet(), e);
            }
        }
        throw new QuorumDeviceException(
                "taking epochs for " + resources + " on " + describe() + " kept conflicting", null);
    }

    /**
     * The claim and the epochs in one transaction (one entry in ZooKeeper's log, one durable write),
     * after one read-only multi of the winner and the counters: two round trips where a claim and
     * a plan's epochs apart take four.
     */
    @Override
    public TieClaim claimTieTakingEpochs(Set<NodeId> partition, Set<ResourceId> resources) {
        return claimTieTakingEpochs(partition, resources, () -> true);
    }

    private TieClaim claimTieTakingEpochs(Set<NodeId> partition, Set<ResourceId> resources, BooleanSupplier inTime) {
        if (resources.isEmpty()) {
            return claimTie(partition, inTime) ? TieClaim.held(Map.of()) : TieClaim.LOST;
        }
        try {
            return claimWithEpochs(partition, resources, inTime);
        } catch (QuorumDeviceException e) {
            if (unreachable(e) || e instanceof ClaimTooLateException) {
                throw e; // a plain claim would wait and fail the same way, or is late too
            }
            // Something about the epochs alone (an ACL, a damaged counter): the tie must not be lost
            // for it; the plan takes its epochs itself and fails there, clearly.
            LOG.warn(
                    "{}: claiming the tie with the epochs of {} failed ({}); claiming it alone",
                    describe(),
                    resources,
                    e.getMessage());
            return claimTie(partition, inTime) ? TieClaim.held(Map.of()) : TieClaim.LOST;
        }
    }

    /**
     * True if {@code e} says the device could not be reached in time (a plain claim would wait and
     * fail again); anything else (an ACL, bad data, conflicts) may spare the plain claim.
     */
    private static boolean unreachable(QuorumDeviceException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InterruptedException) {
            return true;
        }
        if (cause instanceof KeeperException k) {
            return switch (k.code()) {
                case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, REQUESTTIMEOUT -> true;
                default -> false;
            };
        }
        return false;
    }

    private TieClaim claimWithEpochs(Set<NodeId> partition, Set<ResourceId> resources, BooleanSupplier inTime) {
        List<ResourceId> named = List.copyOf(resources);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            ClaimRead read = readClaim(partition, named);
            if (read.decision() == TieRule.Decision.LOSES) {
                return TieClaim.LOST;
            }
            check(inTime, partition);
            try {
                if (read.winner() == null) {
                    ensureParent(ZKPaths.getPathAndNode(winnerPath).getPath());
                }
                client.transaction().forOperations(claimWrites(partition, read));
                return TieClaim.held(read.taken());
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                backOff(); // the winner or a counter changed meanwhile: read again
            } catch (Exception e) {
                throw failure("claiming the tie with the epochs of " + named, e);
            }
        }
        throw new QuorumDeviceException("claiming the tie on " + describe() + " kept conflicting", null);
    }

    /**
     * What a claim with epochs read: the winner (null: none yet) and its decision for the claiming
     * partition, each resource's counter (null: none yet), and the epochs the claim would take.
     */
    private record ClaimRead(
            Versioned winner,
            TieRule.Decision decision,
            Map<ResourceId, Versioned> current,
            Map<ResourceId, Long> taken) {}

    /** The winner and the counters of {@code named}, in one read-only multi, and what a claim for {@code partition} decides. */
    private ClaimRead readClaim(Set<NodeId> partition, List<ResourceId> named) {
        List<String> paths = new ArrayList<>();
        paths.add(winnerPath);
        named.forEach(r -> paths.add(epochsPath + "/" + r.value()));
        List<Versioned> read = readAll(paths, "the winner and the epochs of " + named);
        Versioned winner = read.get(0);
        TieRule.Decision decision =
                winner == null ? TieRule.Decision.TAKE : TieRule.decide(decode(winner.data()), partition);
        Map<ResourceId, Versioned> current = new LinkedHashMap<>();
        Map<ResourceId, Long> taken = new LinkedHashMap<>();
        for (int i = 0; i < named.size(); i++) {
            Versioned v = read.get(i + 1);
            current.put(named.get(i), v);
            taken.put(named.get(i), (v == null ? 0L : counter(named.get(i), v)) + 1);
        }
        return new ClaimRead(winner, decision, current, taken);
    }

    /**
     * The claim's transaction after {@code read} (which did not lose): the winner's write, holding
     * (confirm the read) or taking over (replace the winner), and the counters' writes, each
     * conditional on the version read, as in claimTie. Creates the counters' parent first if a
     * counter is new (not the winner's: the caller does).
     */
    private List<CuratorOp> claimWrites(Set<NodeId> partition, ClaimRead read) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        Versioned winner = read.winner();
        if (winner == null) {
            ops.add(client.transactionOp().create().forPath(winnerPath, bytes(encode(partition))));
        } else {
            String data = read.decision() == TieRule.Decision.HOLDS ? winner.data() : encode(partition);
            ops.add(client.transactionOp()
                    .setData()
                    .withVersion(winner.version())
                    .forPath(winnerPath, bytes(data)));
        }
        ops.addAll(epochWrites(read.current(), read.taken()));
        return ops;
    }

    /**
     * Reads what a claim with epochs reads (one read-only multi), builds its transaction without
     * sending it, and sends instead a transaction that only checks the winner's version: ZooKeeper
     * logs it and no znode changes. The transaction it builds leaves out the counters that do not
     * exist yet (building their writes would create their parent); with no winner yet it only reads.
     */
    @Override
    public void warmUp(Set<NodeId> partition, Set<ResourceId> resources) {
        try {
            ClaimRead read = readClaim(partition, List.copyOf(resources));
            Map<ResourceId, Versioned> existing = new LinkedHashMap<>(read.current());
            existing.values().removeIf(Objects::isNull);
            Map<ResourceId, Long> taken = new LinkedHashMap<>(read.taken());
            taken.keySet().retainAll(existing.keySet());
            if (read.winner() == null) {
                return; // building the winner's create would have Curator create a namespace's root
            }
            List<CuratorOp> unused =
                    claimWrites(partition, new ClaimRead(read.winner(), read.decision(), existing, taken));
            client.transaction()
                    .forOperations(List.of(client.transactionOp()
                            .check()
                            .withVersion(read.winner().version())
                            .forPath(winnerPath)));
        } catch (Exception e) {
            // A changed winner (the check's version), an unreachable device, a refused ACL: nothing changed.
            LOG.debug("{}: warming up the claim's code failed (harmless): {}", describe(), e.toString());
        }
    }

    /**
     * One transaction operation per counter in {@code current} (null: none yet), writing its value
     * in {@code next}, each conditional on the version read; creates the counters' parent first if
     * a counter is new.
     */
    private List<CuratorOp> epochWrites(Map<ResourceId, Versioned> current, Map<ResourceId, Long> next)
            throws Exception {
        if (current.containsValue(null)) {
            ensureParent(epochsPath); // once: a new counter needs its parent
        }
        List<CuratorOp> ops = new ArrayList<>();
        for (Map.Entry<ResourceId, Versioned> e : current.entrySet()) {
            String path = epochsPath + "/" + e.getKey().value();
            byte[] data = bytes(Long.toString(next.get(e.getKey())));
            if (e.getValue() == null) {
                ops.add(client.transactionOp().create().forPath(path, data));
            } else {
                ops.add(client.transactionOp()
                        .setData()
                        .withVersion(e.getValue().version())
                        .forPath(path, data));
            }
        }
        return ops;
    }

    private long counter(ResourceId resource, Versioned v) {
        try {
            return Long.parseLong(v.data());
        } catch (NumberFormatException e) {
            throw new QuorumDeviceException(
                    describe() + ": the epoch counter of " + resource + " holds '" + v.data() + "', not a number", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** After a conflict: up to 2 ms at random, so that callers that keep colliding spread out. */
    private static void backOff() {
        java.util.concurrent.locks.LockSupport.parkNanos(
                java.util.concurrent.ThreadLocalRandom.current().nextLong(2_000_000L));
    }

    private void ensureParent(String path) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
        } catch (KeeperException.NodeExistsException e) {
            // there already
        }
    }

    @Override
    public String describe() {
        return "ZooKeeper " + client.getZookeeperClient().getCurrentConnectionString()
                + winnerPath.replace("/winner", "");
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private record Versioned(String data, int version) {}

    /**
     * The epoch counter of each of {@code resources} (once each, in their order), null for one that
     * has none yet, read in one request.
     */
    private Map<ResourceId, Versioned> readEpochs(List<ResourceId> resources) {
        List<ResourceId> distinct = List.copyOf(new LinkedHashSet<>(resources));
        List<Versioned> read =
                readAll(distinct.stream().map(r -> epochsPath + "/" + r.value()).toList(), "the epochs of " + distinct);
        Map<ResourceId, Versioned> current = new LinkedHashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            current.put(distinct.get(i), read.get(i));
        }
        return current;
    }

    /**
     * The data and version of each of {@code paths}, null for one that does not exist, read in one
     * request: a read-only multi, whose reads each answer for themselves (a missing znode is an
     * error result of its own, not the whole request's).
     */
    private List<Versioned> readAll(List<String> paths, String what) {
        List<Op> reads = paths.stream()
                .map(p -> Op.getData(ZKPaths.fixForNamespace(client.getNamespace(), p)))
                .toList();
        List<OpResult> results;
        try {
            results = RetryLoop.callWithRetry(
                    client.getZookeeperClient(),
                    () -> client.getZookeeperClient().getZooKeeper().multi(reads));
        } catch (KeeperException.UnimplementedException e) {
            throw new QuorumDeviceException(
                    describe() + ": reading " + what + " failed: the server does not know a read-only multi;"
                            + " the ZooKeeper quorum device needs ZooKeeper 3.6 or later",
                    e);
        } catch (Exception e) {
            throw failure("reading " + what, e);
        }
        List<Versioned> current = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            OpResult result = results.get(i);
            if (result instanceof OpResult.GetDataResult data) {
                current.add(new Versioned(
                        new String(data.getData(), StandardCharsets.UTF_8),
                        data.getStat().getVersion()));
            } else if (result instanceof OpResult.ErrorResult error
                    && error.getErr() == KeeperException.Code.NONODE.intValue()) {
                current.add(null);
            } else if (result instanceof OpResult.ErrorResult error
                    && KeeperException.Code.get(error.getErr()) != null) {
                throw failure(
                        "reading " + paths.get(i),
                        KeeperException.create(
                                KeeperException.Code.get(error.getErr()),
                                reads.get(i).getPath()));
            } else {
                throw new QuorumDeviceException(
                        describe() + ": reading " + paths.get(i) + " failed: unexpected answer " + result, null);
            }
        }
        return current;
    }

    private Versioned read(String path) {
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            return new Versioned(new String(data, StandardCharsets.UTF_8), stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw failure("reading " + path, e);
        }
    }

    private boolean create(String path, String data) {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, data.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        } catch (Exception e) {
            throw failure("creating " + path, e);
        }
    }

    private boolean compareAndSet(String path, String data, int version) {
        try {
            client.setData().withVersion(version).forPath(path, data.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        } catch (Exception e) {
            throw failure("writing " + path, e);
        }
    }

    private QuorumDeviceException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new QuorumDeviceException(describe() + ": " + what + " failed: " + e, e);
    }

    private static String encode(Set<NodeId> nodes) {
        return String.join(",", new TreeSet<>(nodes).stream().map(NodeId::value).toList());
    }

    private static Set<NodeId> decode(String data) {
        Set<NodeId> nodes = new TreeSet<>();
        for (String n : data.isEmpty() ? new String[0] : data.split(",")) {
            nodes.add(NodeId.of(n));
        }
        return nodes;
    }
}
