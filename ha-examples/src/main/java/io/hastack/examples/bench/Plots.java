package io.hastack.examples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The failover comparison's plots, drawn with plain Java2D and written with ImageIO: per scenario,
 * where the time goes (each phase's p50 as a bar, its p99 as a whisker, HA Stack above Curator);
 * and the scaling runs (end-to-end p50 and p99 against the node and resource counts).
 */
public final class Plots {
    private static final Color HA = new Color(0x1f, 0x77, 0xb4);
    private static final Color CURATOR = new Color(0xd6, 0x27, 0x28);
    private static final Pattern SHAPE = Pattern.compile("(\\d+) nodes, (\\d+) resources");

    private Plots() {}

    /**
     * Draws the plots again from CSV files that {@link FailoverComparison} wrote, e.g. to combine
     * several runs: {@code Plots OUT_DIR TRIALS.csv...}.
     */
    public static void main(String[] args) throws IOException {
        List<Trial> trials = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            trials.addAll(Results.parseCsv(Files.readString(Path.of(args[i]))));
        }
        write(trials, Path.of(args[0]));
        System.out.println(
                "plots of " + trials.size() + " trials in " + Path.of(args[0]).toAbsolutePath());
    }

    /** Writes {@code phases-<scenario>.png} per failover scenario in {@code trials} and {@code scaling.png}. */
    public static void write(List<Trial> trials, Path dir) {
        for (Scenario s : List.of(Scenario.KILL, Scenario.STOP, Scenario.PROC, Scenario.SHUTDOWN)) {
            Map<Phases.Stack, List<Results.Summary>> series = new LinkedHashMap<>();
            for (Phases.Stack stack : Phases.Stack.values()) {
                List<Trial> t = trials.stream()
                        .filter(x -> x.stack() == stack && x.scenario() == s && x.succeeded())
                        .toList();
                if (!t.isEmpty()) {
                    series.put(stack, Results.summarize(t));
                }
            }
            if (!series.isEmpty()) {
                save(phases(s.description(), series), dir.resolve("phases-" + s.flag() + ".png"));
            }
        }
        List<Trial> scale = trials.stream()
                .filter(t -> t.scenario() == Scenario.SCALE && t.stack() == Phases.Stack.HA_STACK && t.succeeded())
                .toList();
        if (!scale.isEmpty()) {
            save(scaling(scale), dir.resolve("scaling.png"));
        }
    }

    /** Where the time goes: a row per stack and phase, a bar to its p50 and a whisker to its p99. */
    static BufferedImage phases(String title, Map<Phases.Stack, List<Results.Summary>> series) {
        int rows = series.values().stream().mapToInt(List::size).sum() + series.size();
        int width = 1100;
        int left = 190;
        int right = 130;
        int top = 50;
        int rowHeight = 22;
        int height = top + rows * rowHeight + 50;
        long max = series.values().stream()
                .flatMap(List::stream)
                .mapToLong(Results.Summary::p99)
                .max()
                .orElse(1);
        double scale = (width - left - right) / (double) Math.max(1, max);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title + " (ms after the fault; bar p50, whisker p99)");
        int y = top;
        for (Map.Entry<Phases.Stack, List<Results.Summary>> e : series.entrySet()) {
            Color color = e.getKey() == Phases.Stack.HA_STACK ? HA : CURATOR;
            g.setColor(color);
            g.setFont(g.getFont().deriveFont(Font.BOLD));
            g.drawString(e.getKey().label(), 10, y + 15);
            g.setFont(g.getFont().deriveFont(Font.PLAIN));
            y += rowHeight;
            for (Results.Summary s : e.getValue()) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(s.phase().equals(Phases.SERVICE) ? "service (end to end)" : s.phase(), 20, y + 15);
                int x50 = left + (int) Math.round(s.p50() * scale);
                int x99 = left + (int) Math.round(s.p99() * scale);
                g.setColor(color);
                g.fillRect(left, y + 4, Math.max(1, x50 - left), rowHeight - 8);
                g.setColor(Color.BLACK);
                g.drawLine(x50, y + rowHeight / 2, x99, y + rowHeight / 2);
                g.drawLine(x99, y + 5, x99, y + rowHeight - 5);
                g.drawString(s.p50() + " / " + s.p99(), x99 + 6, y + 15);
                y += rowHeight;
            }
        }
        axis(g, left, width - right, y + 5, max);
        g.dispose();
        return img;
    }

    /** End-to-end p50 and p99 against the node count (2 resources) and the resource count (2 nodes). */
    static BufferedImage scaling(List<Trial> trials) {
        Map<String, List<Trial>> byVariant = new LinkedHashMap<>();
        trials.forEach(t ->
                byVariant.computeIfAbsent(t.variant(), k -> new ArrayList<>()).add(t));
        Map<Integer, long[]> byNodes = new java.util.TreeMap<>();
        Map<Integer, long[]> byResources = new java.util.TreeMap<>();
        byVariant.forEach((v, list) -> {
            Matcher m = SHAPE.matcher(v);
            if (!m.matches()) {
                return;
            }
            int nodes = Integer.parseInt(m.group(1));
            int resources = Integer.parseInt(m.group(2));
            Results.Summary s = Results.endToEnd(list).orElseThrow();
            long[] point = {s.p50(), s.p99()};
            if (resources == 2) {
                byNodes.put(nodes, point);
            }
            if (nodes == 2) {
                byResources.put(resources, point);
            }
        });
        int width = 1100;
        int height = 460;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, "HA Stack, SIGKILL of the active JVM: service back, ms (p50 solid, p99 dashed)");
        panel(g, "by nodes (2 resources)", byNodes, 60, 70, 470, 320);
        panel(g, "by resources (2 nodes)", byResources, 600, 70, 470, 320);
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, String title, Map<Integer, long[]> points, int x0, int y0, int w, int h) {
        g.setColor(Color.BLACK);
        g.drawString(title, x0, y0 - 10);
        g.drawRect(x0, y0, w, h);
        if (points.isEmpty()) {
            return;
        }
        long max = points.values().stream().mapToLong(p -> p[1]).max().orElse(1);
        List<Integer> xs = new ArrayList<>(points.keySet());
        Set<Integer> labelled = new LinkedHashSet<>();
        for (int series = 0; series < 2; series++) {
            g.setColor(HA);
            g.setStroke(
                    series == 0
                            ? new BasicStroke(2f)
                            : new BasicStroke(
                                    1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < xs.size(); i++) {
                int x = x0 + 30 + (xs.size() == 1 ? 0 : i * (w - 60) / (xs.size() - 1));
                long v = points.get(xs.get(i))[series];
                int y = y0 + h - 20 - (int) Math.round(v * (h - 50) / (double) max);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.drawString(Long.toString(v), x + 5, y - 5);
                px = x;
                py = y;
                if (labelled.add(i)) {
                    g.setColor(Color.BLACK);
                    g.drawString(Integer.toString(xs.get(i)), x - 5, y0 + h + 15);
                    g.setColor(HA);
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void axis(Graphics2D g, int x0, int x1, int y, long max) {
        g.setColor(Color.GRAY);
        g.drawLine(x0, y, x1, y);
        long step = niceStep(max);
        for (long v = 0; v <= max; v += step) {
            int x = x0 + (int) Math.round(v * (x1 - x0) / (double) Math.max(1, max));
            g.drawLine(x, y, x, y + 5);
            g.drawString(String.format(Locale.ROOT, "%d", v), x - 10, y + 20);
        }
    }

    /** A round tick step that gives about eight ticks up to {@code max}. */
    static long niceStep(long max) {
        long raw = Math.max(1, max / 8);
        long magnitude = (long) Math.pow(10, Math.floor(Math.log10((double) raw)));
        for (long m : new long[] {1, 2, 5, 10}) {
            if (raw <= m * magnitude) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static void save(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
