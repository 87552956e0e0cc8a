package io.hastack.server.config;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a configuration file says: the cluster's name, key file, nodes and their addresses, the
 * membership's timings, the quorum device, the admin API, and the resources and constraints ({@link
 * ClusterConfig}). Immutable.
 *
 * @param cluster the cluster's name (the JGroups cluster)
 * @param keyFile the cluster key file, empty if the file chose {@code insecure: true}
 * @param nodes every node's name and address, in the file's order
 * @param membership the membership's timings the file sets
 * @param device the quorum device, if any
 * @param admin the admin API's settings, if the file has an {@code admin} section
 * @param config the resources, constraints and cluster options
 * @param version the configuration version (field {@code version}, 0 if left out); a node that
 *     takes a newer version from the cluster writes it back here
 * @param lineage the hashes of the versions before it, newest first (written by the node)
 * @param alerts the alert agents (section {@code alerts})
 * @param rto the recovery time objectives per group (section {@code rto})
 * @param checks the URL each group's service answers on (section {@code checks}): asked after the
 *     group started, it times the failover's "service answering" phase
 */
public record ClusterFile(
        String cluster,
        Optional<Path> keyFile,
        Map<NodeId, InetSocketAddress> nodes,
        Membership membership,
        Optional<Device> device,
        Optional<Admin> admin,
        ClusterConfig config,
        long version,
        java.util.List<String> lineage,
        java.util.List<io.hastack.resources.alert.AlertSpec> alerts,
        Map<io.hastack.core.model.GroupId, Duration> rto,
        Map<io.hastack.core.model.GroupId, java.net.URI> checks) {

    /**
     * Copies the node map, keeping its order, the lineage, the alerts, the recovery targets and the
     * service checks.
     */
    public ClusterFile {
        nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        lineage = java.util.List.copyOf(lineage);
        alerts = java.util.List.copyOf(alerts);
        rto = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rto));
        checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** The model with its version and lineage, as a node starts from it. */
    public io.hastack.core.model.VersionedConfig versioned() {
        return new io.hastack.core.model.VersionedConfig(version, config, lineage);
    }

    /**
     * The membership's timings; each empty one keeps the preset's.
     *
     * @param heartbeatInterval how often members heartbeat
     * @param heartbeatTimeout the silence after which a member is suspected
     * @param verifyTimeout how long a suspicion is verified
     * @param lease the lease time and pause bound ({@code NodeSettings.Builder.pauseBound}); the
     *     heartbeat timeout when empty
     */
    public record Membership(
            Optional<Duration> heartbeatInterval,
            Optional<Duration> heartbeatTimeout,
            Optional<Duration> verifyTimeout,
            Optional<Duration> lease) {
        /** No timing set. */
        public static final Membership PRESET =
                new Membership(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The admin API (the {@code admin} section): where each node listens, the token file, TLS.
     *
     * @param bind the address every node's API listens on
     * @param port the port, unless {@code nodePorts} gives the node its own
     * @param tokenFile the file holding the bearer token
     * @param tls the HTTPS keystore, if any
     * @param nodePorts ports for nodes that share a host with another node
     */
    public record Admin(String bind, int port, Path tokenFile, Optional<Tls> tls, Map<NodeId, Integer> nodePorts) {
        /** Copies the port map. */
        public Admin {
            nodePorts = Map.copyOf(nodePorts);
        }

        /** The port {@code node}'s API listens on. */
        public int portOf(NodeId node) {
            return nodePorts.getOrDefault(node, port);
        }
    }

    /**
     * HTTPS for the admin API.
     *
     * @param keystore the PKCS12 keystore with the key and certificate
     * @param passwordFile the file holding its password
     */
    public record Tls(Path keystore, Path passwordFile) {}

    /** The quorum device the file names. */
    public sealed interface Device permits FileDevice, ZooKeeperDevice {}

    /**
     * A file quorum device in a shared directory.
     *
     * @param directory the directory every node can lock and write
     */
    public record FileDevice(Path directory) implements Device {}

    /**
     * A ZooKeeper quorum device.
     *
     * @param connect the ensemble, e.g. {@code zk1:2181,zk2:2181}
     * @param basePath the znode under which the device keeps its state
     * @param credentialsFile the {@code user:password} file for digest authentication, if any
     */
    public record ZooKeeperDevice(String connect, String basePath, Optional<Path> credentialsFile) implements Device {}
}
