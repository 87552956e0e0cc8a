package io.hastack.examples.nemesis;

import java.time.Duration;

/**
 * Command line of the nemesis: {@code NemesisRun [--faults N] [--seed S] [--nodes 2|3] [--hold-ms H]
 * [--zookeeper host:port] [--node-changes true]} (the file quorum device unless a ZooKeeper ensemble
 * is given; with node changes, a fourth node is added to the node list and removed again at run time).
 * Prints the fault history and the counts (faults injected, double activations, lost resources,
 * worst recovery time); exits 1 if a safety check failed, printing the seed to reproduce it.
 */
public final class NemesisRun {
    private NemesisRun() {}

    /** Runs the nemesis. */
    public static void main(String[] args) {
        // Thousands of faults make the nodes log a lot; the report says what matters.
        System.setProperty("org.slf4j.simpleLogger.log.io.hastack", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.jgroups", "error");
        int faults = 1000;
        long seed = System.nanoTime();
        int nodes = 3;
        long hold = 3000;
        String zookeeper = null;
        boolean nodeChanges = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--faults" -> faults = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--hold-ms" -> hold = Long.parseLong(args[i + 1]);
                case "--zookeeper" -> zookeeper = args[i + 1];
                case "--node-changes" -> nodeChanges = Boolean.parseBoolean(args[i + 1]);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; usage: NemesisRun [--faults N] [--seed S] [--nodes 2|3] [--hold-ms H]"
                            + " [--zookeeper host:port] [--node-changes true]");
            }
        }
        System.out.printf(
                "nemesis: %d faults on %d nodes, seed %d, faults held up to %d ms%n", faults, nodes, seed, hold);
        Nemesis.Report report = Nemesis.run(
                new Nemesis.Config(
                        seed, faults, nodes, Duration.ofMillis(hold), Duration.ofSeconds(30), zookeeper, nodeChanges),
                line -> System.out.println("  " + line));
        if (!report.passed()) {
            report.history().forEach(h -> System.out.println("  " + h));
        }
        System.out.println(report.summary());
        System.exit(report.passed() ? 0 : 1);
    }
}
