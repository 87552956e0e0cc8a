package io.hastack.core.internal;

import io.hastack.core.model.NodeId;
import java.util.Collections;
import java.util.Set;

/**
 * The tie-break rule every {@link io.hastack.core.spi.quorum.QuorumDevice} applies, given the recorded winning partition: one
 * implementation for all devices, since it is what makes a split safe (see {@code
 * docs/design/quorum-device.md}).
 */
public final class TieRule {
    /** What a claim should do. */
    public enum Decision {
        /** The partition already holds the tie. */
        HOLDS,
        /** The partition cannot win: it shares no member with the last winner. */
        LOSES,
        /** The partition may take the tie by replacing the winner, if nobody changed it meanwhile. */
        TAKE
    }

    private TieRule() {}

    /** What {@code partition} may do, given the last winning partition {@code winner}. */
    public static Decision decide(Set<NodeId> winner, Set<NodeId> partition) {
        if (partition.containsAll(winner)) {
            return Decision.HOLDS;
        }
        return Collections.disjoint(winner, partition) ? Decision.LOSES : Decision.TAKE;
    }
}
