package io.hastack.resources.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.resources.Commands;
import io.hastack.testsupport.Prerequisites;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A network namespace with a veth pair (veth0 up with 10.50.0.1/24, veth1 up), made and removed by tests. */
final class NetNs implements AutoCloseable {
    final String name = "hs-" + UUID.randomUUID().toString().substring(0, 8);

    NetNs() {
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        run("ip", "-n", name, "link", "set", "veth0", "up");
        run("ip", "-n", name, "link", "set", "veth1", "up");
        run("ip", "-n", name, "addr", "add", "10.50.0.1/24", "dev", "veth0");
    }

    /**
     * Skips the test (fails it under CI) unless this machine lets it make namespaces and announce
     * addresses: root, iproute2, and arping (iputils-arping) for the gratuitous ARPs.
     */
    static void requirePrerequisites() {
        Prerequisites.requireRoot("network namespaces need root");
        Prerequisites.requireCommand("ip", "iproute2");
        Prerequisites.requireCommand("arping", "iputils-arping");
    }

    static void run(String... argv) {
        Commands.Result r = Commands.run(List.of(argv), Duration.ofSeconds(10));
        assertTrue(r.ok(), String.join(" ", argv) + ": " + r.describe());
    }

    /** The output of {@code ip -n NS args}. */
    String ip(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "-n", name));
        argv.addAll(List.of(args));
        return Commands.run(argv, Duration.ofSeconds(10)).output();
    }

    @Override
    public void close() {
        Commands.run(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
    }
}
