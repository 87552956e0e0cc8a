package io.hastack.examples.bench;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.process.ProcessAgent;
import io.hastack.resources.web.EmbeddedWebServerAgent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.WatchedEvent;

/**
 * The failover comparison's baseline: what a Java developer builds with Apache Curator instead of
 * HA Stack. {@code CuratorCandidate --name node1 --connect HOST:PORT --path /latch --web-port W
 * [--session-ms 2000] [--connection-ms 1000] [--resources N]} joins a {@link LeaderLatch} on {@code
 * path}; while leader it runs the same group the HA Stack benchmark nodes run ({@code N - 1} {@code
 * sleep 86400} workers through HA Stack's {@link ProcessAgent}, then the page through {@link
 * EmbeddedWebServerAgent} on port {@code W}), started in order, each monitored every second and
 * restarted in place when its monitor fails; a page whose port is taken is retried every 50 ms.
 * When it loses leadership (LeaderLatch's default policy: on a SUSPENDED connection) it stops
 * them in reverse order. It has no lease, fencing or watchdog: that is the point of the baseline.
 *
 * <p>Prints events on stdout as {@link io.hastack.examples.demo.DemoNode} does ({@code
 * EVENT|epochMillis|TYPE|subject|detail}): {@code LATCH_NODE_DELETED} (a candidate's latch node
 * went away: its session expired or it left), {@code LEADER}, {@code NOT_LEADER}, {@code
 * CONNECTION_*}, {@code ACTION_SUCCEEDED} / {@code ACTION_FAILED} ({@code start worker on node1
 * took 3 ms: ...}, as HA Stack words them), {@code MONITOR_FAILED}. Reads {@code quit} (or the end
 * of stdin): stops the resources, then leaves the latch, then exits.
 */
public final class CuratorCandidate {
    private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final NodeId name;
    private final PrintStream out;
    /** The group in start order; agents are touched only on {@link #actions}. */
    private final Map<ResourceId, ResourceAgent> agents = new LinkedHashMap<>();

    private final Map<ResourceId, Map<String, String>> params = new HashMap<>();
    /** Runs every start, stop and monitor, one at a time. */
    private final ScheduledExecutorService actions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "candidate-actions");
        t.setDaemon(true);
        return t;
    });
    /** Re-registers the latch watch, off ZooKeeper's event thread. */
    private final java.util.concurrent.ExecutorService watches = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "candidate-latch-watch");
        t.setDaemon(true);
        return t;
    });
    /** Whether this candidate should run the group; read and written on {@link #actions} only. */
    private boolean leader;
    /** The latch's child count when last read, on ZooKeeper's event thread. */
    private volatile int lastCount = -1;

    private CuratorCandidate(NodeId name, PrintStream out, int webPort, int resources) {
        this.name = name;
        this.out = out;
        for (int i = 1; i < resources; i++) {
            ResourceId id = ResourceId.of(i == 1 ? "worker" : "worker" + i);
            agents.put(id, new ProcessAgent());
            params.put(id, ProcessAgent.params(List.of("sleep", "86400"), Map.of()));
        }
        ResourceId web = ResourceId.of("web");
        agents.put(web, new EmbeddedWebServerAgent());
        params.put(web, Map.of("port", Integer.toString(webPort), "title", "HA Stack demo"));
    }

    /** Runs one candidate until told to quit. */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CuratorCandidate candidate = new CuratorCandidate(
                NodeId.of(opts.get("name")),
                out,
                Integer.parseInt(opts.get("web-port")),
                Integer.parseInt(opts.getOrDefault("resources", "2")));
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(opts.get("connect"))
                .sessionTimeoutMs(Integer.parseInt(opts.getOrDefault("session-ms", "2000")))
                .connectionTimeoutMs(Integer.parseInt(opts.getOrDefault("connection-ms", "1000")))
                .retryPolicy(new ExponentialBackoffRetry(100, 10))
                .build();
        client.getConnectionStateListenable()
                .addListener((c, state) -> candidate.event("CONNECTION_" + state.name(), "", "session " + state));
        client.start();
        String path = opts.get("path");
        LeaderLatch latch = new LeaderLatch(client, path, opts.get("name"));
        latch.addListener(
                new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        candidate.event("LEADER", path, candidate.name + " holds the latch");
                        candidate.leader = true;
                        candidate.startAll();
                    }

                    @Override
                    public void notLeader() {
                        candidate.event("NOT_LEADER", path, candidate.name + " lost the latch");
                        candidate.leader = false;
                        candidate.stopAll();
                    }
                },
                candidate.actions);
        var unusedMonitor = candidate.actions.scheduleWithFixedDelay(
                candidate::monitorAll, MONITOR_INTERVAL.toMillis(), MONITOR_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            try {
                client.create().creatingParentsIfNeeded().forPath(path);
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException another) {
                // another candidate created it first
            }
            latch.start();
            candidate.event("JOINED", path, "latch started");
            candidate.watchLatch(client, path, -1);
        } catch (Exception e) { // Curator's API throws Exception
            candidate.event("ERROR", path, String.valueOf(e));
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.trim().equals("quit"); line = in.readLine()) {
            // only quit is understood
        }
        try {
            // Stop first, then leave: the next leader must not find the page's port taken.
            candidate
                    .actions
                    .submit(() -> {
                        candidate.leader = false;
                        candidate.stopAll();
                    })
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            latch.close(LeaderLatch.CloseMode.SILENT);
            candidate.event("LEFT", path, "latch closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
            candidate.event("ERROR", path, String.valueOf(e));
        }
        client.close();
        System.exit(0);
    }

    /**
     * Watches the latch's children so that the benchmark sees when a candidate's node goes away
     * (its session expired, or it left): one event per decrease of the count.
     */
    private void watchLatch(CuratorFramework client, String path, int known) throws Exception {
        // Never a blocking call on ZooKeeper's event thread: it would hold back the connection
        // events LeaderLatch and Curator act on. Connection events (type None) are not changes.
        CuratorWatcher watcher = (WatchedEvent e) -> {
            if (e.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
                watches.execute(() -> {
                    try {
                        watchLatch(client, path, -2);
                    } catch (Exception failed) { // Curator's API throws Exception
                        event("WATCH_FAILED", path, String.valueOf(failed));
                    }
                });
            }
        };
        List<String> children = client.getChildren().usingWatcher(watcher).forPath(path);
        int previous = known == -2 ? lastCount : known;
        if (previous >= 0 && children.size() < previous) {
            event("LATCH_NODE_DELETED", path, (previous - children.size()) + " latch node(s) gone: " + children);
        }
        if (children.size() != previous) {
            event("LATCH_CHILDREN", path, children.size() + " latch nodes");
        }
        lastCount = children.size();
    }

    private void startAll() {
        for (ResourceId id : agents.keySet()) {
            if (!leader) {
                return;
            }
            AgentOutcome o = call(id, Operation.START);
            if (!o.isSuccess()) {
                // The page's port may still be held by the previous leader: try again shortly.
                var unusedRetry = actions.schedule(this::startAll, 50, TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void stopAll() {
        List<ResourceId> reverse = new java.util.ArrayList<>(agents.keySet());
        java.util.Collections.reverse(reverse);
        reverse.forEach(id -> call(id, Operation.STOP));
    }

    private void monitorAll() {
        if (!leader) {
            return;
        }
        for (ResourceId id : agents.keySet()) {
            AgentOutcome o = agents.get(id)
                    .monitor(new AgentContext(
                            name,
                            id,
                            Operation.MONITOR,
                            params.get(id),
                            TIMEOUT,
                            System.nanoTime(),
                            0,
                            MONITOR_INTERVAL,
                            Optional.empty()));
            if (!o.isSuccess()) {
                event("MONITOR_FAILED", id.value(), "monitor of " + id + " on " + name + ": " + o);
                call(id, Operation.STOP);
                call(id, Operation.START);
            }
        }
    }

    private AgentOutcome call(ResourceId id, Operation op) {
        long begin = System.nanoTime();
        AgentOutcome o = op == Operation.START
                ? agents.get(id).start(context(id, op, begin))
                : agents.get(id).stop(context(id, op, begin));
        String what = op.externalName() + " " + id + " on " + name + " took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms: " + o.message();
        event(o.isSuccess() ? "ACTION_SUCCEEDED" : "ACTION_FAILED", id.value(), what);
        return o;
    }

    private AgentContext context(ResourceId id, Operation op, long begin) {
        return new AgentContext(name, id, op, params.get(id), TIMEOUT, begin, 0);
    }

    private void event(String type, String subject, String detail) {
        synchronized (out) {
            out.println("EVENT|" + System.currentTimeMillis() + "|" + type + "|" + subject + "|"
                    + detail.replace('\n', ';'));
        }
    }
}
