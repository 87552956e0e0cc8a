package io.hastack.examples.demo;

import io.hastack.core.model.NodeId;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.NodeSettings;
import io.hastack.core.security.ClusterKey;
import io.hastack.membership.jgroups.JGroupsConfig;
import io.hastack.membership.jgroups.JGroupsMembership;
import io.hastack.membership.zookeeper.ZooKeeperQuorumDevice;
import io.hastack.resources.StandardAgents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * One demo node in its own JVM:
 * {@code DemoNode --name node1 --cluster NAME --port 7800 --peers 7800,7801 --web-port 8080 --shared DIR}.
 *
 * <p>Optional {@code --verify-ms N} overrides the JGroups VERIFY_SUSPECT2 timeout, {@code
 * --heartbeat-ms INTERVAL,TIMEOUT} the heartbeat interval and timeout, and {@code --lease-ms N}
 * the lease time and pause bound ({@link NodeSettings.Builder#pauseBound}; the heartbeat timeout by
 * default) (benchmarks);
 * {@code --data-stack ...} ({@link DataStack#args()}) runs the file system + database + web group;
 * {@code --nodes node1,node2,node3} names the cluster's nodes (node1 and node2 by default),
 * {@code --resources N} runs {@link DemoCluster#workersAndWeb}'s group of N resources (benchmarks), and
 * {@code --quorum-device none} runs without the file quorum device, {@code --quorum-device zookeeper
 * --zookeeper HOST:PORT} with the ZooKeeper one (under {@code /hastack/CLUSTER}); {@code --host A} listens on
 * address A instead of 127.0.0.1 and {@code --peer-hosts A1,A2} gives the peers' addresses, one per
 * port of {@code --peers}. {@code --key FILE} is the cluster key file (every node the same; {@link
 * NodeProcess#clusterKey} generates one), which seals the membership's traffic and authenticates
 * the node's messages; {@code --insecure yes} instead runs without one, as an explicit choice
 * logged as an error. The node runs with its watchdog
 * ({@link NodeSettings.Builder#watchdog}): a frozen node's processes are killed when its lease runs out.
 *
 * <p>{@code DIR} is a directory both nodes share: it holds the {@link FileQuorumDevice} that breaks
 * the tie when one of the two nodes is alone, and hands out fencing epochs.
 *
 * <p>Prints each event on stdout as {@code EVENT|epochMillis|TYPE|subject|detail}; reads commands
 * from stdin: {@code status} prints the status between {@code STATUS|} lines, {@code quit} (or end
 * of input) shuts down with a hand-over. SIGTERM also hands over before exiting.
 */
public final class DemoNode {
    private DemoNode() {}

    /** Runs one node until told to quit. */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = parse(args);
        String name = require(opts, "name");
        int port = Integer.parseInt(require(opts, "port"));
        InetAddress host =
                opts.containsKey("host") ? InetAddress.getByName(opts.get("host")) : JGroupsConfig.loopback();
        String[] peerPorts = require(opts, "peers").split(",");
        String[] peerHosts =
                opts.containsKey("peer-hosts") ? opts.get("peer-hosts").split(",") : null;
        if (peerHosts != null && peerHosts.length != peerPorts.length) {
            throw new IllegalArgumentException("--peer-hosts names " + peerHosts.length + " hosts but --peers "
                    + peerPorts.length + " ports: give one host per port");
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 0; i < peerPorts.length; i++) {
            InetAddress peerHost =
                    peerHosts == null ? JGroupsConfig.loopback() : InetAddress.getByName(peerHosts[i].trim());
            peers.add(new InetSocketAddress(peerHost, Integer.parseInt(peerPorts[i].trim())));
        }
        int webPort = Integer.parseInt(require(opts, "web-port"));

        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean insecure = "yes".equals(opts.get("insecure"));
        if (!insecure && !opts.containsKey("key")) {
            throw new IllegalArgumentException(
                    "missing --key FILE (the cluster key file every node shares; generate one"
                            + " with 'java -cp ha-core.jar io.hastack.core.security.ClusterKey FILE'), or --insecure yes to run"
                            + " without one knowingly");
        }
        ClusterKey key = insecure ? null : ClusterKey.load(Path.of(opts.get("key")));
        NodeSettings.Builder settings = NodeSettings.builder().watchdog(true);
        JGroupsConfig.Builder stack;
        if (insecure) {
            stack = JGroupsConfig.tcp(new InetSocketAddress(host, port), peers, ClusterKey.generate()).toBuilder()
                    .insecure();
            settings.insecure();
        } else {
            stack = JGroupsConfig.tcp(new InetSocketAddress(host, port), peers, key).toBuilder();
            settings.clusterKey(key);
        }
        if (opts.containsKey("verify-ms")) {
            stack.verifyTimeout(java.time.Duration.ofMillis(Long.parseLong(opts.get("verify-ms"))));
        }
        if (opts.containsKey("heartbeat-ms")) {
            String[] heartbeat = opts.get("heartbeat-ms").split(",");
            if (heartbeat.length != 2) {
                throw new IllegalArgumentException(
                        "--heartbeat-ms takes INTERVAL,TIMEOUT in ms (e.g. 100,1000), got " + opts.get("heartbeat-ms"));
            }
            stack.heartbeat(
                    java.time.Duration.ofMillis(Long.parseLong(heartbeat[0].trim())),
                    java.time.Duration.ofMillis(Long.parseLong(heartbeat[1].trim())));
        }
        if (opts.containsKey("lease-ms")) {
            settings.pauseBound(java.time.Duration.ofMillis(Long.parseLong(opts.get("lease-ms"))));
        }
        JGroupsMembership membership = new JGroupsMembership(NodeId.of(name), require(opts, "cluster"), stack.build());
        List<String> nodes = List.of(opts.getOrDefault("nodes", "node1,node2").split(","));
        HaNode.Builder builder = HaNode.builder()
                .config(
                        opts.containsKey("resources")
                                ? DemoCluster.workersAndWeb(
                                        webPort,
                                        nodes,
                                        Integer.parseInt(opts.get("resources")),
                                        "parallel".equals(opts.get("workers")))
                                : DemoCluster.config(
                                        webPort, DataStack.fromArgs(opts), Path.of(require(opts, "shared")), nodes))
                .membership(membership)
                .agents(StandardAgents.registry())
                .settings(settings.build());
        String device = opts.getOrDefault("quorum-device", "file");
        if (opts.containsKey("zookeeper") && !device.equals("zookeeper")) {
            throw new IllegalArgumentException(
                    "--zookeeper is only for --quorum-device zookeeper (the device is " + device + ")");
        }
        switch (device) {
            case "file" -> builder.quorumDevice(new FileQuorumDevice(Path.of(require(opts, "shared"))));
            case "zookeeper" ->
                builder.quorumDevice(ZooKeeperQuorumDevice.connect(
                        require(opts, "zookeeper"), "/hastack/" + require(opts, "cluster"), Duration.ofSeconds(10)));
            case "none" -> {}
            default ->
                throw new IllegalArgumentException(
                        "--quorum-device takes file, zookeeper or none, got '" + opts.get("quorum-device") + "'");
        }
        HaNode node = builder.build();
        node.addListener(e -> print(out, e), Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "demo-events");
            t.setDaemon(true);
            return t;
        }));
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "demo-shutdown"));
        node.start();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.trim().equals("quit"); line = in.readLine()) {
            if (line.trim().equals("status")) {
                synchronized (out) {
                    node.status().render().lines().forEach(l -> out.println("STATUS|" + l));
                    out.println("STATUS-END|");
                }
            }
        }
        node.close();
        System.exit(0);
    }

    private static void print(PrintStream out, HaEvent e) {
        synchronized (out) {
            out.println("EVENT|" + e.time().toEpochMilli() + "|" + e.type() + "|" + e.subject() + "|"
                    + e.detail().replace('\n', ';').replaceAll(" {2,}", " "));
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name
                    + "; usage: DemoNode --name N --cluster C --port P --peers P1,P2 --web-port W --shared DIR"
                    + " [--quorum-device file|zookeeper|none] [--zookeeper HOST:PORT]");
        }
        return v;
    }
}
