package io.hastack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for tests that start servers. */
public final class Ports {
    private Ports() {}

    /** The lowest port chosen at random. */
    static final int FROM = 10_000;

    /** The port a random choice stays below at most: Kubernetes' NodePort range begins at 30000. */
    static final int TO = 30_000;

    /**
     * A port that is free now, and whose neighbour {@code port + offset} is free too (JGroups'
     * FD_SOCK2 listens at the transport's port + 100). Both are chosen at random below the kernel's
     * ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}) and 30000 when there is room:
     * a port from the ephemeral range, released until the server binds it, can meanwhile be taken by
     * any server on port 0 or any outgoing connection's source port. Without that file, or room
     * below it, from the ephemeral range. Another program may still take one first.
     */
    @SuppressWarnings("try") // the sockets only prove the ports are free
    public static int freeWithNeighbour(int offset) {
        int below = Math.min(ephemeralLow(), TO) - offset;
        java.util.Random random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; below > FROM && attempt < 1000; attempt++) {
            int p = FROM + random.nextInt(below - FROM);
            try (ServerSocket s = new ServerSocket(p);
                    ServerSocket neighbour = new ServerSocket(p + offset)) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int p = s.getLocalPort();
                if (p + offset < 65536) {
                    try (ServerSocket neighbour = new ServerSocket(p + offset)) {
                        return neighbour.getLocalPort() - offset;
                    } catch (IOException busy) {
                        // try another
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port with a free neighbour at +" + offset + " after 100 tries");
    }

    /** The first port of the kernel's ephemeral range; 0 if it cannot be read. */
    static int ephemeralLow() {
        // One read from offset 0: a sysctl file answers a read at a later offset with end of file.
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(
                java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = r.readLine();
            return range == null ? 0 : Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
