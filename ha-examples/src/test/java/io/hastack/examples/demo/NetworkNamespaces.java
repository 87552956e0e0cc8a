package io.hastack.examples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network for multi-process tests: one network namespace per node, each with a veth
 * whose other end is on a bridge in the root namespace, addresses {@code 10.77.N.1}, {@code .2}, ...
 * A partition takes a node's veth off the bridge, so that its traffic is dropped both ways (no reset,
 * no error: as a pulled cable), and a heal puts it back. Needs root and iproute2; {@link #close}
 * removes everything it made.
 */
final class NetworkNamespaces implements AutoCloseable {
    private final String id = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    private final int subnet = 1 + ThreadLocalRandom.current().nextInt(250);
    private final int size;
    private final List<String> made = new ArrayList<>();

    NetworkNamespaces(int size) {
        this.size = size;
        try {
            ip("link", "add", bridge(), "type", "bridge");
            made.add("bridge");
            ip("link", "set", bridge(), "up");
            for (int i = 1; i <= size; i++) {
                ip("netns", "add", namespace(i));
                made.add(namespace(i));
                ip("link", "add", outside(i), "type", "veth", "peer", "name", inside(i));
                ip("link", "set", inside(i), "netns", namespace(i));
                inNamespace(i, "ip", "addr", "add", address(i) + "/24", "dev", inside(i));
                inNamespace(i, "ip", "link", "set", inside(i), "up");
                inNamespace(i, "ip", "link", "set", "lo", "up");
                ip("link", "set", outside(i), "master", bridge());
                ip("link", "set", outside(i), "up");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private String bridge() {
        return "hsbr" + id;
    }

    private String namespace(int i) {
        return "hs" + id + "n" + i;
    }

    private String outside(int i) {
        return "hs" + id + "o" + i;
    }

    private String inside(int i) {
        return "hs" + id + "i" + i;
    }

    /** Node {@code i}'s address (1-based). */
    String address(int i) {
        return "10.77." + subnet + "." + i;
    }

    /** The command prefix that runs a program in node {@code i}'s namespace. */
    List<String> prefix(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Cuts node {@code i} off from the others: its traffic is dropped both ways. */
    void partition(int i) {
        ip("link", "set", outside(i), "nomaster");
    }

    /** Ends {@link #partition}. */
    void heal(int i) {
        ip("link", "set", outside(i), "master", bridge());
    }

    private void inNamespace(int i, String... command) {
        List<String> argv = new ArrayList<>(prefix(i));
        argv.addAll(List.of(command));
        run(argv);
    }

    private static void ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + argv, e);
        }
    }

    @Override
    public void close() {
        for (int i = 1; i <= size; i++) {
            if (made.contains(namespace(i))) {
                try {
                    ip("netns", "del", namespace(i)); // takes its veth pair with it
                } catch (RuntimeException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        }
        if (made.contains("bridge")) {
            try {
                ip("link", "del", bridge());
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
    }
}
