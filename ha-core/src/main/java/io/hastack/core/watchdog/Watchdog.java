package io.hastack.core.watchdog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The watchdog process: {@code java -cp ha-core.jar io.hastack.core.watchdog.Watchdog NODE_PID}. It
 * reads the node's lease from its standard input, one line per renewal ({@code lease MILLIS}: the
 * lease holds for that much longer; {@code none}: it does not hold, which after a lease that held
 * counts as its end; {@code exit}: the node closes
 * cleanly, exit without killing anything), and every {@value #TICK_MS} ms
 * notes the node's descendants. When a lease that held runs out without renewal, it kills (SIGKILL)
 * every descendant of the node but itself, once; when its input ends (the node exited), it kills
 * what it last saw and exits. Plain JDK, no logging library: it must start fast and stay small.
 */
public final class Watchdog {
    /** How often the watchdog looks at the clock and the node's descendants. */
    static final int TICK_MS = 10;

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
        reader.start();
        Map<Long, ProcessHandle> seen = new HashMap<>();
        long self = ProcessHandle.current().pid();
        while (true) {
            seen.clear();
            node.get().descendants().filter(p -> p.pid() != self).forEach(p -> seen.put(p.pid(), p));
            long now = System.nanoTime();
            if (state.exiting()) {
                return;
            }
            boolean ended = state.ended();
            if (ended || state.expired(now)) {
                if (!seen.isEmpty()) {
                    System.err.println("watchdog: node " + nodePid
                            + (ended ? " is gone" : " did not renew its lease")
                            + "; killing its processes " + seen.keySet());
                }
                seen.values().forEach(ProcessHandle::destroyForcibly);
                if (ended) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MS));
        }
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
                } else if (line.startsWith("lease ") && line.substring(6).matches("[0-9]{1,12}")) {
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
    private static final class State {
        private boolean holding;
        private boolean lapsed;
        private long until;
        private boolean ended;
        private boolean exiting;

        synchronized void exit() {
            exiting = true;
        }

        synchronized boolean exiting() {
            return exiting;
        }

        synchronized void lease(long untilNanos) {
            holding = true;
            until = untilNanos;
        }

        /** The node says its lease lapsed: what it runs is killed now, as at an expiry. */
        synchronized void none() {
            if (holding) {
                holding = false;
                lapsed = true;
            }
        }

        synchronized void end() {
            ended = true;
        }

        synchronized boolean ended() {
            return ended;
        }

        /** True once, when a lease that held has run out or the node said it lapsed. */
        synchronized boolean expired(long now) {
            if (lapsed || (holding && now - until >= 0)) {
                holding = false;
                lapsed = false;
                return true;
            }
            return false;
        }
    }
}
