package io.hastack.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One measured trial of the failover comparison.
 *
 * @param stack which stack ran it
 * @param scenario the fault
 * @param variant the cluster's shape, e.g. {@code 2 nodes, 2 resources}
 * @param number the trial's number in its series, from 1
 * @param phases ms after the fault at which each phase ended, in order; {@link Phases#SERVICE} last
 *     when the service answered (absent if the trial failed)
 * @param checks counts and totals that are not phases (e.g. ms during which two workers ran), by name
 * @param note what went wrong, or empty
 */
public record Trial(
        Phases.Stack stack,
        Scenario scenario,
        String variant,
        int number,
        Map<String, Long> phases,
        Map<String, Long> checks,
        String note) {
    /** Copies the maps, keeping their order. */
    public Trial {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(variant, "variant");
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        note = note == null ? "" : note;
    }

    /** True if the service answered. */
    public boolean succeeded() {
        return phases.containsKey(Phases.SERVICE);
    }
}
