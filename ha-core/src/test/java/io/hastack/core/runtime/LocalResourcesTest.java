package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.Call;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.HaEvent.Type;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.CloneInstance;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local resource state machine on its own, on virtual time, driven by scripted agent answers:
 * {@code STOPPED -> RUNNING -> FAILED}, stop escalation to a forced stop and {@code BLOCKED},
 * cleanup, probes and recurring monitors, batches that end exactly once. (The agents answer at
 * once, so {@code STARTING} and {@code STOPPING} are not observed here; HaNodeTest holds a slow start.)
 */
@Tag("unit")
class LocalResourcesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final ResourceId A = ResourceId.of("a");
    private static final ResourceId B = ResourceId.of("b");

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
    private final ScriptedExecutor executor = new ScriptedExecutor();
    private final AtomicInteger reports = new AtomicInteger();

    private static ClusterConfig twoInAGroup(ResourceSpec.Builder a) {
        return ClusterConfig.builder()
                .nodes("n1")
                .group(ResourceGroup.of(
                        "g", a.build(), ResourceSpec.builder("b", "test").build()))
                .build();
    }

    private LocalResources local(ClusterConfig config) {
        return executor.local(N1, config, time, reports::incrementAndGet);
    }

    private static Action start(ResourceId r) {
        return new Action(ActionType.START, N1, GroupId.of("g"), r, "test");
    }

    private static Action stop(ResourceId r) {
        return new Action(ActionType.STOP, N1, GroupId.of("g"), r, "test");
    }

    /** Runs {@code actions} as one batch; returns how many times the batch ended. */
    private AtomicInteger run(LocalResources resources, Action... actions) {
        AtomicInteger done = new AtomicInteger();
        resources.execute(List.of(actions), () -> true, done::incrementAndGet);
        time.runFor(Duration.ofMillis(10));
        return done;
    }

    @Test
    void aStartThatSucceedsRunsAndIsMonitoredOnItsInterval() {
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(2))));
        assertEquals(1, run(resources, start(A)).get());
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(A));
        assertTrue(executor.events.contains(Type.ACTION_SUCCEEDED), executor.events.toString());
        executor.log.clear();
        time.runFor(Duration.ofMillis(4_500));
        assertEquals(List.of("monitor a", "monitor a"), executor.log);
        assertTrue(reports.get() > 0, "every change is reported");
    }

    @Test
    void aChangeOfReloadableParametersReloadsTheRunningResourceAndNothingElseStops() {
        LocalResources resources = local(twoInAGroup(
                ResourceSpec.builder("a", "test").param("level", "1").param("path", "/x")));
        run(resources, start(A), start(B));
        executor.log.clear();

        CompletableFuture<LocalResources.Change> reloaded = resources.reconfigure(
                twoInAGroup(
                        ResourceSpec.builder("a", "test").param("level", "2").param("path", "/x")),
                () -> false);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(A), reloaded.join().reloaded());
        assertEquals(List.of(), reloaded.join().restarted());
        assertEquals(List.of("reload a"), executor.log, "no stop of a, nor of b that follows it");
        assertEquals("2", executor.reloads.get(0).parameters().get("level"), "reloaded with the new value");
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(A));
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(B));

        // A parameter the agent cannot reload restarts it, and what follows it stops first.
        executor.log.clear();
        CompletableFuture<LocalResources.Change> restarted = resources.reconfigure(
                twoInAGroup(
                        ResourceSpec.builder("a", "test").param("level", "2").param("path", "/y")),
                () -> false);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(A), restarted.join().restarted());
        assertEquals(List.of("stop b", "stop a", "monitor a"), executor.log, "stopped in order, then probed");

        // A failed reload leaves the resource failed, counted as a failed monitor, for recovery.
        run(resources, start(A), start(B));
        executor.answer("reload", "a", AgentOutcome.failed("bad level"));
        CompletableFuture<LocalResources.Change> failed = resources.reconfigure(
                twoInAGroup(
                        ResourceSpec.builder("a", "test").param("level", "3").param("path", "/y")),
                () -> false);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(A), failed.join().reloaded());
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
        assertEquals(Operation.MONITOR, resources.failures().get(A).operation());
        assertTrue(
                executor.details.stream().anyMatch(d -> d.contains("reload of a on n1 failed: ")),
                executor.details.toString());
    }

    @Test
    void aFailedStartIsFailedWithAFailureAndEndsItsBatch() {
        executor.answer("start", "a", AgentOutcome.failed("port in use"));
        LocalResources resources = local(twoInAGroup(ResourceSpec.builder("a", "test")));
        assertEquals(1, run(resources, start(A), start(B)).get(), "the batch ends once, at the failure");
        assertEquals(List.of("start a"), executor.log, "b is not started after a failed");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
        assertEquals(1, resources.failures().get(A).count());
        assertEquals(Operation.START, resources.failures().get(A).operation());
        assertTrue(
                executor.details.stream().anyMatch(d -> d.contains("start a on n1 failed")),
                executor.details.toString());
    }

    @Test
    void aFailedMonitorFailsTheResourceUnlessItsPolicyIsIgnore() {
        executor.answer("monitor", "a", AgentOutcome.failed("gone"));
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(1))));
        run(resources, start(A));
        time.runFor(Duration.ofMillis(1_500));
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
        assertEquals(Operation.MONITOR, resources.failures().get(A).operation());
        assertTrue(executor.events.contains(Type.MONITOR_FAILED));

        ScriptedExecutor lenient = new ScriptedExecutor().answer("monitor", "a", AgentOutcome.failed("blip"));
        LocalResources ignoring = lenient.local(
                N1,
                twoInAGroup(ResourceSpec.builder("a", "test")
                        .monitorInterval(Duration.ofSeconds(1))
                        .onFail(Operation.MONITOR, OnFail.IGNORE)),
                time,
                () -> {});
        ignoring.execute(List.of(start(A)), () -> true, () -> {});
        time.runFor(Duration.ofMillis(2_500));
        assertEquals(ResourceState.RUNNING, ignoring.activeStates().get(A), "on-fail=ignore keeps it running");
        assertEquals(1, ignoring.failures().get(A).count(), "but counts the failure");
        assertTrue(lenient.log.stream().filter("monitor a"::equals).count() >= 2, "and monitors on");
    }

    /** Holds a's next monitor (every second) and runs until it is under way; complete it to answer. */
    private CompletableFuture<AgentOutcome> monitorOfAUnderWay() {
        CompletableFuture<AgentOutcome> monitorOfA = executor.hold("monitor", "a");
        time.runFor(Duration.ofMillis(1_100));
        assertTrue(executor.log.contains("monitor a"), executor.log.toString());
        return monitorOfA;
    }

    /**
     * The node stops everything itself (a lapsed lease): a monitor that was under way and fails
     * before the resource's own stop (the watchdog killed its process) counts no failure.
     */
    @Test
    void aMonitorThatFailsWhileTheNodeStopsEverythingCountsNoFailure() {
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(1))));
        run(resources, start(A), start(B));
        CompletableFuture<AgentOutcome> monitorOfA = monitorOfAUnderWay();
        CompletableFuture<AgentOutcome> stopOfB = executor.hold("stop", "b");
        CompletableFuture<Void> stopped = resources.stopAll("node n1 stalled for 2300 ms");
        time.runFor(Duration.ofMillis(10));
        assertTrue(executor.log.contains("stop b"), executor.log.toString());

        monitorOfA.complete(AgentOutcome.failed("pid 7 exited on its own with 137"));
        time.runFor(Duration.ofMillis(10));
        assertEquals(null, resources.failures().get(A), "no failure counted");
        assertFalse(executor.events.contains(Type.MONITOR_FAILED), executor.events.toString());

        stopOfB.complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        assertTrue(stopped.isDone());
        assertEquals(Map.of(), resources.activeStates());
    }

    /**
     * The node stalled without seeing its lease lapse, but its watchdog killed its processes: the
     * monitor's failure that follows is no failure of the resource (not counted against its
     * migration threshold), and the resource is still failed here so that it is recovered.
     */
    @Test
    void aMonitorThatFailsAfterTheWatchdogKilledTheNodesProcessesCountsNoFailure() {
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(1))));
        run(resources, start(A), start(B));
        CompletableFuture<AgentOutcome> monitorOfA = monitorOfAUnderWay();

        executor.watchdogKills.incrementAndGet();
        monitorOfA.complete(AgentOutcome.failed("pid 7 exited on its own with 137"));
        time.runFor(Duration.ofMillis(10));
        assertEquals(null, resources.failures().get(A), "no failure counted");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A), "but failed here, to be recovered");
        assertTrue(
                executor.details.stream().anyMatch(d -> d.contains("not counted: the node watchdog killed")),
                executor.details.toString());

        // b was last known to run before the kill: its first failure after it is not counted either.
        executor.answer("monitor", "b", AgentOutcome.failed("pid 8 was killed"));
        time.runFor(ResourceSpec.DEFAULT_MONITOR_INTERVAL);
        assertEquals(null, resources.failures().get(B), "b's failure after the kill is not counted");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(B));

        // Started again after the kill, then failing: counted as before.
        run(resources, stop(A), stop(B));
        run(resources, start(A), start(B));
        executor.answer("monitor", "a", AgentOutcome.failed("pid 9 exited on its own with 1"));
        time.runFor(Duration.ofMillis(1_100));
        assertEquals(1, resources.failures().get(A).count(), "a failure with no kill since the start is counted");
    }

    /**
     * Right after a stall the watchdog's report and the monitor's failure arrive together: the
     * failure is decided once the node has read every report the watchdog sent before (a round
     * trip to the watchdog), so a report read after the answer still counts.
     */
    @Test
    void aMonitorFailureWaitsForTheWatchdogsReportsBeforeItIsCounted() {
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(1))));
        run(resources, start(A), start(B));
        CompletableFuture<AgentOutcome> monitorOfA = monitorOfAUnderWay();
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        executor.watchdogCaughtUp = caughtUp;
        monitorOfA.complete(AgentOutcome.failed("pid 7 exited on its own with 137"));
        time.runFor(Duration.ofMillis(10));
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(A), "not decided yet");
        assertFalse(executor.events.contains(Type.MONITOR_FAILED), executor.events.toString());

        executor.watchdogKills.incrementAndGet(); // the report, read after the answer
        caughtUp.complete(null);
        time.runFor(Duration.ofMillis(10));
        assertEquals(null, resources.failures().get(A), "not counted");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
    }

    /**
     * A monitor that succeeded was called before the kill (its answer waited out the stall): the
     * kill counts from that call, so the failure after it is still not counted.
     */
    @Test
    void aKillAfterASuccessfulMonitorWasCalledStillExcusesTheNextFailure() {
        LocalResources resources =
                local(twoInAGroup(ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(1))));
        run(resources, start(A));
        CompletableFuture<AgentOutcome> monitorOfA = monitorOfAUnderWay();
        executor.watchdogKills.incrementAndGet(); // during the stall, after the monitor was called
        monitorOfA.complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        executor.answer("monitor", "a", AgentOutcome.failed("pid 7 was killed"));
        time.runFor(Duration.ofMillis(1_100));
        assertEquals(null, resources.failures().get(A), "not counted");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
    }

    @Test
    void aFailedStopIsForcedAndStopsIfTheForceWorks() {
        executor.answer("stop", "a", AgentOutcome.failed("timed out"));
        LocalResources resources = local(twoInAGroup(ResourceSpec.builder("a", "test")));
        run(resources, start(A));
        assertEquals(1, run(resources, stop(A)).get());
        assertEquals(List.of("start a", "stop a", "force-stop a"), executor.log);
        assertFalse(resources.activeStates().containsKey(A), "stopped");
        assertEquals(Operation.STOP, resources.failures().get(A).operation(), "the failed stop is still counted");
    }

    @Test
    void aStopThatCannotBeForcedBlocksTheResourceUntilACleanupFindsItStopped() {
        executor.answer("stop", "a", AgentOutcome.failed("timed out"))
                .answer("force-stop", "a", AgentOutcome.failed("cannot kill"));
        LocalResources resources = local(twoInAGroup(ResourceSpec.builder("a", "test")));
        run(resources, start(A));
        run(resources, stop(A));
        assertEquals(ResourceState.BLOCKED, resources.activeStates().get(A));
        assertTrue(executor.details.stream().anyMatch(d -> d.contains("blocked until the node is fenced")));

        executor.answer("monitor", "a", AgentOutcome.notRunning("gone now"));
        CompletableFuture<Void> cleaned = resources.cleanup(A);
        time.runFor(Duration.ofMillis(10));
        assertTrue(cleaned.isDone(), "the cleanup completed");
        assertFalse(resources.activeStates().containsKey(A), "the probe after the cleanup found it stopped");
        assertFalse(resources.failures().containsKey(A), "and the failures are forgotten");
    }

    @Test
    void aBatchThatIsNoLongerValidStopsBeforeItsNextAction() {
        LocalResources resources = local(twoInAGroup(ResourceSpec.builder("a", "test")));
        AtomicInteger done = new AtomicInteger();
        resources.execute(List.of(start(A), start(B)), () -> executor.log.isEmpty(), done::incrementAndGet);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start a"), executor.log, "the view changed after a: b is not started");
        assertEquals(1, done.get());
    }

    /**
     * Regression (issue 11): every monitor reached agents as a probe. The first monitor of a
     * resource here and every one after a cleanup are probes (interval zero); the scheduled ones
     * recur with the resource's interval; a clone's calls name the copy.
     */
    @Test
    void probesAndRecurringMonitorsAreToldApartAndAClonesCopyIsNamed() {
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n0", "n1")
                .group(ResourceGroup.of(
                        "g",
                        ResourceSpec.builder("a", "test")
                                .monitorInterval(Duration.ofSeconds(3))
                                .build()))
                .group(ResourceGroup.clone(
                        "c",
                        ResourceGroup.EVERY_NODE,
                        ResourceSpec.builder("b", "test").build()))
                .build();
        LocalResources resources = local(config);
        CompletableFuture<Void> probed = resources.probeAll();
        time.runFor(Duration.ofMillis(10));
        assertTrue(probed.isDone(), "the probes completed");
        List<Call> calls = executor.calls;
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.stream().allMatch(c -> c.operation() == Operation.MONITOR && c.isProbe()), calls.toString());
        assertEquals(Optional.empty(), calls.get(0).cloneInstance());
        assertEquals(
                Optional.of(CloneInstance.anonymous(1, 2)),
                calls.get(1).cloneInstance(),
                "n1 is the second configured node; the clone runs on at most both");

        // Both probes found their resources running: they are adopted and then monitored on their interval.
        calls.clear();
        time.runFor(Duration.ofMillis(3_500));
        Call recurring = calls.stream()
                .filter(c -> c.spec().id().equals(A))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no monitor of a: " + calls));
        assertEquals(Operation.MONITOR, recurring.operation());
        assertEquals(Duration.ofSeconds(3), recurring.interval());
        assertFalse(recurring.isProbe());

        // Its next recurring monitor fails; the cleanup that follows probes it.
        executor.answer("monitor", "a", AgentOutcome.failed("gone"));
        time.runFor(Duration.ofMillis(3_500));
        assertEquals(ResourceState.FAILED, resources.activeStates().get(A));
        calls.clear();
        CompletableFuture<Void> cleaned = resources.cleanup(null);
        time.runFor(Duration.ofMillis(10));
        assertTrue(cleaned.isDone(), "the cleanup completed");
        List<Call> afterCleanup =
                calls.stream().filter(c -> c.spec().id().equals(A)).toList();
        assertEquals(1, afterCleanup.size(), calls.toString());
        assertTrue(
                afterCleanup.get(0).isProbe() && afterCleanup.get(0).operation() == Operation.MONITOR,
                "a cleanup probes: " + afterCleanup);
    }

    /**
     * Regression (issue 12): the emergency stop (pause, quorum loss, close without hand-over)
     * ignored order constraints and stopped db before web, where the planner stops web first.
     */
    @Test
    void anEmergencyStopFollowsTheOrderConstraintsAsThePlannerDoes() {
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(ResourceGroup.of(
                        "web-group", ResourceSpec.builder("web", "test").build()))
                .group(ResourceGroup.of(
                        "db-group",
                        ResourceSpec.builder("db", "test").build(),
                        ResourceSpec.builder("db-log", "test").build()))
                .order(OrderConstraint.mandatory("db-then-web", "db-group", "web-group"))
                .build();
        LocalResources resources = local(config);
        resources.execute(
                List.of(
                        new Action(ActionType.START, N1, GroupId.of("db-group"), ResourceId.of("db"), "test"),
                        new Action(ActionType.START, N1, GroupId.of("db-group"), ResourceId.of("db-log"), "test"),
                        new Action(ActionType.START, N1, GroupId.of("web-group"), ResourceId.of("web"), "test")),
                () -> true,
                () -> {});
        time.runFor(Duration.ofMillis(100));
        executor.log.clear();
        CompletableFuture<Void> stopped = resources.stopAll("pause");
        time.runFor(Duration.ofMillis(100));
        assertTrue(stopped.isDone());
        assertEquals(List.of("stop web", "stop db-log", "stop db"), executor.log);
        // The planner, asked to move both groups away from n1 (standby), stops them in the same order.
        io.hastack.core.spi.plan.Plan plan = new io.hastack.core.plan.DefaultPlanner()
                .plan(
                        new io.hastack.core.spi.plan.ClusterSnapshot(
                                config,
                                new io.hastack.core.spi.membership.ViewId(N1, 1),
                                List.of(
                                        new io.hastack.core.spi.plan.NodeInfo(
                                                N1,
                                                io.hastack.core.spi.plan.NodeStatus.STANDBY,
                                                java.util.Map.of(
                                                        ResourceId.of("web"), ResourceState.RUNNING,
                                                        ResourceId.of("db"), ResourceState.RUNNING,
                                                        ResourceId.of("db-log"), ResourceState.RUNNING),
                                                java.util.Map.of()),
                                        new io.hastack.core.spi.plan.NodeInfo(
                                                NodeId.of("n2"),
                                                io.hastack.core.spi.plan.NodeStatus.ONLINE,
                                                java.util.Map.of(),
                                                java.util.Map.of()))),
                        time.now());
        assertEquals(
                plan.actions().stream()
                        .filter(a -> a.type() == ActionType.STOP)
                        .map(a -> "stop " + a.resource())
                        .toList(),
                executor.log,
                "the planner's stop order: " + plan.summary());
    }

    @Test
    void aListenerThatThrowsNeverLeavesABatchUnfinished() {
        ClusterConfig config = twoInAGroup(ResourceSpec.builder("a", "test"));
        AtomicInteger changes = new AtomicInteger();
        LocalResources resources = executor.local(N1, config, time, () -> {
            // Throws on the second report: inside the callback that takes a's result.
            if (changes.incrementAndGet() == 2) {
                throw new IllegalStateException("a report could not be sent");
            }
        });
        AtomicInteger done = new AtomicInteger();
        resources.execute(List.of(start(A), start(B)), () -> true, done::incrementAndGet);
        time.runFor(Duration.ofSeconds(1));
        assertEquals(1, done.get(), "the batch ended exactly once");
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(A));
    }

    @Test
    void aResultThatArrivesAfterTheNodeStoppedIsDroppedQuietly() throws Exception {
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1")
                .group(ResourceGroup.of("g", ResourceSpec.builder("a", "test").build()))
                .build();
        CompletableFuture<OperationResult> answer = new CompletableFuture<>();
        CompletableFuture<Void> issued = new CompletableFuture<>();
        ScriptedExecutor slow = new ScriptedExecutor() {
            @Override
            public CompletableFuture<OperationResult> call(ResourceAgent agent, Call call) {
                issued.complete(null);
                return answer;
            }
        };
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger events = new AtomicInteger();
        LocalResources resources = new LocalResources(
                N1,
                config,
                Clock.systemUTC(),
                AgentRegistry.builder()
                        .register("test", s -> new ScriptedExecutor.Unused())
                        .build(),
                slow,
                loop,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {}

                    @Override
                    public void event(EventData data, String subject, String detail) {
                        events.incrementAndGet();
                    }
                },
                false);
        AtomicInteger done = new AtomicInteger();
        loop.execute(() -> resources.execute(List.of(start(A)), () -> true, done::incrementAndGet));
        issued.get(30, TimeUnit.SECONDS);
        loop.shutdownNow(); // the node halts while its start runs
        int before = events.get();
        answer.complete(new OperationResult(
                A, Operation.START, OperationResult.Completion.ANSWERED, AgentOutcome.success(), Duration.ZERO));
        // Nothing may run event-thread code on the agent's thread once the event thread is gone.
        assertEquals(0, done.get(), "the batch of a stopped node is not ended on a foreign thread");
        assertEquals(before, events.get(), "no event emitted after the node stopped");
    }

    private static ClusterConfig members(int count, boolean ordered) {
        ResourceSpec[] specs = new ResourceSpec[count];
        for (int i = 0; i < count; i++) {
            specs[i] = ResourceSpec.builder("m" + i, "test").build();
        }
        ResourceGroup g = ResourceGroup.of("g", specs);
        return ClusterConfig.builder()
                .nodes("n1")
                .group(ordered ? g : g.unordered())
                .build();
    }

    private static Action start(int member) {
        return start(ResourceId.of("m" + member));
    }

    @Test
    void theStartsOfAnUnorderedGroupRunAtOnceAndTheNextActionWaitsForAllOfThem() {
        LocalResources resources = local(members(3, false));
        CompletableFuture<AgentOutcome> m0 = executor.hold("start", "m0");
        CompletableFuture<AgentOutcome> m1 = executor.hold("start", "m1");
        AtomicInteger done = new AtomicInteger();
        resources.execute(
                List.of(start(0), start(1), stop(ResourceId.of("m2")), start(2)), () -> true, done::incrementAndGet);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start m0", "start m1"), executor.log, "both starts under way, the stop waits");

        m1.complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start m0", "start m1"), executor.log, "the stop waits for m0 too");
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(ResourceId.of("m1")));

        m0.complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start m0", "start m1", "stop m2", "start m2"), executor.log);
        assertEquals(1, done.get(), "the list ends once");
    }

    private static ClusterConfig unorderedPair(String path) {
        return ClusterConfig.builder()
                .nodes("n1")
                .group(ResourceGroup.of(
                                "g",
                                ResourceSpec.builder("a", "test")
                                        .param("path", path)
                                        .build(),
                                ResourceSpec.builder("b", "test").build())
                        .unordered())
                .build();
    }

    @Test
    void aParameterChangeInAnUnorderedGroupRestartsOnlyThatMember() {
        ClusterConfig before = unorderedPair("/x");
        LocalResources resources = local(before);
        run(resources, start(A), start(B));
        executor.log.clear();
        CompletableFuture<LocalResources.Change> restarted = resources.reconfigure(unorderedPair("/y"), () -> false);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of(A), restarted.join().restarted());
        assertEquals(List.of("stop a", "monitor a"), executor.log, "b, listed after a, keeps running");
        assertEquals(ResourceState.RUNNING, resources.activeStates().get(B));
    }

    @Test
    void theStartsOfAnOrderedGroupRunOneAfterTheOther() {
        LocalResources resources = local(members(2, true));
        CompletableFuture<AgentOutcome> m0 = executor.hold("start", "m0");
        AtomicInteger done = new AtomicInteger();
        resources.execute(List.of(start(0), start(1)), () -> true, done::incrementAndGet);
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start m0"), executor.log, "m1 waits for m0");
        m0.complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        assertEquals(List.of("start m0", "start m1"), executor.log);
        assertEquals(1, done.get());
    }

    @Test
    void aParallelBatchHasAtMostTheLimitUnderWayAndEndsAfterAFailureOnceTheOthersHaveEnded() {
        int count = LocalResources.PARALLEL_LIMIT + 2;
        LocalResources resources = local(members(count, false));
        List<CompletableFuture<AgentOutcome>> held = new java.util.ArrayList<>();
        List<Action> actions = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(executor.hold("start", "m" + i));
            actions.add(start(i));
        }
        actions.add(stop(ResourceId.of("m0")));
        AtomicInteger done = new AtomicInteger();
        resources.execute(actions, () -> true, done::incrementAndGet);
        time.runFor(Duration.ofMillis(10));
        assertEquals(LocalResources.PARALLEL_LIMIT, executor.log.size(), executor.log.toString());

        held.get(0).complete(AgentOutcome.success());
        time.runFor(Duration.ofMillis(10));
        assertEquals(LocalResources.PARALLEL_LIMIT + 1, executor.log.size(), "one ended, the next began");

        held.get(1).complete(AgentOutcome.failed("no"));
        time.runFor(Duration.ofMillis(10));
        assertEquals(LocalResources.PARALLEL_LIMIT + 1, executor.log.size(), "after a failure no more begin");
        assertEquals(0, done.get(), "the batch waits for the starts under way");

        for (int i = 2; i <= LocalResources.PARALLEL_LIMIT; i++) {
            held.get(i).complete(AgentOutcome.success());
        }
        time.runFor(Duration.ofMillis(10));
        assertEquals(1, done.get(), "ended once, after every start under way had ended");
        assertFalse(executor.log.contains("stop m0"), "the action after the failed batch is abandoned");
        assertFalse(executor.log.contains("start m" + (count - 1)), "the last start never began");
        assertEquals(ResourceState.FAILED, resources.activeStates().get(ResourceId.of("m1")));
    }
}
