package io.hastack.core.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Counts what a node refused (frames, joins, names) by reason, and logs it without letting a flood
 * of bad input flood the log: the first refusal of each reason is logged at once, later ones at
 * most once per interval, with how many were not logged in between. Thread-safe.
 */
public final class Refusals {
    private final String owner;
    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> entries = new TreeMap<>();

    private static final class Entry {
        long count;
        long unlogged;
        long lastLogged;
        String lastDetail = "";
    }

    /**
     * Refusals of {@code owner} (e.g. the node's name), logged at WARN to {@code log} at most once
     * per {@code intervalMillis} per reason.
     */
    public Refusals(String owner, Logger log, long intervalMillis) {
        this(owner, log, intervalMillis, System::nanoTime);
    }

    /** As the other constructor, reading time from {@code nanoTime} (tests). */
    public Refusals(String owner, Logger log, long intervalMillis, LongSupplier nanoTime) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("refusal log interval must be positive, was " + intervalMillis);
        }
        this.owner = owner;
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoTime = nanoTime;
    }

    /**
     * Counts one refusal for {@code reason} (a short fixed phrase such as {@code "bad MAC"}) and
     * logs {@code detail} unless a line for this reason was logged within the interval.
     *
     * @return whether it was logged
     */
    public boolean refuse(String reason, String detail) {
        long now = nanoTime.getAsLong();
        long unlogged;
        synchronized (entries) {
            Entry e = entries.computeIfAbsent(reason, r -> new Entry());
            e.count++;
            e.lastDetail = detail;
            if (e.count > 1 && now - e.lastLogged < intervalNanos) {
                e.unlogged++;
                return false;
            }
            unlogged = e.unlogged;
            e.unlogged = 0;
            e.lastLogged = now;
        }
        if (unlogged > 0) {
            log.warn("{} refused ({}): {} [and {} more like it since the last line]", owner, reason, detail, unlogged);
        } else {
            log.warn("{} refused ({}): {}", owner, reason, detail);
        }
        return true;
    }

    /** What was refused so far. */
    public Snapshot snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, String> last = new LinkedHashMap<>();
        synchronized (entries) {
            entries.forEach((reason, e) -> {
                counts.put(reason, e.count);
                last.put(reason, e.lastDetail);
            });
        }
        return new Snapshot(counts, last);
    }

    /**
     * What a node refused, by reason.
     *
     * @param counts how many times, by reason
     * @param last the latest refusal's detail, by reason
     */
    public record Snapshot(Map<String, Long> counts, Map<String, String> last) {
        /** Nothing refused. */
        public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

        /** Copies the maps, sorted by reason. */
        public Snapshot {
            counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
            last = java.util.Collections.unmodifiableMap(new TreeMap<>(last));
        }

        /** How many refusals in all. */
        public long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        /** How many for {@code reason}. */
        public long count(String reason) {
            return counts.getOrDefault(reason, 0L);
        }

        /** Both snapshots' counts; the latest detail of {@code other} where both have one. */
        public Snapshot plus(Snapshot other) {
            Map<String, Long> c = new TreeMap<>(counts);
            other.counts.forEach((k, v) -> c.merge(k, v, Long::sum));
            Map<String, String> l = new TreeMap<>(last);
            l.putAll(other.last);
            return new Snapshot(c, l);
        }

        /** One line: {@code "none"} or {@code "3 (bad MAC 2, replayed 1; last replayed: ...)"}. */
        public String render() {
            if (counts.isEmpty()) {
                return "none";
            }
            StringBuilder sb = new StringBuilder().append(total()).append(" (");
            counts.forEach((k, v) -> sb.append(k).append(' ').append(v).append(", "));
            sb.setLength(sb.length() - 2);
            sb.append(')');
            last.forEach((k, v) -> sb.append("; last ").append(k).append(": ").append(v));
            return sb.toString();
        }
    }
}
