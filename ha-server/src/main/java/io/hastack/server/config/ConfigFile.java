package io.hastack.server.config;

import io.hastack.core.internal.Names;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeChange;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.Score;
import io.hastack.core.model.VersionedConfig;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a cluster's configuration file (YAML, the builder's vocabulary; {@code
 * docs/configuration.md} documents every field) into a {@link ClusterFile}. Every error, from the
 * YAML syntax to a value a builder refuses, is a {@link ConfigException} naming the file, line,
 * column, the field's path and the reason; an unknown field is an error that names the closest
 * known one. Secrets are never inline: the cluster key and ZooKeeper credentials are file paths.
 * Stateless and thread-safe.
 */
public final class ConfigFile {
    private static final Pattern ADDRESS = Pattern.compile("(.+):(\\d{1,5})");
    private static final int MAX_BYTES = 1 << 20;

    private final String file;

    private ConfigFile(String file) {
        this.file = file;
    }

    /**
     * Reads {@code path}.
     *
     * @throws ConfigException naming the place and the reason
     */
    public static ClusterFile load(Path path) {
        if (path == null) {
            throw new IllegalArgumentException("configuration file must not be null");
        }
        String name = path.toString();
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new ConfigException(name, 1, 1, "", "the file is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, 1, 1, "", "the file does not exist");
        } catch (IOException e) {
            throw new ConfigException(name, 1, 1, "", "the file cannot be read: " + e);
        }
        Path base = path.toAbsolutePath().getParent();
        return parse(name, new String(bytes, StandardCharsets.UTF_8), base);
    }

    /**
     * Reads {@code text}, named {@code file} in errors; relative paths in it resolve against {@code
     * base}.
     *
     * @throws ConfigException naming the place and the reason
     */
    public static ClusterFile parse(String file, String text, Path base) {
        return new ConfigFile(file).read(text, base);
    }

    private ClusterFile read(String text, Path base) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new ConfigException(
                    file,
                    m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1,
                    "",
                    "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(file, 1, 1, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ConfigException(file, 1, 1, "", "the file is empty: it needs at least 'cluster' and 'nodes'");
        }
        Map<String, Node> top = mapping(
                root,
                "",
                Set.of(
                        "cluster",
                        "key-file",
                        "insecure",
                        "nodes",
                        "previous-nodes",
                        "membership",
                        "quorum",
                        "admin",
                        "alerts",
                        "rto",
                        "checks",
                        "options",
                        "groups",
                        "constraints",
                        "version",
                        "lineage"),
                Set.of("cluster", "nodes"));
        String cluster = string(top.get("cluster"), "cluster");
        if (!cluster.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,62}")) {
            throw error(
                    top.get("cluster"),
                    "cluster",
                    "'" + cluster
                            + "' is not a cluster name: use 1-63 letters, digits, '_', '.' or '-', starting with a letter or"
                            + " digit");
        }
        boolean insecure = top.containsKey("insecure") && bool(top.get("insecure"), "insecure");
        Optional<Path> keyFile = Optional.empty();
        if (top.containsKey("key-file")) {
            if (insecure) {
                throw error(top.get("insecure"), "insecure", "a file with a key-file cannot also be insecure");
            }
            keyFile = Optional.of(path(top.get("key-file"), "key-file", base));
        } else if (!insecure) {
            throw error(
                    root,
                    "",
                    "missing 'key-file' (the cluster key every node shares; docs/security.md), or"
                            + " 'insecure: true' to run without one knowingly");
        }

        ClusterConfig.Builder config = ClusterConfig.builder();
        Map<NodeId, InetSocketAddress> nodes = nodes(top.get("nodes"), config);
        if (top.containsKey("previous-nodes")) {
            previousNodes(top.get("previous-nodes"), List.copyOf(nodes.keySet()), config);
        }
        ClusterFile.Membership membership =
                top.containsKey("membership") ? membership(top.get("membership")) : ClusterFile.Membership.PRESET;
        Optional<ClusterFile.Device> device = Optional.empty();
        if (top.containsKey("quorum")) {
            device = quorum(top.get("quorum"), config, base);
        }
        if (top.containsKey("options")) {
            options(top.get("options"), config);
        }
        Optional<ClusterFile.Admin> admin = top.containsKey("admin")
                ? Optional.of(admin(top.get("admin"), nodes.keySet(), base))
                : Optional.empty();
        Set<String> groups = new LinkedHashSet<>();
        if (top.containsKey("groups")) {
            groups(top.get("groups"), config, groups);
        }
        if (top.containsKey("constraints")) {
            constraints(top.get("constraints"), config, groups, nodes.keySet());
        }
        Node whole = top.containsKey("constraints") ? top.get("constraints") : root;
        ClusterConfig built = at(whole, top.containsKey("constraints") ? "constraints" : "", config::build);
        long version = 0;
        if (top.containsKey("version")) {
            version = integer(top.get("version"), "version");
            if (version < 0) {
                throw error(
                        top.get("version"),
                        "version",
                        "the configuration version must not be negative, was " + version);
            }
        }
        List<String> lineage = new ArrayList<>();
        if (top.containsKey("lineage")) {
            List<Node> hashes = sequence(top.get("lineage"), "lineage");
            for (int i = 0; i < hashes.size(); i++) {
                String h = string(hashes.get(i), "lineage[" + i + "]");
                if (!h.matches("[0-9a-f]{1,64}")) {
                    throw error(hashes.get(i), "lineage[" + i + "]", "'" + h + "' is not a configuration hash");
                }
                lineage.add(h);
            }
            if (lineage.size() > VersionedConfig.LINEAGE || lineage.size() > version) {
                throw error(
                        top.get("lineage"),
                        "lineage",
                        "version " + version + " cannot have " + lineage.size()
                                + " earlier versions (at most the version and " + VersionedConfig.LINEAGE
                                + "); it is written by the node: remove it if you edited the file");
            }
        }
        List<io.hastack.resources.alert.AlertSpec> alerts =
                top.containsKey("alerts") ? alerts(top.get("alerts"), base) : List.of();
        Map<io.hastack.core.model.GroupId, Duration> rto = new LinkedHashMap<>();
        if (top.containsKey("rto")) {
            for (Map.Entry<String, Node> e :
                    mapping(top.get("rto"), "rto", null, Set.of()).entrySet()) {
                String p = "rto." + e.getKey();
                io.hastack.core.model.GroupId g =
                        at(keyNode(top.get("rto"), e.getKey()), p, () -> io.hastack.core.model.GroupId.of(e.getKey()));
                Duration d = duration(e.getValue(), p);
                if (d.isZero()) {
                    throw error(
                            e.getValue(),
                            p,
                            "a recovery time objective of 0 cannot be met: give the time a failover"
                                    + " of the group may take, e.g. 2s");
                }
                rto.put(g, d);
            }
        }
        Map<io.hastack.core.model.GroupId, java.net.URI> checks = new LinkedHashMap<>();
        if (top.containsKey("checks")) {
            for (Map.Entry<String, Node> e :
                    mapping(top.get("checks"), "checks", null, Set.of()).entrySet()) {
                String p = "checks." + e.getKey();
                io.hastack.core.model.GroupId g = at(
                        keyNode(top.get("checks"), e.getKey()), p, () -> io.hastack.core.model.GroupId.of(e.getKey()));
                String url = string(e.getValue(), p).strip();
                java.net.URI uri = at(e.getValue(), p, () -> {
                    java.net.URI u = java.net.URI.create(url);
                    io.hastack.resources.check.HttpServiceCheck.validate(u);
                    return u;
                });
                checks.put(g, uri);
            }
        }
        return new ClusterFile(
                cluster, keyFile, nodes, membership, device, admin, built, version, lineage, alerts, rto, checks);
    }

    private Map<NodeId, InetSocketAddress> nodes(Node node, ClusterConfig.Builder config) {
        Map<String, Node> entries = mapping(node, "nodes", null, Set.of());
        if (entries.isEmpty()) {
            throw error(node, "nodes", "no nodes: list every node's name and address (name: host:port)");
        }
        Map<NodeId, InetSocketAddress> nodes = new LinkedHashMap<>();
        Map<NodeId, String> texts = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            String path = "nodes." + e.getKey();
            NodeId id = at(keyNode(node, e.getKey()), path, () -> NodeId.of(e.getKey()));
            String text = at(e.getValue(), path, () -> normalizeAddress(string(e.getValue(), path)));
            if (!seen.add(text)) {
                throw error(e.getValue(), path, "address " + text + " is given to two nodes");
            }
            nodes.put(id, unresolved(text));
            texts.put(id, text);
        }
        at(node, "nodes", () -> config.nodes(entries.keySet().toArray(String[]::new)));
        texts.forEach(config::address);
        return nodes;
    }

    /**
     * The list the node list changes from while a change of it is being committed: written by the
     * node (a user does not write it), each name once, and the node list one node added at its end
     * or one node removed.
     */
    private void previousNodes(Node node, List<NodeId> nodes, ClusterConfig.Builder config) {
        List<Node> items = sequence(node, "previous-nodes");
        List<NodeId> previous = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "previous-nodes[" + i + "]";
            String name = string(items.get(i), path);
            NodeId id = at(items.get(i), path, () -> NodeId.of(name));
            if (previous.contains(id)) {
                throw error(items.get(i), path, "node '" + name + "' is listed twice");
            }
            previous.add(id);
        }
        if (!previous.isEmpty() && NodeChange.between(previous, nodes).isEmpty()) {
            throw error(
                    node,
                    "previous-nodes",
                    "the node list " + nodes + " must differ from the previous node list " + previous
                            + " by one node added at its end or one node removed; previous-nodes is written by"
                            + " the node while a change of the node list is being committed: remove it if you"
                            + " edited the file");
        }
        at(node, "previous-nodes", () -> config.previousNodes(previous));
    }

    /**
     * A node's address, {@code host:port}, as the file and the replicated configuration ({@link
     * ClusterConfig#addresses()}) write it: white space around the host and port removed, the host
     * in lower case, an IPv6 literal in brackets, the port without leading zeros; so that every node
     * reading the same address writes the same text.
     *
     * @throws IllegalArgumentException if {@code text} is not {@code host:port}, the port is out of
     *     range 1-65435 (failure detection uses port + 100), or the host is a wildcard
     */
    public static String normalizeAddress(String text) {
        Matcher m = ADDRESS.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an address: write host:port, e.g. 10.0.0.1:7800");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65435) {
            throw new IllegalArgumentException(
                    "port " + port + " is out of range 1-65435 (failure detection uses port + 100)");
        }
        String host = m.group(1).strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1).strip();
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']')) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an address: write host:port, e.g. 10.0.0.1:7800 ([::1]:7800 for IPv6)");
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
            throw new IllegalArgumentException(
                    "'" + host + "' is a wildcard: give the address the other nodes reach it at");
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code text} ({@link #normalizeAddress}) as an unresolved socket address, an IPv6 host without brackets. */
    private static InetSocketAddress unresolved(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(text.substring(colon + 1)));
    }

    private ClusterFile.Membership membership(Node node) {
        Map<String, Node> m = mapping(
                node,
                "membership",
                Set.of("heartbeat-interval", "heartbeat-timeout", "verify-timeout", "lease"),
                Set.of());
        Optional<Duration> lease = optionalDuration(m, "lease", "membership");
        lease.ifPresent(d -> at(
                m.get("lease"),
                "membership.lease",
                () -> io.hastack.core.internal.Durations.PAUSE_BOUND.require("membership.lease", d)));
        return new ClusterFile.Membership(
                optionalDuration(m, "heartbeat-interval", "membership"),
                optionalDuration(m, "heartbeat-timeout", "membership"),
                optionalDuration(m, "verify-timeout", "membership"),
                lease);
    }

    private Optional<Duration> optionalDuration(Map<String, Node> m, String key, String parent) {
        return m.containsKey(key) ? Optional.of(duration(m.get(key), parent + "." + key)) : Optional.empty();
    }

    private Optional<ClusterFile.Device> quorum(Node node, ClusterConfig.Builder config, Path base) {
        Map<String, Node> q = mapping(
                node, "quorum", Set.of("no-quorum-policy", "wait-for-all", "last-man-standing", "device"), Set.of());
        if (q.containsKey("no-quorum-policy")) {
            NoQuorumPolicy policy = choice(q.get("no-quorum-policy"), "quorum.no-quorum-policy", NoQuorumPolicy.class);
            at(q.get("no-quorum-policy"), "quorum.no-quorum-policy", () -> config.noQuorumPolicy(policy));
        }
        if (q.containsKey("wait-for-all")) {
            boolean on = bool(q.get("wait-for-all"), "quorum.wait-for-all");
            at(q.get("wait-for-all"), "quorum.wait-for-all", () -> config.waitForAll(on));
        }
        if (q.containsKey("last-man-standing")) {
            Duration window = duration(q.get("last-man-standing"), "quorum.last-man-standing");
            at(q.get("last-man-standing"), "quorum.last-man-standing", () -> config.lastManStanding(window));
        }
        if (!q.containsKey("device")) {
            return Optional.empty();
        }
        Node d = q.get("device");
        Map<String, Node> dev =
                mapping(d, "quorum.device", Set.of("file", "zookeeper", "base-path", "credentials-file"), Set.of());
        if (dev.containsKey("file") == dev.containsKey("zookeeper")) {
            throw error(
                    d,
                    "quorum.device",
                    "give exactly one of 'file' (a shared directory) and 'zookeeper' (an" + " ensemble)");
        }
        if (dev.containsKey("file")) {
            for (String k : List.of("base-path", "credentials-file")) {
                if (dev.containsKey(k)) {
                    throw error(dev.get(k), "quorum.device." + k, "belongs to a zookeeper device, not a file device");
                }
            }
            return Optional.of(new ClusterFile.FileDevice(path(dev.get("file"), "quorum.device.file", base)));
        }
        String connect = string(dev.get("zookeeper"), "quorum.device.zookeeper");
        if (!dev.containsKey("base-path")) {
            throw error(d, "quorum.device", "a zookeeper device needs 'base-path', e.g. /hastack/<cluster>");
        }
        String basePath = string(dev.get("base-path"), "quorum.device.base-path");
        if (!basePath.startsWith("/") || basePath.endsWith("/")) {
            throw error(
                    dev.get("base-path"),
                    "quorum.device.base-path",
                    "'" + basePath + "' must start and not end with '/'");
        }
        Optional<Path> credentials = dev.containsKey("credentials-file")
                ? Optional.of(path(dev.get("credentials-file"), "quorum.device.credentials-file", base))
                : Optional.empty();
        return Optional.of(new ClusterFile.ZooKeeperDevice(connect, basePath, credentials));
    }

    /** The admin API's port unless the file says otherwise (as {@code AdminSettings.DEFAULT_PORT}). */
    static final int DEFAULT_ADMIN_PORT = 7870;

    private ClusterFile.Admin admin(Node node, Set<NodeId> nodes, Path base) {
        Map<String, Node> a =
                mapping(node, "admin", Set.of("bind", "port", "token-file", "tls", "node-ports"), Set.of("token-file"));
        String bind =
                a.containsKey("bind") ? string(a.get("bind"), "admin.bind").strip() : "127.0.0.1";
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("*")) {
            throw error(a.get("bind"), "admin.bind", "'" + bind + "' is a wildcard: give one address of this host");
        }
        int port = a.containsKey("port") ? port(a.get("port"), "admin.port") : DEFAULT_ADMIN_PORT;
        Path tokenFile = path(a.get("token-file"), "admin.token-file", base);
        Optional<ClusterFile.Tls> tls = Optional.empty();
        if (a.containsKey("tls")) {
            Map<String, Node> t = mapping(
                    a.get("tls"),
                    "admin.tls",
                    Set.of("keystore", "password-file"),
                    Set.of("keystore", "password-file"));
            tls = Optional.of(new ClusterFile.Tls(
                    path(t.get("keystore"), "admin.tls.keystore", base),
                    path(t.get("password-file"), "admin.tls.password-file", base)));
        }
        boolean loopback = bind.equals("localhost") || bind.equals("::1") || bind.startsWith("127.");
        if (!loopback && tls.isEmpty()) {
            throw error(
                    a.get("bind"),
                    "admin.bind",
                    "'" + bind + "' is not a loopback address: the token would cross the network in clear; add"
                            + " 'tls' (keystore, password-file) or bind to 127.0.0.1");
        }
        Map<NodeId, Integer> nodePorts = new LinkedHashMap<>();
        if (a.containsKey("node-ports")) {
            Map<String, Node> ports = mapping(a.get("node-ports"), "admin.node-ports", null, Set.of());
            Set<String> names = new LinkedHashSet<>();
            nodes.forEach(n -> names.add(n.value()));
            for (Map.Entry<String, Node> e : ports.entrySet()) {
                String path = "admin.node-ports." + e.getKey();
                if (!names.contains(e.getKey())) {
                    throw error(
                            keyNode(a.get("node-ports"), e.getKey()),
                            path,
                            "no node '" + e.getKey() + "' in 'nodes'" + suggestion(e.getKey(), names));
                }
                nodePorts.put(NodeId.of(e.getKey()), port(e.getValue(), path));
            }
        }
        return new ClusterFile.Admin(bind, port, tokenFile, tls, nodePorts);
    }

    /**
     * The {@code alerts} section: per alert id, an executable {@code path} (run as Pacemaker runs
     * alert agents) or a {@code webhook} URL, and optional {@code recipients}, {@code timeout},
     * {@code timestamp-format}, {@code select} and (for a path) {@code attributes}, the variables
     * added to its environment (Pacemaker's instance attributes).
     */
    private List<io.hastack.resources.alert.AlertSpec> alerts(Node node, Path base) {
        Map<String, Node> entries = mapping(node, "alerts", null, Set.of());
        List<io.hastack.resources.alert.AlertSpec> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            String p = "alerts." + e.getKey();
            Node at = e.getValue();
            if (!e.getKey().matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,62}")) {
                throw error(
                        keyNode(node, e.getKey()),
                        p,
                        "'" + e.getKey() + "' is not an alert id: use letters, digits, '_', '.' or '-'");
            }
            Map<String, Node> a = mapping(
                    at,
                    p,
                    Set.of("path", "webhook", "recipients", "timeout", "timestamp-format", "select", "attributes"),
                    Set.of());
            if (a.containsKey("path") == a.containsKey("webhook")) {
                throw error(
                        at,
                        p,
                        "give either 'path' (an executable, as Pacemaker's alert agents) or 'webhook' (an"
                                + " http or https URL), not " + (a.containsKey("path") ? "both" : "neither"));
            }
            io.hastack.resources.alert.AlertSpec.Target target;
            if (a.containsKey("path")) {
                target = new io.hastack.resources.alert.AlertSpec.Executable(path(a.get("path"), p + ".path", base));
            } else {
                String url = string(a.get("webhook"), p + ".webhook");
                target = at(
                        a.get("webhook"),
                        p + ".webhook",
                        () -> new io.hastack.resources.alert.AlertSpec.Webhook(java.net.URI.create(url.strip())));
            }
            List<String> recipients = new ArrayList<>();
            if (a.containsKey("recipients")) {
                if (a.containsKey("webhook")) {
                    throw error(
                            a.get("recipients"),
                            p + ".recipients",
                            "a webhook has no recipients: its URL is the recipient");
                }
                List<Node> rs = sequence(a.get("recipients"), p + ".recipients");
                for (int i = 0; i < rs.size(); i++) {
                    recipients.add(string(rs.get(i), p + ".recipients[" + i + "]"));
                }
            }
            Duration timeout = a.containsKey("timeout")
                    ? duration(a.get("timeout"), p + ".timeout")
                    : io.hastack.resources.alert.AlertSpec.DEFAULT_TIMEOUT;
            String format = a.containsKey("timestamp-format")
                    ? string(a.get("timestamp-format"), p + ".timestamp-format")
                    : io.hastack.resources.alert.AlertSpec.DEFAULT_TIMESTAMP_FORMAT;
            Set<io.hastack.resources.alert.AlertSpec.Kind> select = new LinkedHashSet<>();
            if (a.containsKey("select")) {
                List<Node> ks = sequence(a.get("select"), p + ".select");
                if (ks.isEmpty()) {
                    throw error(
                            a.get("select"),
                            p + ".select",
                            "an empty select gets nothing: leave it out to get every kind");
                }
                for (int i = 0; i < ks.size(); i++) {
                    select.add(choice(
                            ks.get(i), p + ".select[" + i + "]", io.hastack.resources.alert.AlertSpec.Kind.class));
                }
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            if (a.containsKey("attributes")) {
                if (a.containsKey("webhook")) {
                    throw error(
                            a.get("attributes"),
                            p + ".attributes",
                            "a webhook has no attributes: they are an executable's environment variables");
                }
                Node attrs = a.get("attributes");
                for (Map.Entry<String, Node> v :
                        mapping(attrs, p + ".attributes", null, Set.of()).entrySet()) {
                    String ap = p + ".attributes." + v.getKey();
                    String value = string(v.getValue(), ap);
                    at(keyNode(attrs, v.getKey()), ap, () -> {
                        io.hastack.resources.alert.AlertSpec.checkAttribute(e.getKey(), v.getKey(), value);
                        return null;
                    });
                    attributes.put(v.getKey(), value);
                }
            }
            Node where = a.containsKey("timestamp-format")
                    ? a.get("timestamp-format")
                    : a.containsKey("timeout") ? a.get("timeout") : at;
            String wherePath = a.containsKey("timestamp-format")
                    ? p + ".timestamp-format"
                    : a.containsKey("timeout") ? p + ".timeout" : p;
            out.add(at(
                    where,
                    wherePath,
                    () -> new io.hastack.resources.alert.AlertSpec(
                            e.getKey(), target, recipients, timeout, format, select, attributes)));
        }
        return out;
    }

    private int port(Node node, String path) {
        int port = integer(node, path);
        if (port < 1 || port > 65535) {
            throw error(node, path, "port " + port + " is out of range 1-65535");
        }
        return port;
    }

    private void options(Node node, ClusterConfig.Builder config) {
        Map<String, Node> o = mapping(
                node,
                "options",
                Set.of("migration-threshold", "stickiness", "failure-timeout", "maintenance"),
                Set.of());
        if (o.containsKey("migration-threshold")) {
            int n = integer(o.get("migration-threshold"), "options.migration-threshold");
            at(o.get("migration-threshold"), "options.migration-threshold", () -> config.migrationThreshold(n));
        }
        if (o.containsKey("stickiness")) {
            int n = score(o.get("stickiness"), "options.stickiness");
            at(o.get("stickiness"), "options.stickiness", () -> config.defaultStickiness(n));
        }
        if (o.containsKey("failure-timeout")) {
            Duration d = duration(o.get("failure-timeout"), "options.failure-timeout");
            at(o.get("failure-timeout"), "options.failure-timeout", () -> config.failureTimeout(d));
        }
        if (o.containsKey("maintenance")) {
            boolean on = bool(o.get("maintenance"), "options.maintenance");
            at(o.get("maintenance"), "options.maintenance", () -> config.maintenanceMode(on));
        }
    }

    private void groups(Node node, ClusterConfig.Builder config, Set<String> ids) {
        Map<String, Node> groups = mapping(node, "groups", null, Set.of());
        Set<String> resources = new LinkedHashSet<>();
        for (Map.Entry<String, Node> e : groups.entrySet()) {
            String path = "groups." + e.getKey();
            Map<String, Node> g =
                    mapping(e.getValue(), path, Set.of("resources", "clone-max", "ordered"), Set.of("resources"));
            Node list = g.get("resources");
            List<Node> items = sequence(list, path + ".resources");
            if (items.isEmpty()) {
                throw error(list, path + ".resources", "a group needs at least one resource");
            }
            List<ResourceSpec> specs = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                ResourceSpec spec = resource(items.get(i), path + ".resources[" + i + "]");
                if (!resources.add(spec.id().value())) {
                    throw error(
                            items.get(i),
                            path + ".resources[" + i + "]",
                            "resource " + spec.id() + " is defined twice (each resource belongs to one group)");
                }
                specs.add(spec);
            }
            ResourceSpec[] array = specs.toArray(ResourceSpec[]::new);
            ResourceGroup declared;
            if (g.containsKey("clone-max")) {
                int max = integer(g.get("clone-max"), path + ".clone-max");
                declared =
                        at(g.get("clone-max"), path + ".clone-max", () -> ResourceGroup.clone(e.getKey(), max, array));
            } else {
                declared = at(keyNode(node, e.getKey()), path, () -> ResourceGroup.of(e.getKey(), array));
            }
            boolean ordered = !g.containsKey("ordered") || bool(g.get("ordered"), path + ".ordered");
            ResourceGroup group = ordered ? declared : declared.unordered();
            at(keyNode(node, e.getKey()), path, () -> config.group(group));
            ids.add(e.getKey());
        }
    }

    private ResourceSpec resource(Node node, String path) {
        Map<String, Node> r = mapping(
                node,
                path,
                Set.of(
                        "id",
                        "agent",
                        "params",
                        "monitor-interval",
                        "timeouts",
                        "on-fail",
                        "stickiness",
                        "migration-threshold",
                        "failure-timeout",
                        "managed",
                        "target-role"),
                Set.of("id", "agent"));
        String id = string(r.get("id"), path + ".id");
        String agent = string(r.get("agent"), path + ".agent");
        ResourceSpec.Builder b = at(r.get("id"), path + ".id", () -> ResourceSpec.builder(id, agent));
        if (r.containsKey("params")) {
            Map<String, Node> params = mapping(r.get("params"), path + ".params", null, Set.of());
            for (Map.Entry<String, Node> p : params.entrySet()) {
                String value = string(p.getValue(), path + ".params." + p.getKey());
                if (SECRET_NAME.matcher(p.getKey()).find() && !p.getKey().endsWith("-file")) {
                    throw error(
                            p.getValue(),
                            path + ".params." + p.getKey(),
                            "secrets are not written inline: put"
                                    + " it in a file readable by the node only and give the agent that file's path");
                }
                at(p.getValue(), path + ".params." + p.getKey(), () -> b.param(p.getKey(), value));
            }
        }
        if (r.containsKey("monitor-interval")) {
            Duration d = duration(r.get("monitor-interval"), path + ".monitor-interval");
            at(r.get("monitor-interval"), path + ".monitor-interval", () -> b.monitorInterval(d));
        }
        if (r.containsKey("timeouts")) {
            Map<String, Node> t = mapping(r.get("timeouts"), path + ".timeouts", OPERATIONS.keySet(), Set.of());
            for (Map.Entry<String, Node> e : t.entrySet()) {
                Duration d = duration(e.getValue(), path + ".timeouts." + e.getKey());
                at(e.getValue(), path + ".timeouts." + e.getKey(), () -> b.timeout(OPERATIONS.get(e.getKey()), d));
            }
        }
        if (r.containsKey("on-fail")) {
            Map<String, Node> f = mapping(r.get("on-fail"), path + ".on-fail", OPERATIONS.keySet(), Set.of());
            for (Map.Entry<String, Node> e : f.entrySet()) {
                String where = path + ".on-fail." + e.getKey();
                String text = string(e.getValue(), where);
                OnFail policy = at(e.getValue(), where, () -> OnFail.parse(text));
                at(e.getValue(), where, () -> b.onFail(OPERATIONS.get(e.getKey()), policy));
            }
        }
        if (r.containsKey("stickiness")) {
            int n = score(r.get("stickiness"), path + ".stickiness");
            at(r.get("stickiness"), path + ".stickiness", () -> b.stickiness(n));
        }
        if (r.containsKey("migration-threshold")) {
            int n = integer(r.get("migration-threshold"), path + ".migration-threshold");
            at(r.get("migration-threshold"), path + ".migration-threshold", () -> b.migrationThreshold(n));
        }
        if (r.containsKey("failure-timeout")) {
            Duration d = duration(r.get("failure-timeout"), path + ".failure-timeout");
            at(r.get("failure-timeout"), path + ".failure-timeout", () -> b.failureTimeout(d));
        }
        if (r.containsKey("managed")) {
            boolean on = bool(r.get("managed"), path + ".managed");
            at(r.get("managed"), path + ".managed", () -> b.managed(on));
        }
        if (r.containsKey("target-role")) {
            String role =
                    string(r.get("target-role"), path + ".target-role").strip().toLowerCase(Locale.ROOT);
            if (!role.equals("started") && !role.equals("stopped")) {
                throw error(
                        r.get("target-role"),
                        path + ".target-role",
                        "'" + role + "' is not a target role: started (the default) or stopped");
            }
            b.enabled(role.equals("started"));
        }
        return at(node, path, b::build);
    }

    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(password|secret|token|passphrase)");

    private static final Map<String, Operation> OPERATIONS = Map.of(
            "start",
            Operation.START,
            "stop",
            Operation.STOP,
            "monitor",
            Operation.MONITOR,
            "validate",
            Operation.VALIDATE);

    private void constraints(Node node, ClusterConfig.Builder config, Set<String> groups, Set<NodeId> nodes) {
        List<Node> items = sequence(node, "constraints");
        for (int i = 0; i < items.size(); i++) {
            String path = "constraints[" + i + "]";
            Map<String, Node> one = mapping(
                    items.get(i), path, Set.of("prefer", "avoid", "ban", "together", "apart", "order"), Set.of());
            if (one.size() != 1) {
                throw error(
                        items.get(i),
                        path,
                        "a constraint is one of prefer, avoid, ban, together, apart, order" + " (one per list item)");
            }
            Map.Entry<String, Node> kind = one.entrySet().iterator().next();
            String p = path + "." + kind.getKey();
            Node body = kind.getValue();
            switch (kind.getKey()) {
                case "prefer", "avoid", "ban" -> {
                    boolean ban = kind.getKey().equals("ban");
                    Map<String, Node> c = mapping(
                            body,
                            p,
                            ban ? Set.of("id", "group", "node") : Set.of("id", "group", "node", "score"),
                            ban ? Set.of("id", "group", "node") : Set.of("id", "group", "node", "score"));
                    String id = string(c.get("id"), p + ".id");
                    String group = reference(c.get("group"), p + ".group", groups, "group");
                    String n = string(c.get("node"), p + ".node");
                    if (nodes.stream().noneMatch(x -> x.value().equals(n))) {
                        throw error(c.get("node"), p + ".node", "no node '" + n + "' in 'nodes' " + nodes);
                    }
                    LocationConstraint lc;
                    if (ban) {
                        lc = at(body, p, () -> LocationConstraint.ban(id, group, n));
                    } else {
                        int score = score(c.get("score"), p + ".score");
                        lc = at(
                                c.get("score"),
                                p + ".score",
                                () -> kind.getKey().equals("prefer")
                                        ? LocationConstraint.prefer(id, group, n, score)
                                        : LocationConstraint.avoid(id, group, n, score));
                    }
                    at(body, p, () -> config.location(lc));
                }
                case "together", "apart" -> {
                    Map<String, Node> c = mapping(
                            body, p, Set.of("id", "group", "with", "score"), Set.of("id", "group", "with", "score"));
                    String id = string(c.get("id"), p + ".id");
                    String group = reference(c.get("group"), p + ".group", groups, "group");
                    String with = reference(c.get("with"), p + ".with", groups, "group");
                    int score = score(c.get("score"), p + ".score");
                    ColocationConstraint cc = at(
                            c.get("score"),
                            p + ".score",
                            () -> kind.getKey().equals("together")
                                    ? ColocationConstraint.together(id, group, with, score)
                                    : ColocationConstraint.apart(id, group, with, score));
                    at(body, p, () -> config.colocation(cc));
                }
                default -> {
                    Map<String, Node> c =
                            mapping(body, p, Set.of("id", "first", "then", "kind"), Set.of("id", "first", "then"));
                    String id = string(c.get("id"), p + ".id");
                    String first = reference(c.get("first"), p + ".first", groups, "group");
                    String then = reference(c.get("then"), p + ".then", groups, "group");
                    String k = c.containsKey("kind") ? string(c.get("kind"), p + ".kind") : "mandatory";
                    OrderConstraint oc = switch (k) {
                        case "mandatory" -> at(body, p, () -> OrderConstraint.mandatory(id, first, then));
                        case "optional" -> at(body, p, () -> OrderConstraint.optional(id, first, then));
                        default ->
                            throw error(
                                    c.get("kind"),
                                    p + ".kind",
                                    "'" + k + "' is not an order kind: mandatory or optional");
                    };
                    at(body, p, () -> config.order(oc));
                }
            }
        }
    }

    private String reference(Node node, String path, Set<String> known, String what) {
        String name = string(node, path);
        if (!known.contains(name)) {
            throw error(node, path, "no " + what + " '" + name + "' in 'groups'" + suggestion(name, known));
        }
        return name;
    }

    // ---- typed values ----

    private Map<String, Node> mapping(Node node, String path, Set<String> allowed, Set<String> required) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, path, "expected a mapping (key: value lines), found " + kind(node));
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "a key must be a plain name, found " + kind(t.getKeyNode()));
            }
            String key = k.getValue();
            String child = path.isEmpty() ? key : path + "." + key;
            if (allowed != null && !allowed.contains(key)) {
                String hint = SECRET_NAME.matcher(key).find() || key.equals("key")
                        ? ": secrets are not written inline; name the file that holds it (key-file, credentials-file)"
                        : suggestion(key, allowed);
                throw error(k, child, "unknown field '" + key + "'" + hint);
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw error(k, child, "'" + key + "' is given twice");
            }
        }
        for (String r : required) {
            if (!out.containsKey(r)) {
                throw error(node, path, "missing '" + r + "'");
            }
        }
        return out;
    }

    private Node keyNode(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return k;
                }
            }
        }
        return mapping;
    }

    private List<Node> sequence(Node node, String path) {
        if (!(node instanceof SequenceNode s)) {
            throw error(node, path, "expected a list ('- ' items), found " + kind(node));
        }
        return s.getValue();
    }

    private String string(Node node, String path) {
        if (!(node instanceof ScalarNode s)) {
            throw error(node, path, "expected a value, found " + kind(node));
        }
        String v = s.getValue();
        if (v.isEmpty() || v.equals("~") || v.equals("null")) {
            throw error(node, path, "has no value");
        }
        return v;
    }

    private boolean bool(Node node, String path) {
        String v = string(node, path);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, path, "'" + v + "' is not true or false");
        };
    }

    private int integer(Node node, String path) {
        String v = string(node, path);
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw error(node, path, "'" + v + "' is not a whole number");
        }
    }

    private int score(Node node, String path) {
        String v = string(node, path);
        try {
            return Score.parse(v);
        } catch (IllegalArgumentException e) {
            throw error(node, path, e.getMessage());
        }
    }

    private Duration duration(Node node, String path) {
        String v = string(node, path);
        Duration d = at(node, path, () -> io.hastack.core.internal.Durations.parse(v));
        if (d.isNegative()) {
            throw error(node, path, "'" + v + "' is negative: a duration here is 0 or more");
        }
        return d;
    }

    private <E extends Enum<E>> E choice(Node node, String path, Class<E> type) {
        String v = string(node, path);
        for (E e : type.getEnumConstants()) {
            if (e.name().replace('_', '-').toLowerCase(Locale.ROOT).equals(v.strip())) {
                return e;
            }
        }
        List<String> names = java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().replace('_', '-').toLowerCase(Locale.ROOT))
                .toList();
        throw error(node, path, "'" + v + "' is not one of " + names);
    }

    private Path path(Node node, String path, Path base) {
        String v = string(node, path);
        try {
            Path p = Path.of(v);
            return p.isAbsolute() || base == null ? p : base.resolve(p);
        } catch (java.nio.file.InvalidPathException e) {
            throw error(node, path, "'" + v + "' is not a path: " + e.getMessage());
        }
    }

    /** Runs {@code call}; a refusal of the model becomes an error at {@code node}. */
    private <T> T at(Node node, String path, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw error(node, path, String.valueOf(e.getMessage()));
        }
    }

    private ConfigException error(Node node, String path, String reason) {
        Mark m = node == null ? null : node.getStartMark();
        return new ConfigException(
                file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, path, reason);
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return node instanceof ScalarNode s ? "'" + s.getValue() + "'" : "nothing";
    }

    /** ", did you mean 'x'?" for the known name closest to {@code name}, or the known names. */
    private static String suggestion(String name, Set<String> known) {
        Optional<String> close = Names.closest(name, known);
        if (close.isPresent()) {
            return "; did you mean '" + close.get() + "'?";
        }
        return known.size() <= 12 ? " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")" : "";
    }
}
