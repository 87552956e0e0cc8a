package io.hastack.server.cli;

import io.hastack.core.internal.Names;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The CLI's edits of a configuration model, made with the model's builders: each returns a new
 * {@link ClusterConfig} and leaves its argument alone. An unknown id is refused naming the closest
 * known one; a value the builders refuse is refused with their message. Every refusal is a {@link
 * CliException} with {@link Hastack#EXIT_REFUSED}. Stateless.
 */
final class ConfigEdit {
    private ConfigEdit() {}

    /** {@code c} with {@code groups} and the constraints that {@code keep} keeps. */
    static ClusterConfig rebuild(ClusterConfig c, List<ResourceGroup> groups, Predicate<String> keep) {
        return refusedIfInvalid(() -> builder(c, groups, keep).build());
    }

    /**
     * {@code c} with one more constraint: a {@link LocationConstraint}, {@link ColocationConstraint}
     * or {@link OrderConstraint}.
     */
    static ClusterConfig withConstraint(ClusterConfig c, Record constraint) {
        if (constraintIds(c).contains(constraintId(constraint))) {
            throw refused("constraint id '" + constraintId(constraint) + "' is in use: give another with --id,"
                    + " or remove that one first (hastack constraint remove)");
        }
        return refusedIfInvalid(() -> {
            ClusterConfig.Builder b = builder(c, c.groups(), id -> true);
            if (constraint instanceof LocationConstraint l) {
                b.location(l);
            } else if (constraint instanceof ColocationConstraint l) {
                b.colocation(l);
            } else {
                b.order((OrderConstraint) constraint);
            }
            return b.build();
        });
    }

    private static String constraintId(Record constraint) {
        if (constraint instanceof LocationConstraint l) {
            return l.id();
        }
        if (constraint instanceof ColocationConstraint l) {
            return l.id();
        }
        return ((OrderConstraint) constraint).id();
    }

    private static ClusterConfig.Builder builder(ClusterConfig c, List<ResourceGroup> groups, Predicate<String> keep) {
        ClusterConfig.Builder b = ClusterConfig.builder()
                .nodes(c.nodes().stream().map(NodeId::value).toArray(String[]::new))
                .noQuorumPolicy(c.noQuorumPolicy())
                .migrationThreshold(c.migrationThreshold())
                .defaultStickiness(c.defaultStickiness())
                .failureTimeout(c.failureTimeout())
                .maintenanceMode(c.maintenanceMode())
                .waitForAll(c.waitForAll())
                .lastManStanding(c.lastManStanding().orElse(null))
                .previousNodes(c.previousNodes());
        c.addresses().forEach(b::address);
        groups.forEach(b::group);
        c.locations().stream().filter(l -> keep.test(l.id())).forEach(b::location);
        c.colocations().stream().filter(l -> keep.test(l.id())).forEach(b::colocation);
        c.orders().stream().filter(l -> keep.test(l.id())).forEach(b::order);
        return b;
    }

    /** A builder holding everything {@code r} sets, with {@code params} as its parameters. */
    static ResourceSpec.Builder copy(ResourceSpec r, Map<String, String> params) {
        ResourceSpec.Builder b = ResourceSpec.builder(r.id().value(), r.agentType())
                .params(params)
                .monitorInterval(r.monitorInterval())
                .managed(r.managed())
                .enabled(r.enabled());
        for (Operation op : Operation.values()) {
            r.timeout(op).ifPresent(t -> b.timeout(op, t));
            r.onFail(op).ifPresent(f -> b.onFail(op, f));
        }
        r.stickiness().ifPresent(b::stickiness);
        r.migrationThreshold().ifPresent(b::migrationThreshold);
        r.failureTimeout().ifPresent(b::failureTimeout);
        return b;
    }

    /** {@code c} with the resource of {@code spec}'s id replaced by {@code spec}. */
    static ClusterConfig replace(ClusterConfig c, ResourceSpec spec) {
        List<ResourceGroup> groups = new ArrayList<>();
        for (ResourceGroup g : c.groups()) {
            List<ResourceSpec> specs = new ArrayList<>();
            g.resources().forEach(r -> specs.add(r.id().equals(spec.id()) ? spec : r));
            groups.add(new ResourceGroup(g.id(), specs, g.cloneMax(), g.ordered()));
        }
        return rebuild(c, groups, id -> true);
    }

    /**
     * {@code c} with {@code spec} in group {@code group}, after resource {@code after} if given,
     * else last; a group that does not exist is created (at the end).
     */
    static ClusterConfig add(ClusterConfig c, String group, ResourceSpec spec, Optional<String> after) {
        c.groupOf(spec.id()).ifPresent(g -> {
            throw refused("resource '" + spec.id() + "' exists already (in group " + g + "): change it with"
                    + " 'hastack resource update', or choose another id");
        });
        GroupId id = refusedIfInvalid(() -> GroupId.of(group));
        List<ResourceGroup> groups = new ArrayList<>();
        boolean found = false;
        for (ResourceGroup g : c.groups()) {
            if (!g.id().equals(id)) {
                groups.add(g);
                continue;
            }
            found = true;
            List<ResourceSpec> specs = new ArrayList<>(g.resources());
            int at = specs.size();
            if (after.isPresent()) {
                List<String> names = specs.stream().map(r -> r.id().value()).toList();
                int i = names.indexOf(after.get());
                if (i < 0) {
                    throw refused("--after: group " + g.id() + " has no resource '" + after.get() + "'"
                            + suggestion(after.get(), names) + " (it has " + names + ")");
                }
                at = i + 1;
            }
            specs.add(at, spec);
            groups.add(new ResourceGroup(g.id(), specs, g.cloneMax(), g.ordered()));
        }
        if (!found) {
            if (after.isPresent()) {
                throw refused("--after " + after.get() + ": group '" + group + "' does not exist yet, so it has no"
                        + " resource to start after (leave --after out to create the group)");
            }
            groups.add(refusedIfInvalid(() -> ResourceGroup.of(group, spec)));
        }
        return rebuild(c, groups, x -> true);
    }

    /** The constraints that name {@code group}: their ids. */
    static List<String> constraintsOf(ClusterConfig c, GroupId group) {
        List<String> ids = new ArrayList<>();
        c.locations().stream().filter(l -> l.group().equals(group)).forEach(l -> ids.add(l.id()));
        c.colocations().stream()
                .filter(l -> l.group().equals(group) || l.with().equals(group))
                .forEach(l -> ids.add(l.id()));
        c.orders().stream()
                .filter(l -> l.first().equals(group) || l.then().equals(group))
                .forEach(l -> ids.add(l.id()));
        return ids;
    }

    /** {@code c} without {@code group} and the constraints that name it. */
    static ClusterConfig withoutGroup(ClusterConfig c, GroupId group) {
        List<String> gone = constraintsOf(c, group);
        List<ResourceGroup> groups =
                c.groups().stream().filter(g -> !g.id().equals(group)).toList();
        return rebuild(c, groups, id -> !gone.contains(id));
    }

    /** {@code c} without resource {@code id}; its group is left empty only if it had one resource. */
    static ClusterConfig withoutResource(ClusterConfig c, ResourceId id) {
        GroupId group = c.groupOf(id).orElseThrow();
        ResourceGroup g = c.group(group).orElseThrow();
        if (g.resources().size() == 1) {
            return withoutGroup(c, group);
        }
        List<ResourceGroup> groups = new ArrayList<>();
        for (ResourceGroup each : c.groups()) {
            if (each.id().equals(group)) {
                List<ResourceSpec> specs = each.resources().stream()
                        .filter(r -> !r.id().equals(id))
                        .toList();
                groups.add(new ResourceGroup(each.id(), specs, each.cloneMax(), each.ordered()));
            } else {
                groups.add(each);
            }
        }
        return rebuild(c, groups, x -> true);
    }

    /** Every constraint id. */
    static List<String> constraintIds(ClusterConfig c) {
        List<String> ids = new ArrayList<>();
        c.locations().forEach(l -> ids.add(l.id()));
        c.colocations().forEach(l -> ids.add(l.id()));
        c.orders().forEach(l -> ids.add(l.id()));
        return ids;
    }

    /** The resource {@code name}, or a refusal naming the closest. */
    static ResourceSpec resource(ClusterConfig c, String name) {
        List<String> known = c.groups().stream()
                .flatMap(g -> g.resources().stream())
                .map(r -> r.id().value())
                .toList();
        return c.groups().stream()
                .flatMap(g -> g.resources().stream())
                .filter(r -> r.id().value().equals(name))
                .findFirst()
                .orElseThrow(() -> refused("no resource '" + name + "' is configured" + suggestion(name, known)));
    }

    /** The group {@code name}, or a refusal naming the closest. */
    static GroupId group(ClusterConfig c, String name) {
        List<String> known = c.groups().stream().map(g -> g.id().value()).toList();
        if (!known.contains(name)) {
            throw refused("no group '" + name + "' is configured" + suggestion(name, known));
        }
        return GroupId.of(name);
    }

    /** The node {@code name}, or a refusal naming the node list. */
    static String node(ClusterConfig c, String name) {
        List<String> known = c.nodes().stream().map(NodeId::value).toList();
        if (!known.contains(name)) {
            throw refused("no node '" + name + "' in the node list " + known + suggestion(name, known));
        }
        return name;
    }

    static String suggestion(String name, List<String> known) {
        return Names.closest(name, known)
                .map(n -> "; did you mean '" + n + "'?")
                .orElse("");
    }

    static CliException refused(String message) {
        return new CliException(Hastack.EXIT_REFUSED, message);
    }

    /** Runs {@code build}; a value the model refuses becomes a refusal with its message. */
    static <T> T refusedIfInvalid(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw refused("the change is refused: " + e.getMessage());
        }
    }
}
