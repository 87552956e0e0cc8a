package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.fence.FenceDevice;
import io.hastack.core.spi.fence.FenceResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs the cluster's fence device off the event thread (a fence may take up to its timeout) and
 * hands the result back through {@code post}. An exception from the device is a failed fence that
 * names it. Thread-safe.
 */
final class FenceRunner {
    private final Optional<FenceDevice> device;
    private final Duration timeout;
    private final Consumer<Runnable> post;
    private final ExecutorService calls;

    FenceRunner(String node, Optional<FenceDevice> device, Duration timeout, Consumer<Runnable> post) {
        this.device = device;
        this.timeout = timeout;
        this.post = post;
        this.calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ha-fence-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    /** True if the cluster has a fence device. */
    boolean available() {
        return device.isPresent();
    }

    /** Fences {@code node}; completes through {@code post}. Empty without a device. */
    Optional<CompletableFuture<FenceResult>> fence(NodeId node) {
        return device.map(d -> {
            CompletableFuture<FenceResult> result = new CompletableFuture<>();
            calls.execute(() -> {
                FenceResult r;
                try {
                    r = d.fence(node, timeout);
                } catch (RuntimeException e) {
                    r = FenceResult.failed(d.describe() + " threw " + e);
                }
                FenceResult done = r;
                post.accept(() -> result.complete(done));
            });
            return result;
        });
    }

    /** Stops the fence threads (a running fence is interrupted). */
    void shutdown() {
        calls.shutdownNow();
    }
}
