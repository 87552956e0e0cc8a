package io.hastack.core.spi.fence;

import io.hastack.core.model.NodeId;
import java.time.Duration;

/**
 * Cuts a node off: powers it off, reboots it, or isolates it from shared storage and network. Only
 * a confirmed result lets the cluster treat the node's resources as stopped. Calls block up to
 * {@code timeout}; the runtime makes them off its event thread. Implementations are thread-safe.
 */
public interface FenceDevice {
    /** Fences {@code node}; never throws, reports failure in the result. */
    FenceResult fence(NodeId node, Duration timeout);

    /** A short description for logs and status. */
    String describe();
}
