package io.hastack.core.model;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A list of resources that run together on one node: started in list order, stopped in reverse
 * order, and moved as a unit. A resource on its own is a group of one.
 *
 * <p>An <b>unordered</b> group ({@code ordered = false}, Pacemaker's group meta-attribute {@code
 * ordered=false}, or a colocated resource set with {@code sequential=false}) still runs on one node
 * and moves as a unit, but its members do not depend on one another: they start and stop in
 * parallel, and a member that fails or is disabled is restarted or stopped alone, without the
 * members listed after it.
 *
 * <p>A <b>clone</b> ({@code cloneMax > 0}) runs one copy of the group on each of up to
 * {@code cloneMax} nodes at once, like a Pacemaker clone with {@code clone-node-max=1}: for example a
 * monitoring agent on every node. Clones are not exclusive, so the one-copy rule does not apply.
 *
 * @param id the group's identifier, unique in the cluster
 * @param resources the members in start order; at least one, identifiers unique
 * @param cloneMax 0 for an exclusive group, else the most nodes a clone runs on at once
 * @param ordered true (the default) if each member starts after the one before it and stops before
 *     it; false if the members are independent of one another
 */
public record ResourceGroup(GroupId id, List<ResourceSpec> resources, int cloneMax, boolean ordered) {
    /** Runs on as many nodes as there are (a clone's {@code cloneMax} when unbounded). */
    public static final int EVERY_NODE = Integer.MAX_VALUE;

    /**
     * Validates and copies the member list.
     *
     * @throws IllegalArgumentException naming the group and what is wrong: a null id, list or
     *     member, no member, a member listed twice, a negative clone-max
     */
    public ResourceGroup {
        if (id == null) {
            throw new IllegalArgumentException("group id must not be null");
        }
        resources = members(id, resources);
        Set<ResourceId> seen = new HashSet<>();
        for (ResourceSpec r : resources) {
            if (!seen.add(r.id())) {
                throw new IllegalArgumentException("group " + id + " lists resource " + r.id() + " twice");
            }
        }
        if (cloneMax < 0) {
            throw new IllegalArgumentException("group " + id + ": clone-max must be at least 1 for a clone (0 for an"
                    + " exclusive group), was " + cloneMax);
        }
    }

    private static List<ResourceSpec> members(GroupId id, List<ResourceSpec> resources) {
        if (resources == null) {
            throw new IllegalArgumentException("group " + id + ": resource list must not be null");
        }
        for (int i = 0; i < resources.size(); i++) {
            if (resources.get(i) == null) {
                throw new IllegalArgumentException(
                        "group " + id + ": resource " + (i + 1) + " of " + resources.size() + " must not be null");
            }
        }
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("group " + id + " has no resources");
        }
        return List.copyOf(resources);
    }

    private static List<ResourceSpec> members(GroupId id, ResourceSpec[] resources) {
        if (resources == null) {
            throw new IllegalArgumentException("group " + id + ": resource list must not be null");
        }
        return members(id, java.util.Arrays.asList(resources));
    }

    /** An ordered group: exclusive if {@code cloneMax} is 0, else a clone. */
    public ResourceGroup(GroupId id, List<ResourceSpec> resources, int cloneMax) {
        this(id, resources, cloneMax, true);
    }

    /** An exclusive, ordered group. */
    public ResourceGroup(GroupId id, List<ResourceSpec> resources) {
        this(id, resources, 0);
    }

    /**
     * This group with its members independent of one another: they start and stop in parallel,
     * and one restarts or stops without the others (see the type's description).
     */
    public ResourceGroup unordered() {
        return new ResourceGroup(id, resources, cloneMax, false);
    }

    /** A clone of {@code resources} on up to {@code cloneMax} nodes ({@link #EVERY_NODE} for all). */
    public static ResourceGroup clone(String id, int cloneMax, ResourceSpec... resources) {
        GroupId group = GroupId.of(id);
        if (cloneMax < 1) {
            throw new IllegalArgumentException("group " + id + ": clone-max must be at least 1, was " + cloneMax);
        }
        return new ResourceGroup(group, members(group, resources), cloneMax);
    }

    /** True if the group is a clone. */
    public boolean isClone() {
        return cloneMax > 0;
    }

    /** A group named {@code id} with {@code resources} in start order. */
    public static ResourceGroup of(String id, ResourceSpec... resources) {
        GroupId group = GroupId.of(id);
        return new ResourceGroup(group, members(group, resources));
    }

    /** The member with identifier {@code resource}, if any. */
    public Optional<ResourceSpec> resource(ResourceId resource) {
        return resources.stream().filter(r -> r.id().equals(resource)).findFirst();
    }
}
