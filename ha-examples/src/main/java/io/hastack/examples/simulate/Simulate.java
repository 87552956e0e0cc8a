package io.hastack.examples.simulate;

import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.plan.SnapshotText;
import io.hastack.core.simulate.Simulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What would happen if ...: {@code Simulate --snapshot FILE [--scores] --event "node-fails n1"
 * [--event ...]}. Loads a saved snapshot ({@link SnapshotText}, times relative to now), applies the
 * events in order and prints every plan the cluster's planner would make, with reasons, assuming
 * each action succeeds; {@code --scores} adds the placement scores behind each plan (as
 * {@code crm_simulate -s}). Touches nothing.
 */
public final class Simulate {
    private Simulate() {}

    /** Runs the simulation; exits 2 on bad input, with the reason. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with {@code args}, printing to {@code out}; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path snapshot = null;
        List<String> events = new ArrayList<>();
        boolean scores = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--scores")) {
                scores = true;
            } else if (args[i].equals("--snapshot") && i + 1 < args.length) {
                snapshot = Path.of(args[++i]);
            } else if (args[i].equals("--event") && i + 1 < args.length) {
                events.add(args[++i]);
            } else {
                err.println("usage: Simulate --snapshot FILE [--scores] [--event \"node-fails N\" | \"node-leaves N\""
                        + " | \"standby N\" | \"monitor-fails R on N\"]...; unexpected '" + args[i] + "'");
                return 2;
            }
        }
        if (snapshot == null) {
            err.println("usage: Simulate --snapshot FILE [--event ...]...: --snapshot is required");
            return 2;
        }
        try {
            Instant now = Instant.now();
            Simulator.Simulation s = new Simulator(new DefaultPlanner())
                    .run(
                            SnapshotText.parse(Files.readString(snapshot, StandardCharsets.UTF_8), now),
                            Simulator.parseEvents(events),
                            now);
            out.print(s.render(scores));
            return 0;
        } catch (IOException e) {
            err.println("cannot read " + snapshot + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(snapshot + ": " + e.getMessage());
            return 2;
        }
    }
}
