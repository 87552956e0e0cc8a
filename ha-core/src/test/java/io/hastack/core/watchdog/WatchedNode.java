package io.hastack.core.watchdog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A stand-in node JVM for {@link NodeWatchdogTest}: starts its watchdog with a lease of one
 * minute, then, for every {@code spawn} line on its standard input, starts {@code sleep 120} (no
 * parent-death signal) and prints {@code child PID}; on {@code lapse} it tells the watchdog that
 * its lease lapsed. The test kills it with SIGKILL.
 */
final class WatchedNode {
    private WatchedNode() {}

    public static void main(String[] args) throws Exception {
        NodeWatchdog watchdog = NodeWatchdog.start("watched", Duration.ZERO);
        watchdog.leaseUntil(
                OptionalLong.of(System.nanoTime() + Duration.ofMinutes(1).toNanos()), System.nanoTime());
        System.out.println("watchdog " + watchdog.pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("spawn")) {
                Process child = new ProcessBuilder("sleep", "120").start();
                System.out.println("child " + child.pid());
            } else if (line.equals("lapse")) {
                watchdog.leaseUntil(OptionalLong.empty(), System.nanoTime());
            }
        }
    }
}
