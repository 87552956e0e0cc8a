package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each measurement of {@link StepCosts} yields its rows and its baseline's, with real samples. */
@Tag("functional")
class StepCostsTest {
    private static void assertSamples(Map<String, List<Long>> rows, int rowCount, int samples) {
        assertEquals(rowCount, rows.size(), rows.keySet().toString());
        rows.forEach((label, nanos) -> {
            assertEquals(samples, nanos.size(), label);
            nanos.forEach(n -> assertTrue(n > 0 && n < TimeUnit.SECONDS.toNanos(60), label + ": " + n));
        });
    }

    @Test
    void epochsAreMeasuredWithTheirBaselineForEachSize() throws Exception {
        Map<String, List<Long>> rows = StepCosts.epochs(2);
        assertSamples(rows, 6, 2);
        assertTrue(
                rows.keySet().stream().anyMatch(l -> l.startsWith("100 resources: baseline")), rows.keySet()::toString);
    }

    @Test
    void spawnBurstsAreMeasuredThroughSetprivAndWithout() throws Exception {
        Prerequisites.requireExecutable(Path.of("/usr/bin/setpriv"), "util-linux");
        assertSamples(StepCosts.spawns(1), 2, 1);
    }

    @Test
    void theFirstPageIsTimedInFreshJvmsWarmedAndCold() throws Exception {
        assertSamples(StepCosts.firstRequest(1), 2, 1);
    }
}
