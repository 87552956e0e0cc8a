package io.hastack.core.spi.membership;

import io.hastack.core.model.NodeId;
import java.util.Objects;

/**
 * Identifies one installed view: the node that created it and a sequence number. Two views with the
 * same id have the same members. Every action carries the view id it was planned in, and a node
 * refuses actions planned in a view that is not its current one.
 *
 * @param creator the node that installed the view (its coordinator)
 * @param sequence the view number, increasing with each view the creator installs
 */
public record ViewId(NodeId creator, long sequence) {
    /** Validates the fields. */
    public ViewId {
        Objects.requireNonNull(creator, "creator");
    }

    @Override
    public String toString() {
        return creator + "#" + sequence;
    }
}
