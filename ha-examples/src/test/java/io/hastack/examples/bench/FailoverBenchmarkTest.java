package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class FailoverBenchmarkTest {
    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(50L, 10L, 40L, 20L, 30L);
        assertEquals(30, FailoverBenchmark.percentile(values, 50));
        assertEquals(50, FailoverBenchmark.percentile(values, 99));
        assertEquals(10, FailoverBenchmark.percentile(values, 1));
        assertEquals(7, FailoverBenchmark.percentile(List.of(7L), 99));
    }
}
