package io.hastack.core.runtime;

import io.hastack.core.model.GroupId;
import io.hastack.core.spi.check.ServiceCheck;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ServiceCheck}s of groups that started on this node: once the group's last
 * resource started here, its check is asked on a thread of its own, first after {@link #FIRST},
 * then at growing intervals up to {@link #EVERY}, until it answers (then {@code answered} is told
 * how long after the start) or {@link #WINDOW} ends (then a warning is logged). A stop of the group
 * here, or a new start, cancels the check under way, and an answer that arrives after that is
 * dropped ({@link #current}). The node's thread calls {@link #started}, {@link #stopped} and
 * {@link #current}; nothing here blocks it.
 */
final class ServiceChecks {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceChecks.class);
    /** How long after a start a check is asked before it is given up. */
    static final Duration WINDOW = Duration.ofSeconds(30);
    /** The pause after the first ask; it doubles after each, up to {@link #EVERY}. */
    static final Duration FIRST = Duration.ofMillis(10);
    /** The longest pause between two asks. */
    static final Duration EVERY = Duration.ofMillis(250);
    /** How long one ask may take. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    /** Told when a group's service answered, by the check numbered {@code check} ({@link #current}). */
    interface Answered {
        void answered(GroupId group, long check, String target, Duration afterStart);
    }

    private final String node;
    private final Map<GroupId, ServiceCheck> checks;
    private final Answered answered;
    private final ExecutorService runner;
    /** The check under way per group; the node's thread only. */
    private final Map<GroupId, Future<?>> running = new HashMap<>();
    /** The number of the latest check per group; the node's thread only. */
    private final Map<GroupId, Long> latest = new HashMap<>();
    /** The number of the last check begun; the node's thread only. */
    private long begun;

    ServiceChecks(String node, Map<GroupId, ServiceCheck> checks, Answered answered) {
        this.node = node;
        this.checks = Map.copyOf(checks);
        this.answered = answered;
        this.runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ha-service-check-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether any group has a check. */
    boolean any() {
        return !checks.isEmpty();
    }

    /** {@code group} runs here now, its last start just succeeded: asks its check, if it has one. */
    void started(GroupId group) {
        ServiceCheck check = checks.get(group);
        if (check == null) {
            return;
        }
        stopped(group);
        LOG.debug("{}: group {} started here: asking {}", node, group, check.target());
        long t0 = System.nanoTime();
        long number = ++begun;
        latest.put(group, number);
        running.put(group, runner.submit(() -> ask(group, number, check, t0)));
    }

    /** {@code group} stops or stopped here: its check under way, if any, ends. */
    void stopped(GroupId group) {
        latest.remove(group);
        Future<?> under = running.remove(group);
        if (under != null) {
            under.cancel(true);
        }
    }

    /**
     * Whether check {@code check} of {@code group} is still the one under way: no stop and no new
     * start of the group here since it began (its answer is this start's).
     */
    boolean current(GroupId group, long check) {
        return latest.getOrDefault(group, -1L) == check;
    }

    private void ask(GroupId group, long number, ServiceCheck check, long t0) {
        long deadline = t0 + WINDOW.toNanos();
        long pause = FIRST.toNanos();
        Exception last = null;
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() - deadline < 0) {
            boolean ok;
            try {
                ok = check.answers(ASK_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                ok = false;
                last = e;
            }
            if (ok) {
                LOG.info("{}: group {} answers {}", node, group, check.target());
                answered.answered(group, number, check.target(), Duration.ofNanos(System.nanoTime() - t0));
                return;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, EVERY.toNanos());
        }
        if (!Thread.currentThread().isInterrupted()) {
            LOG.warn(
                    "{}: group {} started here, but its service check {} did not answer within {} s{}",
                    node,
                    group,
                    check.target(),
                    WINDOW.toSeconds(),
                    last == null ? "" : " (last: " + last + ")");
        }
    }

    /** Ends every check under way. */
    void close() {
        runner.shutdownNow();
    }
}
