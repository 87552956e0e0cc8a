package io.hastack.examples.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Timing;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ports a node launcher hands out, and when a killed node's output ends. */
class NodeProcessTest {
    /** Prints one event and waits to be killed. */
    public static final class Waiter {
        /** Entry point. */
        public static void main(String[] args) {
            System.out.println("EVENT|" + System.currentTimeMillis() + "|READY|waiter|waiting");
            System.out.flush();
            while (true) {
                LockSupport.park();
            }
        }
    }

    @Test
    void aNodeJvmsOwnOptionsComeAfterTheCommonOnesAndBeforeTheClassPath() {
        List<String> command = NodeProcess.java(List.of("-XX:SharedArchiveFile=/tmp/a.jsa", "-Xshare:on"), "M");
        int archive = command.indexOf("-XX:SharedArchiveFile=/tmp/a.jsa");
        assertTrue(archive > command.indexOf("-XX:+UseSerialGC"), command.toString());
        assertEquals("-Xshare:on", command.get(archive + 1));
        assertEquals(
                List.of("-cp", System.getProperty("java.class.path"), "M"),
                command.subList(archive + 2, command.size()));
        assertEquals(command.size() - 2, NodeProcess.java(List.of(), "M").size());
    }

    @Test
    void theEndOfAKilledJvmsOutputIsTimedAfterTheKillAndNotBefore(@TempDir Path dir) {
        NodeProcess p = NodeProcess.launchMain("waiter", Waiter.class.getName(), List.of(), dir);
        try {
            await().atMost(Timing.seconds(60))
                    .alias("the waiter's event")
                    .until(() -> p.events().stream().anyMatch(e -> e.type().equals("READY")));
            assertTrue(p.outputClosedAt().isEmpty(), "no end while it runs");
            assertTrue(p.exitCode().isEmpty(), "no exit status while it runs");
            long before = System.currentTimeMillis();
            p.kill();
            await().atMost(Timing.seconds(60))
                    .alias("the end of the killed JVM's output")
                    .until(() -> p.outputClosedAt().isPresent());
            assertTrue(p.outputClosedAt().getAsLong() >= before, "the end comes after the kill");
            await().atMost(Timing.seconds(60))
                    .alias("the exit status")
                    .until(() -> p.exitCode().isPresent());
            assertEquals(128 + 9, p.exitCode().getAsInt(), "killed by SIGKILL");
        } finally {
            p.kill();
        }
    }

    @Test
    void freePortsAreDistinctBindableWithTheirPartnersAndOutsideTheEphemeralRange() throws IOException {
        List<Integer> ports = NodeProcess.freePorts(12);
        assertEquals(12, ports.size());
        Set<Integer> all = new HashSet<>();
        for (int p : ports) {
            assertTrue(all.add(p) && all.add(p + 100), "no port or partner (+100) handed out twice: " + ports);
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
                    ServerSocket partner = new ServerSocket(p + 100, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(p + 100, partner.getLocalPort(), "port " + p + " and its partner bind");
                assertEquals(p, s.getLocalPort());
            }
        }
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            String[] bounds;
            try (BufferedReader r = Files.newBufferedReader(range)) { // one read: see ephemeralLow
                bounds = r.readLine().trim().split("\\s+");
            }
            assertEquals(2, bounds.length, "the ephemeral range read whole: " + String.join(" ", bounds));
            int low = Integer.parseInt(bounds[0]);
            assertEquals(low, NodeProcess.ephemeralLow());
            if (low > 10_101) {
                assertTrue(
                        ports.stream().allMatch(p -> p + 100 < Math.min(low, 30_101)),
                        "below the ephemeral range (from " + low + ") and 30000: " + ports);
            }
        }
    }
}
