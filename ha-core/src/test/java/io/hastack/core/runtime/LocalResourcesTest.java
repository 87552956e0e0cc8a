package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.agent.AgentContext;
import io.hastack.core.agent.AgentMetadata;
import io.hastack.core.agent.AgentOutcome;
import io.hastack.core.agent.AgentRegistry;
import io.hastack.core.agent.ResourceAgent;
import io.hastack.core.exec.AgentExecutor;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.plan.Action;
import io.hastack.core.plan.ActionType;
import io.hastack.core.runtime.HaEvent.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The executor's batches always end, whatever a callback throws. */
@Tag("unit")
class LocalResourcesTest {
    private static final NodeId N1 = NodeId.of("n1");

    /** Answers every call at once with success. */
    private static class Instant200 implements AgentExecutor {
        @Override
        public CompletableFuture<OperationResult> call(ResourceAgent agent, io.hastack.core.exec.Call call) {
            return CompletableFuture.completedFuture(new OperationResult(call.spec().id(), call.operation(),
                    OperationResult.Completion.ANSWERED, AgentOutcome.success(), Duration.ZERO));
        }

        @Override
        public CompletableFuture<OperationResult> forceStop(ResourceAgent agent, ResourceSpec spec, NodeId node,
                long epoch) {
            return call(agent, spec, node, Operation.STOP, epoch);
        }

        @Override
        public void close() {}
    }

    private static final class Nothing implements ResourceAgent {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("test", "", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext c) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext c) {
            return AgentOutcome.success();
        }
    }

    /**
     * Regression (issue 11): every monitor reached agents as a probe. The first monitor of a
     * resource here and every one after a cleanup are probes (interval zero); the scheduled ones
     * recur with the resource's interval; a clone's calls name the copy.
     */
    @Test
    void probesAndRecurringMonitorsAreToldApartAndAClonesCopyIsNamed() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
        ClusterConfig config = ClusterConfig.builder().nodes("n0", "n1").group(ResourceGroup.of("g",
                ResourceSpec.builder("a", "test").monitorInterval(Duration.ofSeconds(3)).build()))
                .group(ResourceGroup.clone("c", ResourceGroup.EVERY_NODE, ResourceSpec.builder("b", "test").build()))
                .build();
        List<io.hastack.core.exec.Call> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean failA = new java.util.concurrent.atomic.AtomicBoolean();
        AgentExecutor recording = new Instant200() {
            @Override
            public CompletableFuture<OperationResult> call(ResourceAgent agent, io.hastack.core.exec.Call call) {
                calls.add(call);
                if (failA.get() && call.spec().id().value().equals("a") && !call.isProbe()) {
                    return CompletableFuture.completedFuture(new OperationResult(call.spec().id(), call.operation(),
                            OperationResult.Completion.ANSWERED, AgentOutcome.failed("gone"), Duration.ZERO));
                }
                return super.call(agent, call);
            }
        };
        LocalResources resources = new LocalResources(N1, config, time.clock(),
                AgentRegistry.builder().register("test", s -> new Nothing()).build(), recording, time,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {}

                    @Override
                    public void event(Type type, String subject, String detail) {}
                });
        resources.probeAll();
        time.runFor(Duration.ofMillis(10));
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.stream().allMatch(c -> c.operation() == Operation.MONITOR && c.isProbe()), calls.toString());
        assertEquals(java.util.Optional.empty(), calls.get(0).cloneInstance());
        assertEquals(java.util.Optional.of(io.hastack.core.agent.CloneInstance.anonymous(1, 2)), calls.get(1).cloneInstance(),
                "n1 is the second configured node; the clone runs on at most both");

        // Both probes found their resources running: they are adopted and then monitored on their interval.
        calls.clear();
        time.runFor(Duration.ofMillis(3_500));
        io.hastack.core.exec.Call recurring = calls.stream().filter(c -> c.spec().id().value().equals("a"))
                .findFirst().orElseThrow(() -> new AssertionError("no monitor of a: " + calls));
        assertEquals(Operation.MONITOR, recurring.operation());
        assertEquals(Duration.ofSeconds(3), recurring.interval());
        assertTrue(!recurring.isProbe());

        // Its next recurring monitor fails; the cleanup that follows probes it.
        failA.set(true);
        time.runFor(Duration.ofMillis(3_500));
        assertEquals(ResourceState.FAILED, resources.activeStates().get(ResourceId.of("a")));
        calls.clear();
        resources.cleanup(null);
        time.runFor(Duration.ofMillis(10));
        List<io.hastack.core.exec.Call> afterCleanup = calls.stream().filter(c -> c.spec().id().value().equals("a"))
                .toList();
        assertEquals(1, afterCleanup.size(), calls.toString());
        assertTrue(afterCleanup.get(0).isProbe() && afterCleanup.get(0).operation() == Operation.MONITOR,
                "a cleanup probes: " + afterCleanup);
    }

    /**
     * Regression (issue 12): the emergency stop (pause, quorum loss, close without hand-over)
     * ignored order constraints and stopped db before web, where the planner stops web first.
     */
    @Test
    void anEmergencyStopFollowsTheOrderConstraintsAsThePlannerDoes() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
        ClusterConfig config = ClusterConfig.builder().nodes("n1")
                .group(ResourceGroup.of("web-group", ResourceSpec.builder("web", "test").build()))
                .group(ResourceGroup.of("db-group", ResourceSpec.builder("db", "test").build(),
                        ResourceSpec.builder("db-log", "test").build()))
                .order(io.hastack.core.model.OrderConstraint.mandatory("db-then-web", "db-group", "web-group"))
                .build();
        List<String> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        AgentExecutor recording = new Instant200() {
            @Override
            public CompletableFuture<OperationResult> call(ResourceAgent agent, io.hastack.core.exec.Call call) {
                if (call.operation() == Operation.STOP) {
                    stops.add(call.spec().id().value());
                }
                return super.call(agent, call);
            }
        };
        LocalResources resources = new LocalResources(N1, config, time.clock(),
                AgentRegistry.builder().register("test", s -> new Nothing()).build(), recording, time,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {}

                    @Override
                    public void event(Type type, String subject, String detail) {}
                });
        resources.execute(List.of(
                new Action(ActionType.START, N1, GroupId.of("db-group"), ResourceId.of("db"), "test"),
                new Action(ActionType.START, N1, GroupId.of("db-group"), ResourceId.of("db-log"), "test"),
                new Action(ActionType.START, N1, GroupId.of("web-group"), ResourceId.of("web"), "test")),
                () -> true, () -> {});
        time.runFor(Duration.ofMillis(100));
        CompletableFuture<Void> stopped = resources.stopAll("pause");
        time.runFor(Duration.ofMillis(100));
        assertTrue(stopped.isDone());
        assertEquals(List.of("web", "db-log", "db"), stops);
        assertEquals(io.hastack.core.plan.StopOrder.stopEverything(config, N1, id -> true, "x").stream()
                .map(a -> a.resource().value()).toList(), stops, "the planner's stop order");
    }

    @Test
    void aListenerThatThrowsNeverLeavesABatchUnfinished() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-11-22T00:00:00Z"));
        ClusterConfig config = ClusterConfig.builder().nodes("n1").group(ResourceGroup.of("g",
                ResourceSpec.builder("a", "test").build(), ResourceSpec.builder("b", "test").build())).build();
        AtomicInteger calls = new AtomicInteger();
        LocalResources resources = new LocalResources(N1, config, time.clock(),
                AgentRegistry.builder().register("test", s -> new Nothing()).build(), new Instant200(), time,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {
                        // Throws on the second report: inside the callback that takes a's result.
                        if (calls.incrementAndGet() == 2) {
                            throw new IllegalStateException("a report could not be sent");
                        }
                    }

                    @Override
                    public void event(Type type, String subject, String detail) {}
                });
        AtomicInteger done = new AtomicInteger();
        resources.execute(List.of(
                new Action(ActionType.START, N1, GroupId.of("g"), ResourceId.of("a"), "test"),
                new Action(ActionType.START, N1, GroupId.of("g"), ResourceId.of("b"), "test")), () -> true,
                done::incrementAndGet);
        time.runFor(Duration.ofSeconds(1));
        assertEquals(1, done.get(), "the batch ended exactly once");
        assertTrue(resources.activeStates().get(ResourceId.of("a")) == ResourceState.RUNNING);
    }

    @Test
    void aResultThatArrivesAfterTheNodeStoppedIsDroppedQuietly() throws Exception {
        ClusterConfig config = ClusterConfig.builder().nodes("n1").group(ResourceGroup.of("g",
                ResourceSpec.builder("a", "test").build())).build();
        CompletableFuture<OperationResult> answer = new CompletableFuture<>();
        CompletableFuture<Void> issued = new CompletableFuture<>();
        AgentExecutor slow = new Instant200() {
            @Override
            public CompletableFuture<OperationResult> call(ResourceAgent agent, io.hastack.core.exec.Call call) {
                issued.complete(null);
                return answer;
            }
        };
        ScheduledExecutorService loop = Executors
                .newSingleThreadScheduledExecutor();
        AtomicInteger events = new AtomicInteger();
        LocalResources resources = new LocalResources(N1, config, Clock.systemUTC(),
                AgentRegistry.builder().register("test", s -> new Nothing()).build(), slow, loop,
                new LocalResources.Listener() {
                    @Override
                    public void stateChanged() {}

                    @Override
                    public void event(Type type, String subject, String detail) {
                        events.incrementAndGet();
                    }
                });
        AtomicInteger done = new AtomicInteger();
        loop.execute(() -> resources.execute(List.of(
                new Action(ActionType.START, N1, GroupId.of("g"), ResourceId.of("a"), "test")), () -> true,
                done::incrementAndGet));
        issued.get(30, TimeUnit.SECONDS);
        loop.shutdownNow(); // the node halts while its start runs
        int before = events.get();
        answer.complete(new OperationResult(ResourceId.of("a"), Operation.START,
                OperationResult.Completion.ANSWERED, AgentOutcome.success(), Duration.ZERO));
        // Nothing may run event-thread code on the agent's thread once the event thread is gone.
        assertEquals(0, done.get(), "the batch of a stopped node is not ended on a foreign thread");
        assertEquals(before, events.get(), "no event emitted after the node stopped");
    }
}
