package io.hastack.core.plan;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.Failure;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.Score;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.Move;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.core.spi.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A plain-text form of a {@link ClusterSnapshot}, for golden scenarios and saved snapshots. One item
 * per line; {@code #} starts a comment. Times are relative to the instant the snapshot is read for:
 *
 * <pre>
 * nodes n1 n2 n3                      # the configured nodes, in view order
 * members n1 n3                       # optional: the members (default: every configured node)
 * migration-threshold 3               # optional cluster options ...
 * failure-timeout 10m
 * default-stickiness 1
 * no-quorum-policy stop
 * maintenance-mode true
 * fence-device true                   # optional: the cluster has a fence device
 * group web-group ip app web          # a group and its resources, in start order
 * clone mon 2 agent                   # a clone on up to 2 nodes ("all": every node) of resource agent
 * resource web stickiness=100 migration-threshold=2 failure-timeout=60s on-fail.monitor=block managed=false target-role=stopped
 * location prefer-n1 web-group n1 100 # id group node score (INFINITY, -INFINITY or an integer)
 * colocation c1 app with db INFINITY  # id group with with-group score
 * order o1 db then app mandatory      # id first then then-group mandatory|optional
 * move web-group n2 for 10m           # an operator's move (ban: "ban"); "for" is optional, negative = lapsed
 * node n1 ip=RUNNING app=FAILED:2:monitor:30s   # state[:failures[:operation[:how long ago]]] per resource
 * node n2 status=leaving fail.web=3:start:5m    # status; failures of a resource that is stopped
 * left n3 ip=RUNNING web=RUNNING      # a node that left the cluster, and what it last reported
 * </pre>
 *
 * Statuses: online, leaving, standby, maintenance, no-quorum, fenced, config-mismatch. Resources get
 * agent type {@code test}; a {@code resource} line must come after the group that holds it.
 */
public final class SnapshotText {
    /** The instant {@link #parse(String)} reads times relative to. */
    public static final Instant DEFAULT_NOW = Instant.parse("2026-11-22T00:00:00Z");

    private SnapshotText() {}

    /** Parses {@code text} with times relative to {@link #DEFAULT_NOW}. */
    public static ClusterSnapshot parse(String text) {
        return parse(text, DEFAULT_NOW);
    }

    /**
     * Parses {@code text}, reading relative times ("30s ago", "for 10m") against {@code now}.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static ClusterSnapshot parse(String text, Instant now) {
        ClusterConfig.Builder config = ClusterConfig.builder();
        Map<String, GroupLine> groups = new LinkedHashMap<>();
        Map<String, String> groupOfResource = new HashMap<>();
        List<String> nodes = new ArrayList<>();
        List<String> members = null;
        boolean fenceDevice = false;
        Map<String, String[]> nodeLines = new HashMap<>();
        Map<String, String[]> leftLines = new LinkedHashMap<>();
        List<Move> moves = new ArrayList<>();
        List<Runnable> constraints = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            try {
                switch (words[0]) {
                    case "nodes" -> {
                        nodes = List.of(words).subList(1, words.length);
                        config.nodes(nodes.toArray(String[]::new));
                    }
                    case "members" -> members = List.of(words).subList(1, words.length);
                    case "migration-threshold" -> config.migrationThreshold(Integer.parseInt(arg(words, 1)));
                    case "failure-timeout" -> config.failureTimeout(duration(arg(words, 1)));
                    case "default-stickiness" -> config.defaultStickiness(Score.parse(arg(words, 1)));
                    case "maintenance-mode" -> config.maintenanceMode(Boolean.parseBoolean(arg(words, 1)));
                    case "fence-device" -> fenceDevice = Boolean.parseBoolean(arg(words, 1));
                    case "no-quorum-policy" ->
                        config.noQuorumPolicy(
                                NoQuorumPolicy.valueOf(arg(words, 1).toUpperCase(Locale.ROOT)));
                    case "group", "clone" -> {
                        boolean clone = words[0].equals("clone");
                        int first = clone ? 3 : 2;
                        int cloneMax = clone
                                ? (arg(words, 2).equals("all") ? ResourceGroup.EVERY_NODE : Integer.parseInt(words[2]))
                                : 0;
                        GroupLine g = new GroupLine(arg(words, 1), cloneMax);
                        if (groups.put(g.id, g) != null) {
                            throw new IllegalArgumentException("group " + g.id + " is configured twice");
                        }
                        for (int i = first; i < words.length; i++) {
                            g.resources.put(words[i], ResourceSpec.builder(words[i], "test"));
                            groupOfResource.put(words[i], g.id);
                        }
                    }
                    case "resource" -> {
                        String group = groupOfResource.get(arg(words, 1));
                        if (group == null) {
                            throw new IllegalArgumentException("resource " + words[1] + " is in no group above");
                        }
                        ResourceSpec.Builder b = groups.get(group).resources.get(words[1]);
                        for (int i = 2; i < words.length; i++) {
                            option(b, words[i]);
                        }
                    }
                    case "location" -> {
                        LocationConstraint c = new LocationConstraint(
                                arg(words, 1),
                                GroupId.of(arg(words, 2)),
                                NodeId.of(arg(words, 3)),
                                Score.parse(arg(words, 4)));
                        constraints.add(() -> config.location(c));
                    }
                    case "colocation" -> {
                        expect(words, 3, "with");
                        ColocationConstraint c = new ColocationConstraint(
                                arg(words, 1),
                                GroupId.of(arg(words, 2)),
                                GroupId.of(arg(words, 4)),
                                Score.parse(arg(words, 5)));
                        constraints.add(() -> config.colocation(c));
                    }
                    case "order" -> {
                        expect(words, 3, "then");
                        OrderConstraint c = new OrderConstraint(
                                arg(words, 1),
                                GroupId.of(arg(words, 2)),
                                GroupId.of(arg(words, 4)),
                                OrderConstraint.Kind.valueOf(arg(words, 5).toUpperCase(Locale.ROOT)));
                        constraints.add(() -> config.order(c));
                    }
                    case "move", "ban" -> {
                        Optional<Instant> until = Optional.empty();
                        if (words.length > 3) {
                            expect(words, 3, "for");
                            until = Optional.of(now.plus(duration(arg(words, 4))));
                        }
                        moves.add(new Move(
                                GroupId.of(arg(words, 1)), NodeId.of(arg(words, 2)), words[0].equals("ban"), until));
                    }
                    case "node" -> nodeLines.put(arg(words, 1), words);
                    case "left" -> leftLines.put(arg(words, 1), words);
                    default -> throw new IllegalArgumentException("unknown item '" + words[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + number + " '" + line + "': " + e.getMessage(), e);
            }
        }
        for (GroupLine g : groups.values()) {
            List<ResourceSpec> specs = new ArrayList<>();
            g.resources.values().forEach(b -> specs.add(b.build()));
            config.group(new ResourceGroup(GroupId.of(g.id), specs, g.cloneMax));
        }
        constraints.forEach(Runnable::run);
        List<String> memberNames = members != null ? members : nodes;
        for (String name : nodeLines.keySet()) {
            if (!memberNames.contains(name)) {
                throw new IllegalArgumentException("node line for '" + name + "', which is not a member");
            }
        }
        List<NodeInfo> infos = new ArrayList<>();
        for (String name : memberNames) {
            infos.add(node(name, nodeLines.get(name), now));
        }
        List<NodeInfo> departed = new ArrayList<>();
        for (Map.Entry<String, String[]> e : leftLines.entrySet()) {
            if (memberNames.contains(e.getKey())) {
                throw new IllegalArgumentException("node '" + e.getKey() + "' is a member, so it has not left");
            }
            departed.add(node(e.getKey(), e.getValue(), now));
        }
        NodeId creator = infos.isEmpty() ? NodeId.of("none") : infos.get(0).node();
        return new ClusterSnapshot(config.build(), new ViewId(creator, 1), infos, moves, departed, false, fenceDevice);
    }

    private static final class GroupLine {
        final String id;
        final int cloneMax;
        final Map<String, ResourceSpec.Builder> resources = new LinkedHashMap<>();

        GroupLine(String id, int cloneMax) {
            this.id = id;
            this.cloneMax = cloneMax;
        }
    }

    private static String arg(String[] words, int index) {
        if (index >= words.length) {
            throw new IllegalArgumentException("'" + words[0] + "' needs more words");
        }
        return words[index];
    }

    private static void expect(String[] words, int index, String word) {
        if (!arg(words, index).equals(word)) {
            throw new IllegalArgumentException("expected '" + word + "' where '" + words[index] + "' is");
        }
    }

    private static void option(ResourceSpec.Builder b, String word) {
        String[] kv = word.split("=", 2);
        if (kv.length != 2) {
            throw new IllegalArgumentException("'" + word + "' is not key=value");
        }
        switch (kv[0]) {
            case "stickiness" -> b.stickiness(Score.parse(kv[1]));
            case "migration-threshold" -> b.migrationThreshold(Integer.parseInt(kv[1]));
            case "failure-timeout" -> b.failureTimeout(duration(kv[1]));
            case "managed" -> b.managed(Boolean.parseBoolean(kv[1]));
            case "target-role" ->
                b.enabled(
                        switch (kv[1]) {
                            case "started" -> true;
                            case "stopped" -> false;
                            default ->
                                throw new IllegalArgumentException(
                                        "target-role '" + kv[1] + "' is neither started nor stopped");
                        });
            default -> {
                if (!kv[0].startsWith("on-fail.")) {
                    throw new IllegalArgumentException("unknown resource option '" + kv[0] + "'");
                }
                b.onFail(operation(kv[0].substring(8)), OnFail.parse(kv[1]));
            }
        }
    }

    private static Operation operation(String name) {
        return Operation.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; may be negative. */
    static Duration duration(String text) {
        return io.hastack.core.internal.Durations.parse(text);
    }

    private static NodeInfo node(String name, String[] words, Instant now) {
        NodeStatus status = NodeStatus.ONLINE;
        Map<ResourceId, ResourceState> states = new HashMap<>();
        Map<ResourceId, Failure> failures = new HashMap<>();
        for (int i = 2; words != null && i < words.length; i++) {
            String[] kv = words[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("node " + name + ": '" + words[i] + "' is not key=value");
            }
            if (kv[0].equals("status")) {
                status = NodeStatus.valueOf(kv[1].toUpperCase(Locale.ROOT).replace('-', '_'));
            } else if (kv[0].startsWith("fail.")) {
                failures.put(ResourceId.of(kv[0].substring(5)), failure(kv[1].split(":"), 0, now));
            } else {
                String[] parts = kv[1].split(":");
                states.put(ResourceId.of(kv[0]), ResourceState.valueOf(parts[0]));
                if (parts.length > 1) {
                    failures.put(ResourceId.of(kv[0]), failure(parts, 1, now));
                }
            }
        }
        return new NodeInfo(NodeId.of(name), status, states, failures);
    }

    /** {@code count[:operation[:ago]]} starting at {@code parts[from]}. */
    private static Failure failure(String[] parts, int from, Instant now) {
        int count = Integer.parseInt(parts[from]);
        Operation op = parts.length > from + 1 ? operation(parts[from + 1]) : Operation.MONITOR;
        Duration ago = parts.length > from + 2 ? duration(parts[from + 2]) : Duration.ZERO;
        return new Failure(count, now.minus(ago), op);
    }

    /**
     * Writes {@code snapshot} in this format, times relative to {@code now}, so that a live cluster's
     * state can be saved and simulated later ({@code parse(format(s, now), now)} plans as {@code s}
     * does). Agent types, parameters, timeouts and intervals are not part of the format: the planner
     * does not read them.
     */
    public static String format(ClusterSnapshot snapshot, Instant now) {
        ClusterConfig c = snapshot.config();
        StringBuilder sb = new StringBuilder();
        sb.append("nodes");
        c.nodes().forEach(n -> sb.append(' ').append(n));
        sb.append('\n');
        sb.append("members");
        snapshot.members().forEach(n -> sb.append(' ').append(n));
        sb.append('\n');
        sb.append("migration-threshold ").append(c.migrationThreshold()).append('\n');
        if (!c.failureTimeout().isZero()) {
            sb.append("failure-timeout ").append(c.failureTimeout().toMillis()).append("ms\n");
        }
        sb.append("default-stickiness ")
                .append(Score.format(c.defaultStickiness()))
                .append('\n');
        sb.append("no-quorum-policy ")
                .append(c.noQuorumPolicy().name().toLowerCase(Locale.ROOT))
                .append('\n');
        if (c.maintenanceMode() || snapshot.maintenanceMode()) {
            sb.append("maintenance-mode true\n");
        }
        if (snapshot.fenceDevice()) {
            sb.append("fence-device true\n");
        }
        for (ResourceGroup g : c.groups()) {
            sb.append(
                    g.isClone()
                            ? "clone " + g.id() + " "
                                    + (g.cloneMax() == ResourceGroup.EVERY_NODE
                                            ? "all"
                                            : Integer.toString(g.cloneMax()))
                            : "group " + g.id());
            g.resources().forEach(r -> sb.append(' ').append(r.id()));
            sb.append('\n');
        }
        for (ResourceGroup g : c.groups()) {
            for (ResourceSpec r : g.resources()) {
                StringBuilder options = new StringBuilder();
                r.stickiness().ifPresent(v -> options.append(" stickiness=").append(Score.format(v)));
                r.migrationThreshold()
                        .ifPresent(v -> options.append(" migration-threshold=").append(v));
                r.failureTimeout()
                        .ifPresent(v -> options.append(" failure-timeout=")
                                .append(v.toMillis())
                                .append("ms"));
                for (Operation op : Operation.values()) {
                    r.onFail(op)
                            .ifPresent(f -> options.append(" on-fail.")
                                    .append(op.externalName())
                                    .append('=')
                                    .append(f.externalName()));
                }
                if (!r.managed()) {
                    options.append(" managed=false");
                }
                if (!r.enabled()) {
                    options.append(" target-role=stopped");
                }
                if (options.length() > 0) {
                    sb.append("resource ").append(r.id()).append(options).append('\n');
                }
            }
        }
        c.locations()
                .forEach(l -> sb.append("location ")
                        .append(l.id())
                        .append(' ')
                        .append(l.group())
                        .append(' ')
                        .append(l.node())
                        .append(' ')
                        .append(Score.format(l.score()))
                        .append('\n'));
        c.colocations()
                .forEach(l -> sb.append("colocation ")
                        .append(l.id())
                        .append(' ')
                        .append(l.group())
                        .append(" with ")
                        .append(l.with())
                        .append(' ')
                        .append(Score.format(l.score()))
                        .append('\n'));
        c.orders()
                .forEach(o -> sb.append("order ")
                        .append(o.id())
                        .append(' ')
                        .append(o.first())
                        .append(" then ")
                        .append(o.then())
                        .append(' ')
                        .append(o.kind().externalName())
                        .append('\n'));
        for (Move m : snapshot.moves()) {
            sb.append(m.ban() ? "ban " : "move ").append(m.group()).append(' ').append(m.node());
            m.until()
                    .ifPresent(u -> sb.append(" for ")
                            .append(Duration.between(now, u).toMillis())
                            .append("ms"));
            sb.append('\n');
        }
        for (NodeInfo n : snapshot.nodes()) {
            sb.append("node ").append(n.node());
            if (n.status() != NodeStatus.ONLINE) {
                sb.append(" status=")
                        .append(n.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            sb.append(states(n, now)).append('\n');
        }
        for (NodeInfo n : snapshot.departed()) {
            sb.append("left ").append(n.node()).append(states(n, now)).append('\n');
        }
        return sb.toString();
    }

    private static String states(NodeInfo n, Instant now) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(java.util.Map.copyOf(n.states()).entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                e -> e.getKey().value(), Map.Entry::getValue)))
                .forEach((r, st) -> {
                    sb.append(' ').append(r).append('=').append(st.name());
                    Failure f = n.failures().get(ResourceId.of(r));
                    if (f != null) {
                        sb.append(':').append(failure(f, now));
                    }
                });
        new java.util.TreeMap<>(n.failCounts().entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                e -> e.getKey().value(), Map.Entry::getValue)))
                .forEach((r, count) -> {
                    if (!n.states().containsKey(ResourceId.of(r))) {
                        sb.append(" fail.")
                                .append(r)
                                .append('=')
                                .append(failure(n.failures().get(ResourceId.of(r)), now));
                    }
                });
        return sb.toString();
    }

    private static String failure(Failure f, Instant now) {
        return f.count() + ":" + f.operation().externalName() + ":"
                + Duration.between(f.last(), now).toMillis() + "ms";
    }

    /** The plan as golden files hold it: fences, actions, notes, then the scores view. */
    public static String renderPlan(Plan plan) {
        StringBuilder sb = new StringBuilder();
        plan.fences().forEach(f -> sb.append(f.describe()).append('\n'));
        plan.actions().forEach(a -> sb.append(a.describe()).append('\n'));
        plan.notes().forEach(n -> sb.append("note: ").append(n).append('\n'));
        if (sb.length() == 0) {
            sb.append("(nothing to do)\n");
        }
        plan.recheckAt().ifPresent(t -> sb.append("recheck at ").append(t).append('\n'));
        if (!plan.scores().isEmpty()) {
            sb.append("scores:\n").append(plan.scoresText());
        }
        return sb.toString();
    }
}
