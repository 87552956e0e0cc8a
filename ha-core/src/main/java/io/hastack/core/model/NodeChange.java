package io.hastack.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One change of the node list: a node added at its end, or a node removed. The node list changes
 * one node at a time, so that any majority of the list before and any majority of the list after
 * share a node (see {@code docs/design/node-list-changes.md}).
 *
 * @param node the node added or removed
 * @param added true if {@code node} was added, false if it was removed
 */
public record NodeChange(NodeId node, boolean added) {
    /** Checks the node. */
    public NodeChange {
        java.util.Objects.requireNonNull(node, "node");
    }

    /**
     * The change that turns {@code before} into {@code after}, if they differ by exactly one node
     * added at the end or one node removed (the others in the same order); empty otherwise.
     */
    public static Optional<NodeChange> between(List<NodeId> before, List<NodeId> after) {
        if (after.size() == before.size() + 1
                && after.subList(0, before.size()).equals(before)
                && !before.contains(after.get(before.size()))) {
            return Optional.of(new NodeChange(after.get(before.size()), true));
        }
        if (after.size() + 1 == before.size()) {
            for (int i = 0; i < before.size(); i++) {
                List<NodeId> without = new ArrayList<>(before);
                NodeId removed = without.remove(i);
                if (without.equals(after)) {
                    return Optional.of(new NodeChange(removed, false));
                }
            }
        }
        return Optional.empty();
    }

    /** "node4 added" or "node4 removed". */
    public String describe() {
        return node + (added ? " added" : " removed");
    }
}
