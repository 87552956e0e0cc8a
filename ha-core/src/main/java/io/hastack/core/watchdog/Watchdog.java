package io.hastack.core.watchdog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The watchdog process: {@code java -cp ha-core.jar io.hastack.core.watchdog.Watchdog NODE_PID}. It
 * reads the node's lease from its standard input, one line per renewal ({@code lease MILLIS}: the
 * lease holds for that much longer; {@code none}: it does not hold, which after a lease that held
 * counts as its end; {@code exit}: the node closes cleanly, exit without killing anything), and
 * notes the node's descendants: every {@value #BUSY_MS} ms while they change, every {@value
 * #QUIET_MS} ms once they have not changed for {@value #SETTLE_MS} ms. A look walks every process
 * of the machine when a task was created since the last walk ({@link NewTasks}; {@link WalkRule}),
 * and {@value #BACKSTOP_MS} ms after the last walk at the latest, which notes what joined the tree in
 * the rare ways the mark does not show. When a lease that held runs
 * out without renewal, it kills (SIGKILL) every descendant of the node but itself, once, those it
 * finds then and those it noted; when its input ends (the node exited), it kills what it last noted
 * (and what is still found under the node, if it still runs), and exits. Between those it sleeps until the next look or
 * the lease's end, whichever comes first, or until the node writes a line that needs it sooner (a
 * first lease, a sooner end, {@code none}, {@code exit}, the end of its input). Before it kills on a lease's
 * end it tells the node on its standard output ({@code killing PID...}): a node that stalled
 * without noticing its lease run out then knows why its processes are gone. It answers {@code ping}
 * with {@code pong} on the same output, after every report written before. Plain JDK, no logging
 * library: it must start fast and stay small.
 */
public final class Watchdog {
    /** How often the watchdog notes the node's descendants while they change. */
    static final int BUSY_MS = 10;

    /** How often it notes them once they are steady. */
    static final int QUIET_MS = 500;

    /** How long the descendants must stay the same before the watchdog looks only every {@link #QUIET_MS}. */
    static final int SETTLE_MS = 2_000;

    /** The longest time between two walks of the process list, though no task was created. */
    static final int BACKSTOP_MS = 5_000;

    private static final Pattern MILLIS = Pattern.compile("[0-9]{1,12}");

    private Watchdog() {}

    /**
     * Runs the watchdog for the node process whose id is {@code args[0]}.
     *
     * @param args the node's process id
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].matches("[0-9]+")) {
            System.err.println("usage: Watchdog NODE_PID (got " + String.join(" ", args) + ")");
            System.exit(2);
        }
        long nodePid = Long.parseLong(args[0]);
        Optional<ProcessHandle> node = ProcessHandle.of(nodePid);
        if (node.isEmpty()) {
            System.err.println("watchdog: no process " + nodePid);
            System.exit(1);
        }
        State state = new State();
        Thread reader = new Thread(() -> read(state), "watchdog-input");
        reader.setDaemon(true);
        NewTasks tasks = new NewTasks(NewTasks.LAST_PID);
        boolean marked = tasks.movesWith(reader);
        if (!marked) {
            System.err.println("watchdog: " + NewTasks.LAST_PID
                    + " does not show new tasks here; walking every process at every look");
        }
        long self = ProcessHandle.current().pid();
        WalkRule walks = new WalkRule(TimeUnit.MILLISECONDS.toNanos(BACKSTOP_MS));
        Map<Long, ProcessHandle> seen = Map.of();
        long changed = System.nanoTime();
        long nextLook = changed;
        while (true) {
            long now = System.nanoTime();
            if (now - nextLook >= 0) {
                // Read before the walk: a task created during it moves the mark past this value.
                long mark = marked ? tasks.mark() : -1;
                boolean walk = walks.mustWalk(mark, now);
                Map<Long, ProcessHandle> found = walk ? descendants(node.get(), self) : new HashMap<>(seen);
                // What was noted and still runs stays noted: once the node has died, a look finds
                // nothing under it (its children were adopted elsewhere) before the end of its
                // input is seen. isAlive compares start times, so a reused pid is not kept.
                for (Map.Entry<Long, ProcessHandle> e : seen.entrySet()) {
                    if (!found.containsKey(e.getKey()) && e.getValue().isAlive()) {
                        found.put(e.getKey(), e.getValue());
                    }
                }
                if (!found.keySet().equals(seen.keySet())) {
                    changed = now;
                    walks.forget();
                }
                seen = found;
                boolean settled = now - changed >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
                // From the look's end: a slow look (a loaded host) still leaves a pause after it.
                nextLook = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settled ? QUIET_MS : BUSY_MS);
            }
            if (state.exiting()) {
                return;
            }
            boolean ended = state.ended();
            if (ended || state.expired(now)) {
                // Frozen node: its tree is intact, look again. A dead node's children have been
                // adopted elsewhere, and its pid may be reused: only what was noted.
                Map<Long, ProcessHandle> doomed = new HashMap<>(seen);
                if (node.get().isAlive()) {
                    doomed.putAll(descendants(node.get(), self));
                }
                // Noted between walks, some may have exited since (a dead one is not killed:
                // destroyForcibly compares start times); named only if alive.
                doomed.values().removeIf(p -> !p.isAlive());
                if (!doomed.isEmpty()) {
                    System.err.println("watchdog: node " + nodePid
                            + (ended ? " is gone" : " did not renew its lease")
                            + "; killing its processes " + doomed.keySet());
                    if (!ended) {
                        // Told before the kill, so the node can read it before it sees a process gone.
                        System.out.println("killing "
                                + doomed.keySet().stream().map(String::valueOf).collect(Collectors.joining(" ")));
                        System.out.flush();
                    }
                }
                doomed.values().forEach(ProcessHandle::destroyForcibly);
                if (ended) {
                    return;
                }
                seen = Map.of();
                changed = now;
                nextLook = now;
                walks.forget();
            }
            state.awaitChange(nextLook);
        }
    }

    private static Map<Long, ProcessHandle> descendants(ProcessHandle node, long self) {
        Map<Long, ProcessHandle> found = new HashMap<>();
        node.descendants().filter(p -> p.pid() != self).forEach(p -> found.put(p.pid(), p));
        return found;
    }

    private static void read(State state) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (line.equals("exit")) {
                    state.exit();
                    return;
                } else if (line.equals("none")) {
                    state.none();
                } else if (line.equals("ping")) {
                    // After every report written so far: the node then knows it has read them all.
                    System.out.println("pong");
                    System.out.flush();
                } else if (line.startsWith("lease ")
                        && MILLIS.matcher(line).region(6, line.length()).matches()) {
                    state.lease(now + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(line.substring(6))));
                } else {
                    System.err.println("watchdog: ignoring unknown line '" + line + "'");
                }
            }
        } catch (IOException e) {
            System.err.println("watchdog: reading from the node failed: " + e);
        }
        state.end();
    }

    /** What the node said last; shared by the reader and the main loop. */
    static final class State {
        private boolean holding;
        private boolean lapsed;
        private long until;
        private boolean ended;
        private boolean exiting;

        synchronized void exit() {
            exiting = true;
            notifyAll();
        }

        synchronized boolean exiting() {
            return exiting;
        }

        /**
         * The lease now holds until {@code untilNanos}. Only an end sooner than the one the main
         * loop may be waiting for wakes it: a later one is seen when it wakes anyway (at the next
         * look or the old end), which saves it a wake-up per renewal.
         */
        synchronized void lease(long untilNanos) {
            boolean sooner = !holding || untilNanos - until < 0;
            holding = true;
            until = untilNanos;
            if (sooner) {
                notifyAll();
            }
        }

        /** The node says its lease lapsed: what it runs is killed now, as at an expiry. */
        synchronized void none() {
            if (holding) {
                holding = false;
                lapsed = true;
                notifyAll();
            }
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }

        /**
         * Waits until the node writes something, the lease ends or {@code deadline} (monotonic
         * nanos), whichever comes first.
         */
        synchronized void awaitChange(long deadline) throws InterruptedException {
            long wake = holding && until - deadline < 0 ? until : deadline;
            long wait = wake - System.nanoTime();
            if (wait > 0 && !exiting && !ended && !lapsed) {
                TimeUnit.NANOSECONDS.timedWait(this, wait);
            }
        }

        synchronized boolean ended() {
            return ended;
        }

        /** True once, when a lease that held has run out or the node said it lapsed. */
        synchronized boolean expired(long now) {
            if (lapsed) {
                lapsed = false; // a lease that came after the lapse still holds
                return true;
            }
            if (holding && now - until >= 0) {
                holding = false;
                return true;
            }
            return false;
        }
    }
}
