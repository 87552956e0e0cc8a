package io.hastack.core.runtime;

import com.google.common.util.concurrent.MoreExecutors;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a node's events (or monitor results) to its listeners: each listener on the executor it
 * was added with, in order per listener (a sequential executor over the given one); a listener that
 * throws is logged and keeps its subscription. Thread-safe.
 *
 * @param <T> what is delivered
 */
final class EventDispatcher<T> {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private record Subscription<T>(Object listener, Consumer<? super T> delivery, Executor executor) {}

    private final List<Subscription<T>> subscriptions = new CopyOnWriteArrayList<>();

    /**
     * Adds {@code listener} for every later item, handed to it by {@code delivery} on {@code
     * executor}, in order.
     */
    void add(Object listener, Consumer<? super T> delivery, Executor executor) {
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(new Subscription<>(
                listener,
                Objects.requireNonNull(delivery, "delivery"),
                MoreExecutors.newSequentialExecutor(Objects.requireNonNull(executor, "executor"))));
    }

    /** Hands {@code item} to every listener. */
    void dispatch(T item) {
        for (Subscription<T> s : subscriptions) {
            s.executor().execute(() -> {
                try {
                    s.delivery().accept(item);
                } catch (RuntimeException e) {
                    LOG.warn("listener {} threw on {}", s.listener(), item, e);
                }
            });
        }
    }
}
