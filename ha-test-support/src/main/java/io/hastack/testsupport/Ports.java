package io.hastack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for tests that start servers. */
public final class Ports {
    private Ports() {}

    /**
     * A port that is free now, and whose neighbour {@code port + offset} is free too (JGroups'
     * FD_SOCK2 listens at the transport's port + 100).
     */
    public static int freeWithNeighbour(int offset) {
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
}
