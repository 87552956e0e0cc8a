package io.hastack.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The API's JSON answers as text for a terminal, as {@code crm_mon} prints them: every line at
 * most {@link #WIDTH} columns, longer ones wrapped with an indent. Stateless.
 */
final class StatusText {
    /** The width every line fits. */
    static final int WIDTH = 80;

    private StatusText() {}

    /** The status ({@code GET /api/v1/status}). */
    static String status(JsonNode s) {
        List<String> lines = new ArrayList<>();
        JsonNode view = s.path("view");
        String head = "Cluster status from " + s.path("node").asText();
        if (view.isObject()) {
            head += s.path("coordinator").asBoolean()
                    ? " (coordinator)"
                    : " (coordinator is " + view.path("coordinator").asText() + ")";
            head += ", view " + view.path("id").asText() + " " + join(view.path("members"));
        } else {
            head += " (not a member)";
        }
        lines.add(head);
        lines.add("quorum:  " + s.path("quorum").asText());
        lines.add("lease:   " + s.path("lease").asText());
        lines.add("refused: " + refusals(s.path("refused")) + "; admin API: "
                + refusals(s.path("api").path("refused")));
        lines.add("config:  "
                + (s.has("configVersion")
                        ? "version " + s.path("configVersion").asLong() + " (hash "
                                + s.path("configHash").asText() + ")"
                        : s.path("configHash").asText())
                + (s.path("maintenanceMode").asBoolean() ? ", maintenance mode (configured)" : ""));
        if (!s.path("previousNodes").isEmpty()) {
            lines.add("node list: changing from " + join(s.path("previousNodes")) + " to " + join(s.path("nodeList"))
                    + "; committed once every node of both lists holds this version");
        }
        lines.add("");
        lines.add(String.format("%-20s %-16s %s", "NODE", "STATUS", "FAILURES"));
        for (JsonNode n : s.path("nodes")) {
            List<String> failures = new ArrayList<>();
            fields(n.path("failures"))
                    .forEachRemaining(
                            e -> failures.add(e.getKey() + "=" + e.getValue().asText()));
            lines.add(String.format(
                    "%-20s %-16s %s",
                    n.path("node").asText(),
                    n.path("status").asText(),
                    failures.isEmpty() ? "-" : String.join(", ", failures)));
        }
        lines.add("");
        lines.add(String.format("%-24s %-16s %s", "GROUP / RESOURCE", "AGENT", "STATE"));
        for (JsonNode g : s.path("groups")) {
            JsonNode running = g.path("runningOn");
            lines.add(String.format(
                    "%-24s %-16s %s",
                    g.path("id").asText(),
                    "",
                    running.isEmpty() ? "not running" : "running on " + String.join(", ", texts(running))));
            for (JsonNode r : g.path("resources")) {
                List<String> where = new ArrayList<>();
                fields(r.path("states")).forEachRemaining(e -> {
                    if (!e.getValue().asText().equals("STOPPED")) {
                        where.add(e.getValue().asText() + "@" + e.getKey());
                    }
                });
                lines.add(String.format(
                        "  %-22s %-16s %s",
                        r.path("id").asText() + (r.path("managed").asBoolean(true) ? "" : " (unmanaged)"),
                        r.path("agent").asText(),
                        where.isEmpty() ? "STOPPED" : String.join(" ", where)));
            }
        }
        if (!s.path("notes").isEmpty()) {
            lines.add("");
            lines.add("notes:");
            s.path("notes").forEach(n -> lines.add("  - " + n.asText()));
        }
        return render(lines);
    }

    /** One event ({@code history}, {@code events}): {@code time node TYPE subject: detail}. */
    static String event(JsonNode e) {
        String subject = e.path("subject").asText();
        String detail = e.path("detail").asText();
        return render(List.of(e.path("time").asText() + " " + e.path("node").asText() + " "
                + e.path("type").asText() + (subject.isEmpty() ? "" : " " + subject)
                + (detail.isEmpty() ? "" : ": " + detail)));
    }

    /** Why a group runs where it runs ({@code GET /api/v1/why/GROUP}). */
    static String why(JsonNode w) {
        List<String> lines = new ArrayList<>();
        JsonNode running = w.path("runningOn");
        lines.add(w.path("group").asText() + ": "
                + (running.isEmpty() ? "not running" : "running on " + String.join(", ", texts(running)))
                + " (scores from the coordinator " + w.path("coordinator").asText() + ")");
        lines.add(String.format("%-20s %10s  %s", "NODE", "SCORE", "BECAUSE"));
        for (JsonNode s : w.path("scores")) {
            lines.add(String.format(
                    "%-20s %10s  %s",
                    s.path("node").asText(),
                    s.path("score").asText(),
                    s.path("parts").isEmpty() ? "-" : String.join(", ", texts(s.path("parts")))));
        }
        w.path("pending").forEach(a -> lines.add("pending: " + a.asText()));
        w.path("notes").forEach(n -> lines.add("note: " + n.asText()));
        return render(lines);
    }

    private static String refusals(JsonNode r) {
        if (r.path("total").asLong() == 0) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        fields(r.path("counts"))
                .forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
        return r.path("total").asText() + " (" + String.join(", ", parts) + ")";
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode n) {
        return n.properties().iterator();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static String join(JsonNode array) {
        return "[" + String.join(", ", texts(array)) + "]";
    }

    /** The lines, each wrapped at {@link #WIDTH} with a four-space indent, and a final newline. */
    static String render(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            wrap(line.stripTrailing(), sb);
        }
        return sb.toString();
    }

    private static void wrap(String line, StringBuilder sb) {
        String rest = line;
        String indent = "";
        while (indent.length() + rest.length() > WIDTH) {
            int room = WIDTH - indent.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= room / 3) {
                cut = room;
            }
            sb.append(indent).append(rest, 0, cut).append('\n');
            rest = rest.substring(cut).stripLeading();
            indent = "    ";
        }
        sb.append(indent).append(rest).append('\n');
    }
}
