package io.hastack.core.spi.quorum;

import io.hastack.core.model.ResourceId;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to {@link QuorumDevice#claimTieTakingEpochs}: whether the partition holds the tie, and
 * the fencing epochs the device took with the claim (none if the tie is lost, or if the device took
 * none: the plan then takes them with {@link QuorumDevice#nextEpochs}).
 *
 * @param held true if the partition holds the tie now
 * @param epochs the next epoch of each resource taken with the claim; empty unless {@code held}
 */
public record TieClaim(boolean held, Map<ResourceId, Long> epochs) {
    /** A lost claim: no tie, no epochs. */
    public static final TieClaim LOST = new TieClaim(false, Map.of());

    /** Checks that a lost claim carries no epochs and that every epoch is positive. */
    public TieClaim {
        epochs = Map.copyOf(Objects.requireNonNull(epochs, "epochs"));
        if (!held && !epochs.isEmpty()) {
            throw new IllegalArgumentException("a lost tie claim took epochs: " + epochs);
        }
        epochs.forEach((r, e) -> {
            if (e < 1) {
                throw new IllegalArgumentException("epoch " + e + " of " + r + " is not positive");
            }
        });
    }

    /** A claim that holds the tie, with the epochs taken with it. */
    public static TieClaim held(Map<ResourceId, Long> epochs) {
        return new TieClaim(true, epochs);
    }
}
