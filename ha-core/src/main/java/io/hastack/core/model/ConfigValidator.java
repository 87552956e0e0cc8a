package io.hastack.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cross-checks of a {@link ClusterConfig}: references, cycles and contradictions. Each failure is
 * an {@link IllegalArgumentException} that names the constraint and the reason.
 */
final class ConfigValidator {
    private ConfigValidator() {}

    static void validate(ClusterConfig config) {
        Set<GroupId> groups = new HashSet<>();
        config.groups().forEach(g -> groups.add(g.id()));
        Set<String> ids = new HashSet<>();
        for (LocationConstraint c : config.locations()) {
            unique(ids, c.id());
            known(groups, c.group(), "location " + c.id());
            if (!config.nodes().isEmpty() && !config.nodes().contains(c.node())) {
                throw new IllegalArgumentException(
                        "location " + c.id() + ": node " + c.node() + " is not in the node list " + config.nodes());
            }
        }
        for (ColocationConstraint c : config.colocations()) {
            unique(ids, c.id());
            known(groups, c.group(), "colocation " + c.id());
            known(groups, c.with(), "colocation " + c.id());
            if (config.group(c.group()).orElseThrow().isClone()) {
                throw new IllegalArgumentException("colocation " + c.id() + ": group " + c.group()
                        + " is a clone; a clone can be the with-group of a colocation, not the dependent one");
            }
        }
        for (OrderConstraint c : config.orders()) {
            unique(ids, c.id());
            known(groups, c.first(), "order " + c.id());
            known(groups, c.then(), "order " + c.id());
        }
        noCycle(
                "order",
                config.orders().stream()
                        .map(c -> new Edge(c.id(), c.first(), c.then()))
                        .toList());
        noCycle(
                "colocation",
                config.colocations().stream()
                        .map(c -> new Edge(c.id(), c.with(), c.group()))
                        .toList());
        locationsAgree(config);
        colocationsPossible(config);
    }

    private static void unique(Set<String> ids, String id) {
        if (!ids.add(id)) {
            throw new IllegalArgumentException("constraint id " + id + " is used twice");
        }
    }

    private static void known(Set<GroupId> groups, GroupId group, String where) {
        if (!groups.contains(group)) {
            throw new IllegalArgumentException(where + ": unknown group " + group);
        }
    }

    private record Edge(String id, GroupId from, GroupId to) {}

    /** Rejects a cycle among {@code edges}, naming the constraints that form it. */
    private static void noCycle(String kind, List<Edge> edges) {
        Map<GroupId, List<Edge>> out = new LinkedHashMap<>();
        edges.forEach(e -> out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e));
        Map<GroupId, Integer> mark = new HashMap<>(); // 1 = on the path, 2 = done
        for (GroupId start : out.keySet()) {
            List<Edge> path = new ArrayList<>();
            Optional<List<Edge>> cycle = visit(start, out, mark, path);
            if (cycle.isPresent()) {
                List<String> names = cycle.get().stream()
                        .map(e -> e.id() + " (" + e.from() + " -> " + e.to() + ")")
                        .toList();
                throw new IllegalArgumentException(kind + " constraints form a cycle: " + String.join(", ", names));
            }
        }
    }

    private static Optional<List<Edge>> visit(
            GroupId g, Map<GroupId, List<Edge>> out, Map<GroupId, Integer> mark, List<Edge> path) {
        Integer m = mark.get(g);
        if (m != null && m == 2) {
            return Optional.empty();
        }
        if (m != null) {
            int from = 0;
            while (!path.get(from).from().equals(g)) {
                from++;
            }
            return Optional.of(List.copyOf(path.subList(from, path.size())));
        }
        mark.put(g, 1);
        for (Edge e : out.getOrDefault(g, List.of())) {
            path.add(e);
            Optional<List<Edge>> cycle = visit(e.to(), out, mark, path);
            if (cycle.isPresent()) {
                return cycle;
            }
            path.remove(path.size() - 1);
        }
        mark.put(g, 2);
        return Optional.empty();
    }

    /** No group is both required on and banned from a node, nor banned from every node. */
    private static void locationsAgree(ClusterConfig config) {
        Map<GroupId, Map<NodeId, LocationConstraint>> pinned = pinned(config, Score.INFINITY);
        Map<GroupId, Map<NodeId, LocationConstraint>> banned = pinned(config, -Score.INFINITY);
        pinned.forEach((group, nodes) -> nodes.forEach((node, pin) -> {
            LocationConstraint ban = banned.getOrDefault(group, Map.of()).get(node);
            if (ban != null) {
                throw new IllegalArgumentException("location " + ban.id() + " bans group " + group + " from " + node
                        + ", where location " + pin.id() + " requires it (+INFINITY)");
            }
        }));
        if (!config.nodes().isEmpty()) {
            banned.forEach((group, nodes) -> {
                if (nodes.keySet().containsAll(config.nodes())) {
                    throw new IllegalArgumentException("location constraints "
                            + nodes.values().stream()
                                    .map(LocationConstraint::id)
                                    .toList() + " ban group " + group
                            + " from every node: it could never run");
                }
            });
        }
    }

    /** A group that must run with (or apart from) another must not be banned where the other must be. */
    private static void colocationsPossible(ClusterConfig config) {
        Map<GroupId, Map<NodeId, LocationConstraint>> pinned = pinned(config, Score.INFINITY);
        Map<GroupId, Map<NodeId, LocationConstraint>> banned = pinned(config, -Score.INFINITY);
        for (ColocationConstraint c : config.colocations()) {
            if (!c.mandatory()) {
                continue;
            }
            Map<NodeId, LocationConstraint> withPinned = pinned.getOrDefault(c.with(), Map.of());
            for (Map.Entry<NodeId, LocationConstraint> pin : withPinned.entrySet()) {
                NodeId node = pin.getKey();
                if (c.score() > 0) {
                    LocationConstraint ban =
                            banned.getOrDefault(c.group(), Map.of()).get(node);
                    if (ban != null) {
                        throw new IllegalArgumentException("colocation " + c.id() + " puts " + c.group() + " with "
                                + c.with() + ", which location "
                                + pin.getValue().id() + " puts on " + node
                                + ", but location " + ban.id() + " bans " + c.group() + " from " + node);
                    }
                    pinned.getOrDefault(c.group(), Map.of()).forEach((other, own) -> {
                        if (!other.equals(node)) {
                            throw new IllegalArgumentException("colocation " + c.id() + " puts " + c.group()
                                    + " with " + c.with() + ", but location " + own.id() + " puts " + c.group()
                                    + " on " + other + " and location "
                                    + pin.getValue().id() + " puts " + c.with()
                                    + " on " + node);
                        }
                    });
                } else {
                    LocationConstraint own =
                            pinned.getOrDefault(c.group(), Map.of()).get(node);
                    if (own != null) {
                        throw new IllegalArgumentException("colocation " + c.id() + " keeps " + c.group()
                                + " apart from " + c.with() + ", but locations " + own.id() + " and "
                                + pin.getValue().id() + " put both on " + node);
                    }
                }
            }
        }
    }

    private static Map<GroupId, Map<NodeId, LocationConstraint>> pinned(ClusterConfig config, int score) {
        Map<GroupId, Map<NodeId, LocationConstraint>> result = new HashMap<>();
        for (LocationConstraint c : config.locations()) {
            if (c.score() == score) {
                result.computeIfAbsent(c.group(), k -> new LinkedHashMap<>()).putIfAbsent(c.node(), c);
            }
        }
        return result;
    }
}
