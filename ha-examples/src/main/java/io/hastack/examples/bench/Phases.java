package io.hastack.examples.bench;

import io.hastack.examples.demo.NodeProcess.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phases of one failover, in ms after the fault, read from the events the node JVMs (or the
 * Curator candidates) printed: a pure function of the recorded events, no clock, no I/O. A phase
 * whose event was not seen is absent from the result. Every JVM runs on one host, so the nodes'
 * clocks and the benchmark's are the same clock.
 */
public final class Phases {
    /** The phase that ends every failover: the service answers (measured by the benchmark, not read here). */
    public static final String SERVICE = "service";

    private static final Pattern HOLD = Pattern.compile("holding every start for (\\d+) ms");

    private Phases() {}

    /** Which stack printed the events. */
    public enum Stack {
        /** HA Stack's node JVMs ({@link io.hastack.examples.demo.DemoNode}). */
        HA_STACK("HA Stack"),
        /** The baseline's {@link CuratorCandidate}s. */
        CURATOR("Curator");

        private final String label;

        Stack(String label) {
            this.label = label;
        }

        /** Its name in tables. */
        public String label() {
            return label;
        }
    }

    /**
     * The phases of a failover of the group from {@code active} to {@code survivor} (the same node
     * for {@link Scenario#PROC}) after a fault at {@code faultAt} (epoch ms), read from {@code
     * events} (every node's, in any order), in the order they normally happen. {@code resources}
     * are the group's resources in start order; each gets a {@code start <resource>} phase.
     *
     * <p>HA Stack: detected (the survivor suspects, or a monitor fails), verified (death
     * confirmed), view installed, quorum, lease wait end (the held starts' deadline), plan, first
     * action (the first action of any node begins), stop
     * confirmed (the last stop of a group resource, where one is needed), each start. Curator:
     * detected (a latch node went away, or a monitor fails), leader (the survivor's latch), stop
     * confirmed, each start.
     */
    public static Map<String, Long> extract(
            Stack stack,
            Scenario scenario,
            List<Event> events,
            String active,
            String survivor,
            long faultAt,
            List<String> resources) {
        List<Event> after = events.stream()
                .filter(e -> e.epochMillis() >= faultAt)
                .sorted(java.util.Comparator.comparingLong(Event::epochMillis))
                .toList();
        Predicate<Event> onSurvivor = e -> e.node().equals(survivor);
        Map<String, Long> phases = new LinkedHashMap<>();
        if (scenario == Scenario.PROC) {
            put(phases, "detected", first(after, type("MONITOR_FAILED")), faultAt);
        } else if (stack == Stack.HA_STACK) {
            put(phases, "detected", first(after, onSurvivor.and(type("MEMBER_SUSPECTED"))), faultAt);
        } else {
            put(phases, "detected", first(after, onSurvivor.and(type("LATCH_NODE_DELETED"))), faultAt);
        }
        if (stack == Stack.HA_STACK) {
            if (scenario != Scenario.PROC) {
                put(phases, "verified", first(after, onSurvivor.and(type("DEATH_CONFIRMED"))), faultAt);
                put(phases, "view", first(after, onSurvivor.and(type("VIEW_INSTALLED"))), faultAt);
                put(phases, "quorum", first(after, onSurvivor.and(type("QUORUM_GAINED"))), faultAt);
                first(after, onSurvivor.and(type("TAKEOVER_WAIT"))).ifPresent(e -> {
                    Matcher m = HOLD.matcher(e.detail());
                    if (m.find()) {
                        phases.put("lease wait end", e.epochMillis() + Long.parseLong(m.group(1)) - faultAt);
                    }
                });
            }
            put(phases, "plan", first(after, type("PLAN_COMPUTED")), faultAt);
            put(phases, "first action", first(after, type("ACTION_STARTED")), faultAt);
        } else if (scenario != Scenario.PROC) {
            put(phases, "leader", first(after, onSurvivor.and(type("LEADER"))), faultAt);
        }
        if (scenario == Scenario.PROC || scenario == Scenario.SHUTDOWN) {
            // the last stop of a group resource on the active node
            after.stream()
                    .filter(type("ACTION_SUCCEEDED"))
                    .filter(e -> e.node().equals(active))
                    .filter(e -> resources.stream().anyMatch(r -> e.detail().startsWith("stop " + r + " on ")))
                    .reduce((a, b) -> b)
                    .ifPresent(e -> phases.put("stop confirmed", e.epochMillis() - faultAt));
        }
        for (String r : resources) {
            put(
                    phases,
                    "start " + r,
                    first(
                            after,
                            type("ACTION_SUCCEEDED").and(e -> e.detail().startsWith("start " + r + " on " + survivor))),
                    faultAt);
        }
        return phases;
    }

    private static Predicate<Event> type(String type) {
        return e -> e.type().equals(type);
    }

    private static Optional<Event> first(List<Event> events, Predicate<Event> filter) {
        return events.stream().filter(filter).findFirst();
    }

    private static void put(Map<String, Long> phases, String name, Optional<Event> event, long faultAt) {
        event.ifPresent(e -> phases.put(name, e.epochMillis() - faultAt));
    }
}
