package io.hastack.core.runtime;

import io.hastack.core.internal.Callbacks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's event thread: every piece of the node's state lives on it, so nothing needs a lock.
 * Tasks run one at a time, in order; a task that throws is logged and the loop goes on; after
 * each task the loop runs its {@code afterEachTask} hook (the node publishes its status there).
 * Tasks posted after {@link #shutdown()} are dropped. Thread-safe.
 */
final class EventLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    private final String name;
    private final ScheduledExecutorService executor;
    private final BooleanSupplier stopping;
    private volatile Runnable afterEachTask = () -> {};
    private volatile Thread thread;

    /**
     * A loop on a daemon thread {@code ha-node-<name>}.
     *
     * @param stopping true while the node is stopping: work refused then is expected, not an error
     */
    EventLoop(String name, BooleanSupplier stopping) {
        this.name = name;
        this.stopping = stopping;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-node-" + name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Sets what runs after each task (on the loop). */
    void afterEachTask(Runnable hook) {
        this.afterEachTask = hook;
    }

    /** The loop as an executor, for parts that post their own callbacks (agent results). */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** True on the loop's thread. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop, later; dropped if the loop is shut down. */
    void post(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                    afterEachTask.run();
                } catch (RejectedExecutionException e) {
                    if (stopping.getAsBoolean()) {
                        // halted mid-task: the executors it hands work to are already shut down
                        LOG.debug("{} is stopping; dropped work: {}", name, e.toString());
                    } else {
                        LOG.error("{}: an executor refused work on the event thread", name, e);
                    }
                } catch (RuntimeException e) {
                    LOG.error("{}: unexpected error on the event thread", name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{} is closed; dropping a task", name);
        }
    }

    /** Runs {@code task} on the loop after {@code delay}; nothing if the loop is shut down. */
    void schedule(Runnable task, Duration delay) {
        try {
            ScheduledFuture<?> unused = executor.schedule(() -> post(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("{} is closed; not scheduling", name);
        }
    }

    /**
     * Runs {@code work} on the loop and completes with its result (then runs the after-task hook);
     * the future fails with {@link IllegalStateException} if the loop is shut down, or with what
     * {@code work} threw.
     */
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    T value = work.get();
                    afterEachTask.run(); // published before the caller hears of it
                    result.complete(value);
                } catch (RuntimeException e) {
                    LOG.error("{}: a command failed on the event thread", name, e);
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(
                    new IllegalStateException("node " + name + " is stopped: it takes no" + " commands", e));
        }
        return result;
    }

    /**
     * Starts {@code work} on the loop and blocks the caller (never the loop) until the future it
     * returns completes.
     *
     * @throws IllegalStateException naming {@code what} if the work failed, the loop was shut down
     *     before it completed, or the caller was interrupted
     */
    <T> T await(Supplier<CompletableFuture<T>> work, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> Callbacks.whenDone(
                work.get(),
                (v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                },
                LOG,
                what));
        try {
            while (true) {
                try {
                    return result.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    if (executor.isTerminated() && !result.isDone()) {
                        throw new IllegalStateException(
                                what + " on " + name + " did not finish: the node was stopped meanwhile");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what + " on " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed on " + name, e.getCause());
        }
    }

    /** Stops the loop; tasks already queued are dropped, the running one is interrupted. */
    void shutdown() {
        executor.shutdownNow();
    }
}
