package io.hastack.examples.demo;

import io.hastack.core.runtime.HaEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the demo watches while it waits, so that it never waits blind: a node JVM that exited, and
 * a cluster that says a group cannot run (a planner note in a converged plan). Either ends the
 * demo at once with the reason, the failed actions' messages and where the logs are.
 */
final class DemoWatch {
    private static final String CANNOT_RUN = "cannot run";

    private DemoWatch() {}

    /** The first problem among {@code nodes} (each expected to be alive), if any. */
    static Optional<String> problem(List<NodeProcess> nodes) {
        for (NodeProcess n : nodes) {
            Optional<String> p = problem(n.name(), n.isAlive(), n.events(), n.log());
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    /**
     * The problem that node {@code name} shows, if any: it exited (alive is false), or it converged
     * on a plan whose notes say a group cannot run. The message quotes the note, every failed
     * action seen so far, and the end of the node's log.
     */
    static Optional<String> problem(String name, boolean alive, List<NodeProcess.Event> events, Path log) {
        if (!alive) {
            return Optional.of(name + " exited" + (events.isEmpty() ? " during start-up" : "")
                    + ". The end of its log (" + log + "):\n" + tail(log, 8) + failures(events));
        }
        // The latest converged plan is what the cluster thinks now; an earlier one may have passed.
        Optional<String> cannotRun = events.stream()
                .filter(e -> e.type().equals(HaEvent.Type.CONVERGED.name()))
                .reduce((first, second) -> second)
                .filter(e -> e.detail().contains(CANNOT_RUN))
                .map(e -> List.of(e.detail().split(";")).stream()
                        .map(String::strip)
                        .filter(s -> s.contains(CANNOT_RUN))
                        .findFirst()
                        .orElse(e.detail()));
        return cannotRun.map(note -> "the cluster says " + note.replaceFirst("^note: ", "") + failures(events)
                + "\nNode logs: " + log.getParent());
    }

    private static String failures(List<NodeProcess.Event> events) {
        StringBuilder sb = new StringBuilder();
        events.stream()
                .filter(e -> e.type().equals(HaEvent.Type.ACTION_FAILED.name()))
                .forEach(e -> sb.append("\n  failed on ")
                        .append(e.node())
                        .append(": ")
                        .append(e.detail()));
        return sb.toString();
    }

    /** The last {@code lines} lines of {@code log}, indented; a note if it cannot be read. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            StringBuilder sb = new StringBuilder();
            all.subList(Math.max(0, all.size() - lines), all.size())
                    .forEach(l -> sb.append("    ").append(l).append('\n'));
            return sb.toString().stripTrailing();
        } catch (IOException e) {
            return "    (cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
