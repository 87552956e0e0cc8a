package io.hastack.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * The baseline's ZooKeeper, in a JVM of its own so that a candidate's SIGKILL is a real crash:
 * {@code BenchZooKeeper [--tick-ms 200]}. Starts curator-test's {@link TestingServer} on a free
 * port with that {@code tickTime} (ZooKeeper then accepts sessions from 2 to 20 ticks), prints
 * {@code EVENT|epochMillis|ZK_READY|connectString|tickTime N ms} on stdout, and runs until its
 * stdin ends or reads {@code quit}.
 */
public final class BenchZooKeeper {
    private BenchZooKeeper() {}

    /** Runs the server until stdin ends. */
    public static void main(String[] args) throws IOException {
        int tick = args.length == 2 && args[0].equals("--tick-ms") ? Integer.parseInt(args[1]) : 200;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, tick, -1, Map.of(), "127.0.0.1");
        try (TestingServer server = start(spec)) {
            out.println("EVENT|" + System.currentTimeMillis() + "|ZK_READY|" + server.getConnectString() + "|tickTime "
                    + tick + " ms");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.trim().equals("quit"); line = in.readLine()) {
                // nothing else to do
            }
        }
        System.exit(0);
    }

    @SuppressWarnings("IllegalCatch") // TestingServer's constructor throws Exception
    private static TestingServer start(InstanceSpec spec) {
        try {
            return new TestingServer(spec, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded ZooKeeper on port " + spec.getPort(), e);
        }
    }
}
