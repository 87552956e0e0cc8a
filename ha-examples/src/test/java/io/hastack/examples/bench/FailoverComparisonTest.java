package io.hastack.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.plan.DefaultPlanner;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.ClusterSnapshot;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import io.hastack.core.spi.plan.Plan;
import io.hastack.examples.demo.DemoCluster;
import io.hastack.examples.demo.NodeProcess.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failover comparison's pure parts: phases from recorded events, percentiles, tables, CSV. */
@Tag("unit")
class FailoverComparisonTest {
    private static final long KILL = 1_000_000L;

    private static Event e(String node, long ms, String type, String subject, String detail) {
        return new Event(node, KILL + ms, type, subject, detail);
    }

    /** node2's events after node1 was SIGKILLed, as a DemoNode prints them, plus some before. */
    private static final List<Event> HA_KILL = List.of(
            e("node1", -500, "ACTION_SUCCEEDED", "worker", "start worker on node1 took 3 ms: started pid 1"),
            e("node2", -400, "VIEW_INSTALLED", "node1#1", "view node1#1 [node1, node2]"),
            e("node2", 33, "DEATH_CONFIRMED", "node1", "node1: its process exited"),
            e("node2", 34, "MEMBER_SUSPECTED", "node1", "failure detector suspects node1"),
            e("node2", 355, "VIEW_INSTALLED", "node2#2", "view node2#2 [node2]; left: [node1]"),
            e("node2", 381, "QUORUM_GAINED", "node2#2", "quorate: 1 of 2 votes [node2], tie won"),
            e("node2", 382, "TAKEOVER_WAIT", "node2#2", "holding every start for 20 ms, until ..."),
            e("node2", 410, "PLAN_COMPUTED", "", "start worker on node2 (epoch 2); start web on node2"),
            e("node2", 425, "ACTION_STARTED", "worker", "start worker on node2 (epoch 2)"),
            e("node2", 440, "ACTION_SUCCEEDED", "worker", "start worker on node2 took 14 ms: started pid 2"),
            e("node2", 453, "ACTION_SUCCEEDED", "web", "start web on node2 took 9 ms: listening"));

    @Test
    void haStackPhasesAfterAKillComeFromTheSurvivorsEventsInOrder() {
        Map<String, Long> phases = Phases.extract(
                Phases.Stack.HA_STACK, Scenario.KILL, HA_KILL, "node1", "node2", KILL, List.of("worker", "web"));
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("detected", 34L);
        expected.put("verified", 33L);
        expected.put("view", 355L);
        expected.put("quorum", 381L);
        expected.put("lease wait end", 402L);
        expected.put("plan", 410L);
        expected.put("first action", 425L);
        expected.put("start worker", 440L);
        expected.put("start web", 453L);
        assertEquals(expected, phases);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(phases.keySet()));
    }

    @Test
    void curatorPhasesAfterAKillAndAShutdown() {
        List<Event> events = List.of(
                e("node1", 14, "ACTION_SUCCEEDED", "web", "stop web on node1 took 2 ms: stopped"),
                e("node1", 15, "ACTION_SUCCEEDED", "worker", "stop worker on node1 took 1 ms: stopped"),
                e("node2", 2015, "LATCH_NODE_DELETED", "/bench/x", "1 latch node(s) gone"),
                e("node2", 2019, "LEADER", "/bench/x", "node2 holds the latch"),
                e("node2", 2041, "ACTION_SUCCEEDED", "worker", "start worker on node2 took 9 ms: started"),
                e("node2", 2068, "ACTION_SUCCEEDED", "web", "start web on node2 took 20 ms: listening"));
        Map<String, Long> kill = Phases.extract(
                Phases.Stack.CURATOR, Scenario.KILL, events, "node1", "node2", KILL, List.of("worker", "web"));
        assertEquals(List.of("detected", "leader", "start worker", "start web"), List.copyOf(kill.keySet()));
        assertEquals(2015L, kill.get("detected"));
        Map<String, Long> shutdown = Phases.extract(
                Phases.Stack.CURATOR, Scenario.SHUTDOWN, events, "node1", "node2", KILL, List.of("worker", "web"));
        assertEquals(15L, shutdown.get("stop confirmed"), "the last stop on the leaving node");
    }

    @Test
    void aRestartInPlaceStartsWithTheFailedMonitorAndIgnoresEarlierEvents() {
        List<Event> events = List.of(
                e("node1", -10, "MONITOR_FAILED", "worker", "an older failure"),
                e("node1", 912, "MONITOR_FAILED", "worker", "monitor of worker on node1 failed"),
                e("node1", 962, "PLAN_COMPUTED", "", "stop web on node1; stop worker on node1; ..."),
                e("node1", 1260, "ACTION_SUCCEEDED", "web", "stop web on node1 took 5 ms: stopped"),
                e("node1", 1268, "ACTION_SUCCEEDED", "worker", "stop worker on node1 took 0 ms: not running"),
                e("node1", 1283, "ACTION_SUCCEEDED", "worker", "start worker on node1 took 6 ms: started"),
                e("node1", 1296, "ACTION_SUCCEEDED", "web", "start web on node1 took 4 ms: listening"));
        Map<String, Long> phases = Phases.extract(
                Phases.Stack.HA_STACK, Scenario.PROC, events, "node1", "node1", KILL, List.of("worker", "web"));
        assertEquals(912L, phases.get("detected"));
        assertEquals(1268L, phases.get("stop confirmed"));
        assertEquals(1296L, phases.get("start web"));
        assertTrue(!phases.containsKey("view"), "no membership change: " + phases);
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(50L, 10L, 40L, 20L, 30L);
        assertEquals(30, Results.percentile(values, 50));
        assertEquals(50, Results.percentile(values, 99));
        assertEquals(10, Results.percentile(values, 1));
        assertEquals(7, Results.percentile(List.of(7L), 99));
        assertThrows(IllegalArgumentException.class, () -> Results.percentile(List.of(), 50));
    }

    private static Trial trial(Phases.Stack stack, int n, long detected, long service) {
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put(Phases.SERVICE, service); // out of order on purpose: the summary puts it last
        phases.put("detected", detected);
        return new Trial(stack, Scenario.KILL, "2 nodes, 2 resources", n, phases, Map.of(), "");
    }

    @Test
    void summariesPutTheServiceLastAndTheRatioComparesEndToEnd() {
        List<Trial> ha = List.of(trial(Phases.Stack.HA_STACK, 1, 30, 400), trial(Phases.Stack.HA_STACK, 2, 40, 600));
        List<Trial> curator =
                List.of(trial(Phases.Stack.CURATOR, 1, 2000, 2000), trial(Phases.Stack.CURATOR, 2, 2100, 2400));
        List<Results.Summary> s = Results.summarize(ha);
        assertEquals(new Results.Summary("detected", 2, 30, 40, 40), s.get(0));
        assertEquals(new Results.Summary(Phases.SERVICE, 2, 400, 600, 600), s.get(1));
        assertEquals(
                "ratio HA Stack / Curator, service: p50 400 / 2000 = 0.20, p99 600 / 2400 = 0.25",
                Results.ratio(ha, curator).orElseThrow());
        String table = Results.table("HA Stack, kill", ha);
        assertTrue(table.contains("service (end to end)       2     400     600     600"), table);
    }

    @Test
    void csvHasARowPerMeasureQuotesWhereNeededAndKeepsFailedTrials(@TempDir Path dir) throws Exception {
        Trial ok = new Trial(
                Phases.Stack.HA_STACK,
                Scenario.STOP,
                "2 nodes, 2 resources",
                1,
                Map.of(Phases.SERVICE, 3493L),
                Map.of("two_workers_ms", 0L),
                "");
        Trial failed = new Trial(
                Phases.Stack.CURATOR, Scenario.STOP, "2 nodes, 2 resources", 1, Map.of(), Map.of(), "timed out, \"x\"");
        Path file = dir.resolve("sub").resolve("trials.csv");
        Results.writeCsv(List.of(ok, failed), file);
        assertEquals(
                List.of(
                        "stack,scenario,variant,trial,kind,measure,ms,note",
                        "HA Stack,stop,\"2 nodes, 2 resources\",1,phase,service,3493,",
                        "HA Stack,stop,\"2 nodes, 2 resources\",1,check,two_workers_ms,0,",
                        "Curator,stop,\"2 nodes, 2 resources\",1,,,,\"timed out, \"\"x\"\"\""),
                Files.readAllLines(file));
    }

    @Test
    void summariesReadAsATimelineWhateverOrderThePhasesWereSeenIn() {
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("view", 115L);
        phases.put("plan", 5L);
        phases.put(Phases.SERVICE, 124L);
        phases.put("stop confirmed", 24L);
        Trial t = new Trial(Phases.Stack.HA_STACK, Scenario.SHUTDOWN, "2 nodes, 2 resources", 1, phases, Map.of(), "");
        assertEquals(
                List.of("plan", "stop confirmed", "view", Phases.SERVICE),
                Results.summarize(List.of(t)).stream()
                        .map(Results.Summary::phase)
                        .toList());
    }

    @Test
    void csvReadsBackAsTheSameTrials() {
        Trial ok = new Trial(
                Phases.Stack.CURATOR,
                Scenario.KILL,
                "2 nodes, 2 resources",
                3,
                Map.of("detected", 2015L),
                Map.of("two_workers_ms", 12L),
                "");
        Trial failed = new Trial(
                Phases.Stack.HA_STACK, Scenario.KILL, "2 nodes, 2 resources", 4, Map.of(), Map.of(), "a, \"b\"");
        assertEquals(List.of(ok, failed), Results.parseCsv(Results.csv(List.of(ok, failed))));
    }

    @Test
    void heapIsSummedOverTheGenerationsWithoutMetaspace() {
        String jcmd = """
                12345:
                 def new generation   total 19648K, used 10372K [0x00000000c0000000, ...)
                  eden space 17472K,  57% used [...]
                 tenured generation   total 43712K, used 9000K [0x00000000c1550000, ...)
                 Metaspace       used 20000K, committed 20480K, reserved 1114112K
                  class space    used 2000K, committed 2176K, reserved 1048576K
                """;
        assertEquals(
                Map.of("heap_used_kb", 19372L, "heap_committed_kb", 63360L), FailoverComparison.heapFromJcmd(jcmd));
    }

    @Test
    void haStackTimingsPassToEveryNodeAndABadOneIsRefused() {
        FailoverComparison.Options o = FailoverComparison.Options.parse(
                new String[] {"--ha-heartbeat-ms", "100,1000", "--ha-lease-ms", "1200", "--ha-verify-ms", "100"});
        assertEquals(List.of("--heartbeat-ms", "100,1000", "--verify-ms", "100", "--lease-ms", "1200"), o.haArgs());
        assertEquals(List.of(), FailoverComparison.Options.parse(new String[0]).haArgs());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--ha-heartbeat-ms", "1000"}));
        assertTrue(e.getMessage().contains("INTERVAL,TIMEOUT"), e.getMessage());
        assertEquals(
                List.of("--workers", "parallel"),
                FailoverComparison.Options.parse(new String[] {"--ha-workers", "parallel"})
                        .haArgs());
        IllegalArgumentException workers = assertThrows(
                IllegalArgumentException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--ha-workers", "fast"}));
        assertTrue(workers.getMessage().contains("ordered or parallel"), workers.getMessage());
        assertTrue(FailoverComparison.Options.parse(new String[] {"--ha-device", "zookeeper"})
                .haOnZooKeeper());
        assertFalse(FailoverComparison.Options.parse(new String[0]).haOnZooKeeper(), "the file device by default");
        IllegalArgumentException device = assertThrows(
                IllegalArgumentException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--ha-device", "etcd"}));
        assertTrue(device.getMessage().contains("file or zookeeper"), device.getMessage());
    }

    @Test
    void aClassArchiveForHaStacksNodesIsAskedForByOnAndAnythingElseIsRefused() {
        assertFalse(FailoverComparison.Options.parse(new String[0]).haClassArchive());
        assertTrue(FailoverComparison.Options.parse(new String[] {"--ha-class-archive", "on"})
                .haClassArchive());
        assertFalse(FailoverComparison.Options.parse(new String[] {"--ha-class-archive", "off"})
                .haClassArchive());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--ha-class-archive", "yes"}));
        assertTrue(e.getMessage().contains("--ha-class-archive"), e.getMessage());
        assertEquals(
                List.of(
                        "-Xshare:on",
                        "-XX:SharedArchiveFile=" + Path.of("out/ha-node.jsa").toAbsolutePath()),
                FailoverComparison.classArchiveOptions(Path.of("out/ha-node.jsa")));
    }

    @Test
    void jvmOptionsForHaStacksNodesAreSplitOnSpacesAndMustLookLikeOptions() {
        assertEquals(List.of(), FailoverComparison.Options.parse(new String[0]).haJvmOptions());
        assertEquals(
                List.of("-XX:+UseTransparentHugePages", "-Xmn8m"),
                FailoverComparison.Options.parse(
                                new String[] {"--ha-jvm-options", " -XX:+UseTransparentHugePages  -Xmn8m "})
                        .haJvmOptions());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--ha-jvm-options", "-Xmn8m Xss1m"}));
        assertTrue(e.getMessage().contains("'Xss1m'"), e.getMessage());
    }

    @Test
    void theIdleScenarioWaitsFiveSecondsAfterTheMachineSettledUnlessTold() {
        assertEquals(5, FailoverComparison.Options.parse(new String[0]).idleWarmSeconds());
        assertEquals(
                120,
                FailoverComparison.Options.parse(new String[] {"--idle-warm-s", "120"})
                        .idleWarmSeconds());
        assertThrows(
                NumberFormatException.class,
                () -> FailoverComparison.Options.parse(new String[] {"--idle-warm-s", "long"}));
    }

    @Test
    void faultsComeAtOnceAfterTheSettleUnlessAWarmUpIsAskedForWhichMustBeWholeSeconds() {
        assertEquals(0, FailoverComparison.Options.parse(new String[0]).warmSeconds());
        assertEquals(
                45,
                FailoverComparison.Options.parse(new String[] {"--warm-s", "45"})
                        .warmSeconds());
        for (String bad : List.of("-1", "1.5", "soon", "")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> FailoverComparison.Options.parse(new String[] {"--warm-s", bad}));
            assertTrue(e.getMessage().contains("--warm-s"), e.getMessage());
        }
    }

    @Test
    void parallelWorkersStartInOneBatchAndThePageAfterThemInTheSamePlan() {
        ClusterConfig config = DemoCluster.workersAndWeb(8080, List.of("node1", "node2"), 4, true);
        Plan plan = new DefaultPlanner()
                .plan(
                        new ClusterSnapshot(
                                config,
                                new ViewId(NodeId.of("node1"), 1),
                                List.of(
                                        new NodeInfo(NodeId.of("node1"), NodeStatus.ONLINE, Map.of(), Map.of()),
                                        new NodeInfo(NodeId.of("node2"), NodeStatus.ONLINE, Map.of(), Map.of()))),
                        java.time.Instant.EPOCH);
        assertEquals(
                List.of("worker@node1", "worker2@node1", "worker3@node1", "web@node1"),
                plan.actions().stream().map(a -> a.resource() + "@" + a.node()).toList(),
                plan.summary());
        assertFalse(config.group(GroupId.of("workers")).orElseThrow().ordered());
    }

    @Test
    void aViewsMembersAreReadFromItsEventsDetail() {
        assertEquals(List.of("node1", "node2"), FailoverComparison.viewMembers("merged view node1#3 [node1, node2]"));
        assertEquals(List.of("node2"), FailoverComparison.viewMembers("view node2#2 [node2]; left: [node1]"));
        assertEquals(List.of(), FailoverComparison.viewMembers("no view here"));
    }

    @Test
    void scenariosAreNamedByTheirFlags() {
        assertEquals(Scenario.SHUTDOWN, Scenario.of(" Shutdown"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.of("reboot"));
        assertTrue(e.getMessage().contains("kill"), e.getMessage());
    }
}
