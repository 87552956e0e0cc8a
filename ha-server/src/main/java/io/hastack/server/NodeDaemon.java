package io.hastack.server;

import io.hastack.core.model.NodeId;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.runtime.HaConfigurationException;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.NodeSettings;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.membership.jgroups.JGroupsConfig;
import io.hastack.membership.jgroups.JGroupsMembership;
import io.hastack.membership.zookeeper.ZooKeeperAuth;
import io.hastack.membership.zookeeper.ZooKeeperQuorumDevice;
import io.hastack.resources.StandardAgents;
import io.hastack.server.api.AdminServer;
import io.hastack.server.api.AdminSettings;
import io.hastack.server.config.ClusterFile;
import io.hastack.server.config.ConfigException;
import io.hastack.server.config.ConfigFile;
import io.hastack.server.config.FileConfigStore;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node run as a service: {@code hastack-node --config /etc/hastack/cluster.yaml --node node1}.
 * Reads the configuration file ({@link ConfigFile}), joins the cluster on the TCP stack sealed with
 * the file's key, runs with the node watchdog, serves the admin API if the file has an {@code admin}
 * section ({@link AdminServer}), and hands its resources over on SIGTERM. Exit codes: 0 after a clean
 * hand-over, 2 for a bad command line or configuration (the message names the place and the reason),
 * 3 when the node cannot start (an agent refuses its resource, the cluster refuses the node, the
 * quorum device cannot be reached, the admin API cannot listen on its port).
 */
public final class NodeDaemon {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    /** Bad command line or configuration. */
    static final int EXIT_CONFIG = 2;
    /** The node could not start. */
    static final int EXIT_START = 3;

    private NodeDaemon() {}

    /**
     * Runs the node until SIGTERM.
     *
     * @param args {@code --config FILE --node NAME}
     */
    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        Map<String, String> opts;
        try {
            opts = options(args);
        } catch (IllegalArgumentException e) {
            err.println("hastack-node: " + e.getMessage());
            err.println("usage: hastack-node --config FILE --node NAME");
            System.exit(EXIT_CONFIG);
            return;
        }
        HaNode node;
        Optional<AdminServer> admin;
        Optional<io.hastack.resources.alert.Alerts> alerts;
        NodeMetrics metrics;
        try {
            Path config = Path.of(opts.get("config"));
            ClusterFile file = ConfigFile.load(config);
            HaNode built = build(file, config, opts.get("node"));
            for (io.hastack.core.runtime.ConfigLint.Finding f :
                    io.hastack.server.config.Lint.of(file, StandardAgents.registry())) {
                if (f.warning()) {
                    LOG.warn("{}: {} (hastack config lint)", opts.get("node"), f);
                } else {
                    LOG.info("{}: {}", opts.get("node"), f);
                }
            }
            node = built;
            // Before the start: a bad token file or keystore is a configuration error (exit 2), and
            // the API's history keeps the node's first events.
            NodeMetrics meters = new NodeMetrics(built);
            metrics = meters;
            admin = file.admin()
                    .map(a -> new AdminServer(built, settings(a, built.id()), config)
                            .metrics(meters::scrape)
                            .peers(peer -> adminEndpoint(a, built, peer)));
            alerts = file.alerts().isEmpty()
                    ? Optional.empty()
                    : Optional.of(io.hastack.resources.alert.Alerts.forNode(built, file.alerts()));
            // Registered before the start, so that the node's first events alert too.
            alerts.ifPresent(a -> built.addListener(a, Runnable::run));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("hastack-node: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        } catch (io.hastack.core.spi.quorum.QuorumDeviceException e) {
            err.println("hastack-node: " + e.getMessage());
            System.exit(EXIT_START);
            return;
        }
        try {
            node.start();
        } catch (HaConfigurationException | io.hastack.core.spi.membership.MembershipException e) {
            err.println("hastack-node: " + e.getMessage());
            System.exit(EXIT_START);
            return;
        }
        Optional<AdminServer> api = admin;
        try {
            api.ifPresent(AdminServer::start);
        } catch (java.io.UncheckedIOException e) {
            err.println("hastack-node: " + e.getMessage());
            node.close();
            System.exit(EXIT_START);
            return;
        }
        // Registered once the node runs: a failed start exits with its own code.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("{}: stopping: handing the resources over", opts.get("node"));
                            node.close();
                            api.ifPresent(AdminServer::close);
                            alerts.ifPresent(io.hastack.resources.alert.Alerts::close);
                            metrics.close();
                            stopped.countDown();
                            // A JVM ended by a signal exits with 128 + the signal, even after a
                            // clean hand-over; the hand-over is done, so say so.
                            Runtime.getRuntime().halt(0);
                        },
                        "hastack-node-shutdown"));
        LOG.info("{}: running; SIGTERM hands its resources over and stops it", opts.get("node"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where {@code peer}'s admin API is: the host of its cluster address (as the node holds the
     * replicated node list now), its port from the admin section, https with TLS.
     */
    static Optional<java.net.URI> adminEndpoint(ClusterFile.Admin admin, HaNode node, NodeId peer) {
        String address = node.configuration().config().addresses().get(peer);
        if (address == null) {
            return Optional.empty();
        }
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        try {
            return Optional.of(new java.net.URI(
                    admin.tls().isPresent() ? "https" : "http", null, host, admin.portOf(peer), "/", null, null));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The admin API's settings for {@code self} from the file's {@code admin} section. */
    static AdminSettings settings(ClusterFile.Admin admin, NodeId self) {
        AdminSettings settings =
                new AdminSettings(admin.bind(), admin.portOf(self), admin.tokenFile(), Optional.empty());
        return admin.tls()
                .map(t -> settings.withTls(new AdminSettings.Tls(t.keystore(), t.passwordFile())))
                .orElse(settings);
    }

    /**
     * The node {@code name} as {@code file} (read from {@code config}) describes it, not started.
     *
     * @throws IllegalArgumentException if the node is not in it, or its key file is wrong
     */
    static HaNode build(ClusterFile file, Path config, String name) {
        NodeId self = NodeId.of(name);
        InetSocketAddress bind = resolve(Optional.ofNullable(file.nodes().get(self))
                .orElseThrow(() -> new IllegalArgumentException("node " + name + " is not in 'nodes' of " + config + " "
                        + file.nodes().keySet())));
        List<InetSocketAddress> hosts =
                file.nodes().values().stream().map(NodeDaemon::resolve).toList();
        NodeSettings.Builder settings = NodeSettings.builder().watchdog(true);
        JGroupsConfig.Builder stack;
        if (file.keyFile().isPresent()) {
            ClusterKey key = ClusterKey.load(file.keyFile().get());
            stack = JGroupsConfig.tcp(bind, hosts, key).toBuilder();
            settings.clusterKey(key);
        } else {
            stack = JGroupsConfig.tcp(bind, hosts, ClusterKey.generate()).toBuilder()
                    .insecure();
            settings.insecure();
        }
        ClusterFile.Membership m = file.membership();
        if (m.heartbeatInterval().isPresent() || m.heartbeatTimeout().isPresent()) {
            stack.heartbeat(
                    m.heartbeatInterval().orElse(Duration.ofMillis(500)),
                    m.heartbeatTimeout().orElse(Duration.ofSeconds(3)));
        }
        m.verifyTimeout().ifPresent(stack::verifyTimeout);
        m.lease().ifPresent(settings::pauseBound);
        HaNode.Builder builder = HaNode.builder()
                .config(file.versioned())
                .configStore(new FileConfigStore(config))
                .membership(new JGroupsMembership(self, file.cluster(), stack.build()))
                .agents(StandardAgents.registry())
                .settings(settings.build());
        file.device().map(NodeDaemon::device).ifPresent(builder::quorumDevice);
        file.checks()
                .forEach((group, url) ->
                        builder.serviceCheck(group, new io.hastack.resources.check.HttpServiceCheck(url)));
        return builder.build();
    }

    private static QuorumDevice device(ClusterFile.Device d) {
        if (d instanceof ClusterFile.FileDevice f) {
            return new FileQuorumDevice(f.directory());
        }
        ClusterFile.ZooKeeperDevice z = (ClusterFile.ZooKeeperDevice) d;
        return ZooKeeperQuorumDevice.connect(
                z.connect(),
                z.basePath(),
                Duration.ofSeconds(10),
                z.credentialsFile().map(ZooKeeperAuth::load).orElse(null));
    }

    private static InetSocketAddress resolve(InetSocketAddress unresolved) {
        InetSocketAddress a = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("node address " + unresolved.getHostString() + " does not resolve");
        }
        return a;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "--node" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(args[i] + " needs a value");
                    }
                    opts.put(args[i].substring(2), args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        for (String required : List.of("config", "node")) {
            if (!opts.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        return opts;
    }
}
