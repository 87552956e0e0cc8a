package io.hastack.server.config;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.Score;
import io.hastack.core.model.VersionedConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Writes a configuration version back into a cluster's configuration file: the model's parts
 * ({@code version}, {@code lineage}, {@code nodes} with their addresses, {@code previous-nodes},
 * {@code options}, the quorum policy fields, {@code groups}, {@code constraints}) are replaced,
 * every other part of the file (cluster, key file, membership, the quorum device, the admin
 * section, ...) is kept as data, except that {@code admin.node-ports} loses the entries of nodes no
 * longer in the node list. Comments are not kept. The result is read back with {@link ConfigFile}
 * before it is returned, so a file is never written that would start a node with another model.
 * Stateless.
 */
public final class ConfigWriter {
    private ConfigWriter() {}

    /**
     * {@code original} (a file {@link ConfigFile} reads) with the model of {@code v}.
     *
     * @throws IllegalArgumentException if {@code v} has no node addresses ({@link
     *     ClusterConfig#addresses()}): the file names every node's address
     * @throws IllegalStateException if the result would not read back as {@code v} (a bug)
     */
    @SuppressWarnings("unchecked")
    public static String render(String name, String original, VersionedConfig v, java.nio.file.Path base) {
        ClusterConfig c = v.config();
        if (c.addresses().isEmpty()) {
            throw new IllegalArgumentException("configuration " + v + " has no node addresses: a configuration"
                    + " file names every node's host:port (ClusterConfig.Builder.address)");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        Object loaded = new Yaml(new SafeConstructor(options)).load(original);
        Map<String, Object> top = new LinkedHashMap<>((Map<String, Object>) loaded);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", v.version());
        if (!v.lineage().isEmpty()) {
            out.put("lineage", v.lineage());
        }
        for (Map.Entry<String, Object> e : top.entrySet()) {
            switch (e.getKey()) {
                case "version", "lineage", "options", "groups", "constraints", "quorum", "previous-nodes" -> {}
                case "nodes" -> {
                    Map<String, Object> nodes = new LinkedHashMap<>();
                    c.nodes().forEach(n -> nodes.put(n.value(), c.addresses().get(n)));
                    out.put("nodes", nodes);
                    if (!c.previousNodes().isEmpty()) {
                        out.put(
                                "previous-nodes",
                                c.previousNodes().stream().map(NodeId::value).toList());
                    }
                }
                case "admin" -> out.put("admin", admin(e.getValue(), c));
                default -> out.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> quorum = new LinkedHashMap<>();
        quorum.put("no-quorum-policy", c.noQuorumPolicy().name().toLowerCase(Locale.ROOT));
        quorum.put("wait-for-all", c.waitForAll());
        c.lastManStanding().ifPresent(w -> quorum.put("last-man-standing", duration(w)));
        if (top.get("quorum") instanceof Map<?, ?> q && q.get("device") != null) {
            quorum.put("device", q.get("device"));
        }
        out.put("quorum", quorum);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("migration-threshold", c.migrationThreshold());
        opts.put("stickiness", score(c.defaultStickiness()));
        opts.put("failure-timeout", duration(c.failureTimeout()));
        opts.put("maintenance", c.maintenanceMode());
        out.put("options", opts);
        Map<String, Object> groups = new LinkedHashMap<>();
        for (ResourceGroup g : c.groups()) {
            Map<String, Object> group = new LinkedHashMap<>();
            if (g.isClone()) {
                group.put("clone-max", g.cloneMax());
            }
            if (!g.ordered()) {
                group.put("ordered", false);
            }
            List<Object> resources = new ArrayList<>();
            g.resources().forEach(r -> resources.add(resource(r)));
            group.put("resources", resources);
            groups.put(g.id().value(), group);
        }
        if (!groups.isEmpty()) {
            out.put("groups", groups);
        }
        List<Object> constraints = new ArrayList<>();
        for (LocationConstraint l : c.locations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("group", l.group().value());
            m.put("node", l.node().value());
            if (l.score() == -Score.INFINITY) {
                constraints.add(Map.of("ban", m));
            } else {
                m.put("score", score(Math.abs(l.score())));
                constraints.add(Map.of(l.score() > 0 ? "prefer" : "avoid", m));
            }
        }
        for (ColocationConstraint l : c.colocations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("group", l.group().value());
            m.put("with", l.with().value());
            m.put("score", score(Math.abs(l.score())));
            constraints.add(Map.of(l.score() > 0 ? "together" : "apart", m));
        }
        for (OrderConstraint o : c.orders()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("first", o.first().value());
            m.put("then", o.then().value());
            m.put("kind", o.kind().externalName());
            constraints.add(Map.of("order", m));
        }
        if (!constraints.isEmpty()) {
            out.put("constraints", constraints);
        }
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dump.setIndent(2);
        dump.setWidth(120);
        String text = "# Written by HA Stack when the cluster's configuration changed (version " + v.version()
                + "). Comments are not kept.\n" + new Yaml(new Representer(dump), dump).dump(out);
        ClusterFile back = ConfigFile.parse(name, text, base);
        if (!back.versioned().equals(v)) {
            throw new IllegalStateException(
                    "configuration " + v + " written to " + name + " reads back as " + back.versioned());
        }
        return text;
    }

    /** The file's admin section without the node ports of nodes no longer in {@code c}'s node list. */
    private static Object admin(Object admin, ClusterConfig c) {
        if (!(admin instanceof Map<?, ?> a) || !(a.get("node-ports") instanceof Map<?, ?> ports)) {
            return admin;
        }
        Map<Object, Object> kept = new LinkedHashMap<>();
        ports.forEach((node, port) -> {
            if (c.nodes().stream().anyMatch(n -> n.value().equals(String.valueOf(node)))) {
                kept.put(node, port);
            }
        });
        Map<Object, Object> out = new LinkedHashMap<>(a);
        if (kept.isEmpty()) {
            out.remove("node-ports");
        } else {
            out.put("node-ports", kept);
        }
        return out;
    }

    private static Map<String, Object> resource(ResourceSpec r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().value());
        m.put("agent", r.agentType());
        if (!r.parameters().isEmpty()) {
            m.put("params", new LinkedHashMap<>(r.parameters()));
        }
        m.put("monitor-interval", duration(r.monitorInterval()));
        Map<String, Object> timeouts = new LinkedHashMap<>();
        Map<String, Object> onFail = new LinkedHashMap<>();
        for (Operation op : Operation.values()) {
            r.timeout(op).ifPresent(t -> timeouts.put(op.externalName(), duration(t)));
            r.onFail(op).ifPresent(f -> onFail.put(op.externalName(), f.externalName()));
        }
        if (!timeouts.isEmpty()) {
            m.put("timeouts", timeouts);
        }
        if (!onFail.isEmpty()) {
            m.put("on-fail", onFail);
        }
        r.stickiness().ifPresent(s -> m.put("stickiness", score(s)));
        r.migrationThreshold().ifPresent(t -> m.put("migration-threshold", t));
        r.failureTimeout().ifPresent(t -> m.put("failure-timeout", duration(t)));
        if (!r.managed()) {
            m.put("managed", false);
        }
        if (!r.enabled()) {
            m.put("target-role", "stopped");
        }
        return m;
    }

    private static Object score(int score) {
        return Math.abs(score) == Score.INFINITY ? Score.format(score) : (Object) score;
    }

    private static String duration(Duration d) {
        return d.toMillis() + "ms";
    }
}
