package io.hastack.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * Runs a callback when a future completes, and logs what the callback throws. {@link
 * CompletableFuture#whenComplete} alone would put such an exception into a future nobody reads, so
 * a broken callback would fail silently.
 */
public final class Callbacks {
    private Callbacks() {}

    /**
     * Calls {@code callback} with the result or failure of {@code future} once it completes; an
     * exception thrown by the callback is logged on {@code log} as an error naming {@code what}.
     */
    public static <T> void whenDone(
            CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback, Logger log, String what) {
        CompletableFuture<T> unused = future.whenComplete((value, error) -> {
            try {
                callback.accept(value, error);
            } catch (RuntimeException e) {
                log.error("{}: the completion callback failed", what, e);
            }
        });
    }
}
