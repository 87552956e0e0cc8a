package io.hastack.core.model;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An ordered list of resources that run together on one node: started in list order, stopped in
 * reverse order, and moved as a unit.
 *
 * @param id the group's identifier, unique in the cluster
 * @param resources the members in start order; at least one, identifiers unique
 */
public record ResourceGroup(GroupId id, List<ResourceSpec> resources) {
    /** Validates and copies the member list. */
    public ResourceGroup {
        if (id == null) {
            throw new IllegalArgumentException("group id must not be null");
        }
        resources = List.copyOf(resources);
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("group " + id + " has no resources");
        }
        Set<ResourceId> seen = new HashSet<>();
        for (ResourceSpec r : resources) {
            if (!seen.add(r.id())) {
                throw new IllegalArgumentException("group " + id + " lists resource " + r.id() + " twice");
            }
        }
    }

    /** A group named {@code id} with {@code resources} in start order. */
    public static ResourceGroup of(String id, ResourceSpec... resources) {
        return new ResourceGroup(GroupId.of(id), List.of(resources));
    }

    /** The member with identifier {@code resource}, if any. */
    public Optional<ResourceSpec> resource(ResourceId resource) {
        return resources.stream().filter(r -> r.id().equals(resource)).findFirst();
    }
}
