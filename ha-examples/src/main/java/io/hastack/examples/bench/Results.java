package io.hastack.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The failover comparison's arithmetic and output: percentiles, per-phase summaries, the text
 * tables, the ratio of the two stacks, and the raw trials as CSV. Pure apart from {@link
 * #writeCsv}.
 */
public final class Results {
    private Results() {}

    /**
     * p50, p99 and max of one phase over a series of trials.
     *
     * @param phase the phase
     * @param count how many trials saw it
     * @param p50 the median, nearest rank
     * @param p99 the 99th percentile, nearest rank
     * @param max the largest
     */
    public record Summary(String phase, int count, long p50, long p99, long max) {}

    /**
     * The nearest-rank percentile {@code p} of {@code values}.
     *
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values for percentile " + p);
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * Per phase, the summary over {@code trials} of the trials that saw it, in the order of the
     * medians (a timeline; ties in the order the phases first appear), the service last.
     */
    public static List<Summary> summarize(List<Trial> trials) {
        Set<String> names = new LinkedHashSet<>();
        trials.forEach(t -> names.addAll(t.phases().keySet()));
        List<Summary> out = new ArrayList<>();
        for (String name : names) {
            List<Long> values = trials.stream()
                    .map(t -> t.phases().get(name))
                    .filter(v -> v != null)
                    .toList();
            out.add(new Summary(
                    name,
                    values.size(),
                    percentile(values, 50),
                    percentile(values, 99),
                    values.stream().mapToLong(Long::longValue).max().orElseThrow()));
        }
        // a stable sort: ties keep the order of first appearance
        out.sort(java.util.Comparator.comparing((Summary x) -> x.phase().equals(Phases.SERVICE))
                .thenComparingLong(Summary::p50));
        return out;
    }

    /** The summary of the end-to-end time ({@link Phases#SERVICE}), if any trial reached it. */
    public static Optional<Summary> endToEnd(List<Trial> trials) {
        return summarize(trials).stream()
                .filter(s -> s.phase().equals(Phases.SERVICE))
                .findFirst();
    }

    /**
     * The table of one series: a row per phase with n, p50, p99 and max in ms; the title names the
     * series and how many trials failed.
     */
    public static String table(String title, List<Trial> trials) {
        StringBuilder sb = new StringBuilder();
        long failed = trials.stream().filter(t -> !t.note().isEmpty()).count();
        sb.append(String.format(
                Locale.ROOT,
                "%s: %d trials%s (ms after the fault)%n",
                title,
                trials.size(),
                failed == 0 ? "" : ", " + failed + " failed"));
        List<Summary> summaries = summarize(trials);
        if (!summaries.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  %-22s %5s %7s %7s %7s%n", "phase", "n", "p50", "p99", "max"));
        }
        for (Summary s : summaries) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-22s %5d %7d %7d %7d%n",
                    s.phase().equals(Phases.SERVICE) ? "service (end to end)" : s.phase(),
                    s.count(),
                    s.p50(),
                    s.p99(),
                    s.max()));
        }
        Map<String, List<Long>> checks = new LinkedHashMap<>();
        trials.forEach(t -> t.checks()
                .forEach((k, v) ->
                        checks.computeIfAbsent(k, x -> new ArrayList<>()).add(v)));
        checks.forEach((k, v) -> sb.append(String.format(
                Locale.ROOT,
                "  check %-16s total %d, trials with it > 0: %d of %d%n",
                k,
                v.stream().mapToLong(Long::longValue).sum(),
                v.stream().filter(x -> x > 0).count(),
                v.size())));
        return sb.toString();
    }

    /**
     * The ratio HA Stack / Curator of the end-to-end p50 and p99, as text; empty if either series
     * never reached the service.
     */
    public static Optional<String> ratio(List<Trial> haStack, List<Trial> curator) {
        Optional<Summary> a = endToEnd(haStack);
        Optional<Summary> b = endToEnd(curator);
        if (a.isEmpty() || b.isEmpty() || b.get().p50() == 0 || b.get().p99() == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "ratio HA Stack / Curator, service: p50 %d / %d = %.2f, p99 %d / %d = %.2f",
                a.get().p50(),
                b.get().p50(),
                (double) a.get().p50() / b.get().p50(),
                a.get().p99(),
                b.get().p99(),
                (double) a.get().p99() / b.get().p99()));
    }

    /**
     * The raw trials as CSV, one row per trial and measure: {@code
     * stack,scenario,variant,trial,kind,measure,ms,note} where kind is {@code phase} or {@code
     * check}; a trial without any measure gets one row with an empty measure, so failures are kept.
     */
    public static String csv(List<Trial> trials) {
        StringBuilder sb = new StringBuilder("stack,scenario,variant,trial,kind,measure,ms,note\n");
        for (Trial t : trials) {
            String prefix = String.join(
                    ",", t.stack().label(), t.scenario().flag(), quote(t.variant()), Integer.toString(t.number()));
            if (t.phases().isEmpty() && t.checks().isEmpty()) {
                sb.append(prefix).append(",,,,").append(quote(t.note())).append('\n');
            }
            t.phases()
                    .forEach((k, v) -> sb.append(prefix)
                            .append(",phase,")
                            .append(quote(k))
                            .append(',')
                            .append(v)
                            .append(',')
                            .append(quote(t.note()))
                            .append('\n'));
            t.checks()
                    .forEach((k, v) -> sb.append(prefix)
                            .append(",check,")
                            .append(quote(k))
                            .append(',')
                            .append(v)
                            .append(',')
                            .append(quote(t.note()))
                            .append('\n'));
        }
        return sb.toString();
    }

    /** Writes {@link #csv} of {@code trials} to {@code file}, creating its directory. */
    public static void writeCsv(List<Trial> trials, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer w = Files.newBufferedWriter(file)) {
                w.write(csv(trials));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * The trials in {@code csv} as {@link #csv} wrote them (a trial's rows are consecutive).
     *
     * @throws IllegalArgumentException if a row does not have the eight columns or names an unknown
     *     stack or scenario
     */
    public static List<Trial> parseCsv(String csv) {
        List<Trial> out = new ArrayList<>();
        List<String> lines = csv.lines().skip(1).filter(l -> !l.isBlank()).toList();
        String key = null;
        List<String> first = null;
        Map<String, Long> phases = new LinkedHashMap<>();
        Map<String, Long> checks = new LinkedHashMap<>();
        for (String line : lines) {
            List<String> f = split(line);
            if (f.size() != 8) {
                throw new IllegalArgumentException("expected 8 columns, got " + f.size() + ": " + line);
            }
            String k = String.join("\u0000", f.subList(0, 4));
            if (!k.equals(key)) {
                if (first != null) {
                    out.add(trial(first, phases, checks));
                }
                key = k;
                first = f;
                phases = new LinkedHashMap<>();
                checks = new LinkedHashMap<>();
            }
            if (f.get(4).equals("phase")) {
                phases.put(f.get(5), Long.parseLong(f.get(6)));
            } else if (f.get(4).equals("check")) {
                checks.put(f.get(5), Long.parseLong(f.get(6)));
            }
        }
        if (first != null) {
            out.add(trial(first, phases, checks));
        }
        return out;
    }

    private static Trial trial(List<String> f, Map<String, Long> phases, Map<String, Long> checks) {
        Phases.Stack stack = java.util.Arrays.stream(Phases.Stack.values())
                .filter(s -> s.label().equals(f.get(0)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stack " + f.get(0)));
        return new Trial(stack, Scenario.of(f.get(1)), f.get(2), Integer.parseInt(f.get(3)), phases, checks, f.get(7));
    }

    /** One CSV row's fields, RFC 4180 quotes removed. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    /** RFC 4180 quoting where needed. */
    static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
