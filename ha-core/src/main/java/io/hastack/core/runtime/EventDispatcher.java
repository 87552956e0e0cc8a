package io.hastack.core.runtime;

import com.google.common.util.concurrent.MoreExecutors;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a node's events to its listeners: each listener on the executor it was added with, in
 * order per listener (a sequential executor over the given one); a listener that throws is logged
 * and keeps its subscription. Thread-safe.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private record Subscription(HaEventListener listener, Executor executor) {}

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    /** Adds {@code listener} for every later event, called on {@code executor}, in order. */
    void add(HaEventListener listener, Executor executor) {
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(new Subscription(
                listener, MoreExecutors.newSequentialExecutor(Objects.requireNonNull(executor, "executor"))));
    }

    /** Hands {@code event} to every listener. */
    void dispatch(HaEvent event) {
        LOG.debug("{}", event);
        for (Subscription s : subscriptions) {
            s.executor().execute(() -> {
                try {
                    s.listener().onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("event listener {} threw on {}", s.listener(), event, e);
                }
            });
        }
    }
}
