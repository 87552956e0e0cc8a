package io.hastack.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ports a node launcher hands out. */
class NodeProcessTest {
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
