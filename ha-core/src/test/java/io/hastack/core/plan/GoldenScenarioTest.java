package io.hastack.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.spi.plan.ClusterSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scenarios: each folder under {@code src/test/resources/scenarios} holds {@code input.txt}
 * (a {@link SnapshotText}) and {@code expected.txt} (the plan, one action or note per line, then the
 * placement scores; see {@link SnapshotText#renderPlan}). Run with
 * {@code -Dgolden.update=true} to rewrite the expected files from the planner, then read the diff.
 */
@Tag("unit")
class GoldenScenarioTest {
    private static final Path SCENARIOS = Path.of("src", "test", "resources", "scenarios");
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private static List<Path> scenarios() throws IOException {
        try (Stream<Path> dirs = Files.list(SCENARIOS)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioPlansAsExpected() throws IOException {
        return scenarios().stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                    String input = Files.readString(dir.resolve("input.txt"), StandardCharsets.UTF_8);
                    String actual =
                            SnapshotText.renderPlan(new DefaultPlanner().plan(SnapshotText.parse(input, NOW), NOW));
                    Path expected = dir.resolve("expected.txt");
                    if (UPDATE) {
                        Files.writeString(expected, actual, StandardCharsets.UTF_8);
                    } else {
                        assertTrue(Files.exists(expected), dir + " has no expected.txt: run with -Dgolden.update=true");
                        assertEquals(Files.readString(expected, StandardCharsets.UTF_8), actual, dir.toString());
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioSurvivesBeingWrittenAndReadBack() throws IOException {
        return scenarios().stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                    ClusterSnapshot original =
                            SnapshotText.parse(Files.readString(dir.resolve("input.txt"), StandardCharsets.UTF_8), NOW);
                    String written = SnapshotText.format(original, NOW);
                    ClusterSnapshot again = SnapshotText.parse(written, NOW);
                    assertEquals(original.config().hash(), again.config().hash(), written);
                    assertEquals(original.nodes(), again.nodes(), written);
                    assertEquals(original.moves(), again.moves(), written);
                    assertEquals(original.departed(), again.departed(), written);
                    assertEquals(
                            SnapshotText.renderPlan(new DefaultPlanner().plan(original, NOW)),
                            SnapshotText.renderPlan(new DefaultPlanner().plan(again, NOW)),
                            written);
                }));
    }

    @Test
    void thereAreScenariosToRun() throws IOException {
        assertTrue(scenarios().size() >= 15, "scenarios found: " + scenarios());
    }

    @Test
    void badInputIsReportedWithItsLine() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> SnapshotText.parse("nodes n1\ngroup g a\nnode n1 a=SLEEPING\n"));
        assertTrue(e.getMessage().contains("SLEEPING"), e.getMessage());
        IllegalArgumentException f = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> SnapshotText.parse("nodes n1\ncolour blue\n"));
        assertEquals("line 2 'colour blue': unknown item 'colour'", f.getMessage());
    }
}
