package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One test per finding of {@link ConfigLint}, and a configuration whose budget is exceeded. */
@Tag("unit")
class ConfigLintTest {
    private static final ConfigLint.Timings TIMINGS = new ConfigLint.Timings(
            Duration.ofMillis(500),
            Duration.ofSeconds(3),
            Duration.ofMillis(200),
            Duration.ofSeconds(3),
            Optional.empty());

    /** A resource with every timeout set and nothing to warn about. */
    private static ResourceSpec.Builder clean(String id) {
        return ResourceSpec.builder(id, "test")
                .monitorInterval(Duration.ofSeconds(10))
                .timeout(Operation.START, Duration.ofSeconds(2))
                .timeout(Operation.STOP, Duration.ofSeconds(2))
                .timeout(Operation.MONITOR, Duration.ofSeconds(5));
    }

    private static List<ConfigLint.Finding> check(ClusterConfig c, ConfigLint.Timings t, Map<GroupId, Duration> rto) {
        return ConfigLint.check(c, t, rto, r -> Map.of());
    }

    private static List<ConfigLint.Finding> warnings(List<ConfigLint.Finding> all) {
        return all.stream().filter(ConfigLint.Finding::warning).toList();
    }

    private static ClusterConfig one(ResourceSpec.Builder r) {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of("web", r.build()))
                .build();
    }

    @Test
    void aCleanConfigurationHasItsBudgetAndNoWarning() {
        ClusterConfig c = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of(
                        "web", clean("ip").build(), clean("nginx").build()))
                .build();
        List<ConfigLint.Finding> all = check(c, TIMINGS, Map.of(GroupId.of("web"), Duration.ofSeconds(30)));
        assertEquals(List.of(), warnings(all));
        // The later of detection (3 s + 0.5 s + 0.2 s) and the lease wait (3 s * 1.01 + 0.3 s), then two
        // starts of 2 s = 7.7 s; a resource that fails in place: 10 s + 5 s + two stops + two starts = 23 s.
        ConfigLint.Budget b = ConfigLint.budget(c.groups().get(0), TIMINGS, r -> Map.of());
        assertEquals(Duration.ofMillis(7_700), b.nodeFailure());
        assertEquals(Duration.ofSeconds(23), b.resourceFailure());
        assertTrue(
                all.get(0)
                        .message()
                        .startsWith(
                                "worst-case recovery 23 s (rto 30 s): node failure 7700 ms (the later of detection 3700 ms and the lease wait 3330 ms"),
                all.get(0).message());
    }

    @Test
    void anUnorderedGroupStartsItsMembersInParallelAndRestartsAFailedOneAlone() {
        ResourceGroup g = ResourceGroup.of(
                        "workers",
                        clean("a").build(),
                        clean("b").build(),
                        clean("c").build())
                .unordered();
        ConfigLint.Budget b = ConfigLint.budget(g, TIMINGS, r -> Map.of());
        int rounds = (3 + LocalResources.PARALLEL_LIMIT - 1) / LocalResources.PARALLEL_LIMIT;
        // Detection 3.7 s, then the starts in parallel: 2 s per round of PARALLEL_LIMIT starts.
        assertEquals(Duration.ofMillis(3_700).plusSeconds(2L * rounds), b.nodeFailure());
        // A member that fails: 10 s + 5 s to see it, then its own stop and start (2 s + 2 s).
        assertEquals(Duration.ofSeconds(19), b.resourceFailure());
        ConfigLint.Budget ordered = ConfigLint.budget(
                ResourceGroup.of(
                        "workers",
                        clean("a").build(),
                        clean("b").build(),
                        clean("c").build()),
                TIMINGS,
                r -> Map.of());
        assertEquals(Duration.ofMillis(9_700), ordered.nodeFailure(), "three starts one after the other");
        assertEquals(Duration.ofSeconds(27), ordered.resourceFailure());
    }

    @Test
    void aBudgetOverItsRtoIsAWarningNamingItsParts() {
        ClusterConfig c = one(clean("db").timeout(Operation.START, Duration.ofSeconds(60)));
        List<ConfigLint.Finding> w = warnings(check(c, TIMINGS, Map.of(GroupId.of("web"), Duration.ofSeconds(5))));
        assertEquals(1, w.size(), w.toString());
        assertEquals("group web", w.get(0).subject());
        assertTrue(
                w.get(0).message().contains("exceeds its rto 5 s")
                        && w.get(0).message().contains("starts 60 s"),
                w.get(0).message());
    }

    @Test
    void aFenceAddsItsTimeout() {
        ConfigLint.Timings fenced = new ConfigLint.Timings(
                Duration.ofMillis(500),
                Duration.ofSeconds(3),
                Duration.ofMillis(200),
                Duration.ofSeconds(3),
                Optional.of(Duration.ofSeconds(10)));
        ClusterConfig c = one(clean("db"));
        assertEquals(
                ConfigLint.budget(c.groups().get(0), TIMINGS, r -> Map.of())
                        .nodeFailure()
                        .plusSeconds(10),
                ConfigLint.budget(c.groups().get(0), fenced, r -> Map.of()).nodeFailure());
    }

    @Test
    void aMonitorIntervalShorterThanItsTimeout() {
        List<ConfigLint.Finding> w =
                warnings(check(one(clean("db").monitorInterval(Duration.ofSeconds(2))), TIMINGS, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().startsWith("monitor-interval 2 s is shorter than its monitor timeout 5 s"));
    }

    @Test
    void aFailureTimeoutShorterThanAnOperationTimeout() {
        List<ConfigLint.Finding> w = warnings(check(
                one(clean("db").failureTimeout(Duration.ofSeconds(1)).timeout(Operation.START, Duration.ofSeconds(2))),
                TIMINGS,
                Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().startsWith("failure-timeout 1 s is shorter than its start timeout 2 s"));
    }

    @Test
    void aHeartbeatTimeoutBelowALikelyGcPause() {
        ConfigLint.Timings fast = new ConfigLint.Timings(
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Optional.empty());
        List<ConfigLint.Finding> w =
                warnings(check(one(clean("db").timeout(Operation.STOP, Duration.ofMillis(400))), fast, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertEquals("membership", w.get(0).subject());
    }

    @Test
    void aStopTimeoutLongerThanTheLease() {
        List<ConfigLint.Finding> w =
                warnings(check(one(clean("db").timeout(Operation.STOP, Duration.ofSeconds(20))), TIMINGS, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().startsWith("stop timeout 20 s is longer than the membership lease 3 s"));
    }

    @Test
    void longStopTimeoutsWarnOnceForAllTheirResources() {
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of(
                        "g",
                        clean("a")
                                .timeout(Operation.STOP, Duration.ofSeconds(20))
                                .build(),
                        clean("b")
                                .timeout(Operation.STOP, Duration.ofSeconds(20))
                                .build(),
                        clean("c").build()))
                .build();
        List<ConfigLint.Finding> w = warnings(check(config, TIMINGS, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertEquals("resources a, b", w.get(0).subject());
        assertTrue(w.get(0).message().startsWith("stop timeout 20 s of each is longer than the membership lease 3 s"));
    }

    @Test
    void aMigrationThresholdOfOneWithoutFailureTimeout() {
        List<ConfigLint.Finding> w = warnings(check(one(clean("db").migrationThreshold(1)), TIMINGS, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().startsWith("migration-threshold 1 without a failure-timeout"));
    }

    @Test
    void unsetTimeoutsAreTheAgentsAdvisedOnes() {
        ClusterConfig c = one(ResourceSpec.builder("db", "test").monitorInterval(Duration.ofSeconds(30)));
        ConfigLint.Budget advised = ConfigLint.budget(
                c.groups().get(0),
                TIMINGS,
                r -> Map.of(Operation.START, Duration.ofSeconds(1), Operation.STOP, Duration.ofSeconds(1)));
        ConfigLint.Budget defaults = ConfigLint.budget(c.groups().get(0), TIMINGS, r -> Map.of());
        assertEquals(defaults.nodeFailure().minus(ResourceSpec.DEFAULT_TIMEOUT).plusSeconds(1), advised.nodeFailure());
    }
}
