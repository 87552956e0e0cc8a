package io.hastack.core.internal;

import io.hastack.core.model.NodeId;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The votes a partition holds: one per configured node that is a member. Members that are not
 * configured have no vote.
 *
 * @param present the configured nodes in the partition, sorted
 * @param total the number of configured nodes
 */
public record Votes(Set<NodeId> present, int total) {
    /** Copies the set. */
    public Votes {
        present = Set.copyOf(new TreeSet<>(present));
    }

    /** The votes of a partition with {@code members}, in a cluster of {@code configured} nodes. */
    public static Votes of(List<NodeId> configured, Collection<NodeId> members) {
        Set<NodeId> present = new TreeSet<>(members);
        present.retainAll(configured);
        return new Votes(present, configured.size());
    }

    /** More than half of all votes: quorate without a tie-break. */
    public boolean isMajority() {
        return present.size() * 2 > total;
    }

    /** Exactly half of all votes: quorate only with the quorum device's tie-break. */
    public boolean isTie() {
        return total > 0 && present.size() * 2 == total;
    }

    @Override
    public String toString() {
        return present.size() + " of " + total + " votes " + new TreeSet<>(present);
    }
}
