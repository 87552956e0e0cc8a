package io.hastack.core.spi.membership;

import io.hastack.core.model.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One membership view: the nodes that see each other, in a fixed order, the first being the
 * coordinator.
 *
 * @param id the view's identifier
 * @param members the members, coordinator first; never empty, no duplicates
 * @param merged whether this view merged two or more partitions (members of the other side may have
 *     run resources without us)
 */
public record View(ViewId id, List<NodeId> members, boolean merged) {
    /** Validates and copies the member list. */
    public View {
        Objects.requireNonNull(id, "id");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("view " + id + " has no members");
        }
        if (new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("view " + id + " lists a member twice: " + members);
        }
    }

    /** The coordinator: the first member. */
    public NodeId coordinator() {
        return members.get(0);
    }

    /** True if {@code node} is a member. */
    public boolean contains(NodeId node) {
        return members.contains(node);
    }

    @Override
    public String toString() {
        return (merged ? "merged view " : "view ") + id + " " + members;
    }
}
