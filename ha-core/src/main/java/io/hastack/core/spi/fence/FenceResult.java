package io.hastack.core.spi.fence;

import java.util.Objects;

/**
 * How a fencing attempt ended.
 *
 * @param confirmed true only if the device confirmed the node is off (or cut off)
 * @param message what the device said, for logs and status
 */
public record FenceResult(boolean confirmed, String message) {
    /** Validates the fields. */
    public FenceResult {
        Objects.requireNonNull(message, "message");
    }

    /** A confirmed fence. */
    public static FenceResult confirmed(String message) {
        return new FenceResult(true, message);
    }

    /** A failed fence: the node may still run. */
    public static FenceResult failed(String message) {
        return new FenceResult(false, message);
    }
}
