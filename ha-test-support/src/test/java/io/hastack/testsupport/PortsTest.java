package io.hastack.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Free ports come from below the kernel's ephemeral range, where nothing takes them at random. */
class PortsTest {
    @Test
    void aPortAndItsNeighbourAreFreeAndBelowTheEphemeralRange() throws Exception {
        int low = Ports.ephemeralLow();
        if (Files.isReadable(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            assertTrue(low > 1024, "the range's first port, read whole: " + low);
        }
        for (int i = 0; i < 20; i++) {
            int port = Ports.freeWithNeighbour(100);
            if (Math.min(low, Ports.TO) - 100 > Ports.FROM) {
                assertTrue(
                        port >= Ports.FROM && port + 100 < Math.min(low, Ports.TO),
                        port + " and " + (port + 100) + " are below " + Math.min(low, Ports.TO));
            }
            try (ServerSocket s = new ServerSocket(port);
                    ServerSocket neighbour = new ServerSocket(port + 100)) {
                assertTrue(s.isBound() && neighbour.isBound());
            }
        }
    }
}
