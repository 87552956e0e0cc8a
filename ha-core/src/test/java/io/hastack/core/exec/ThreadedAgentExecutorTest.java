package io.hastack.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ThreadedAgentExecutorTest {
    private static final NodeId NODE = NodeId.of("n1");
    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("test");
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        executor.close();
    }

    /** An agent whose start blocks until released, ignoring interrupts, and whose stop throws. */
    private class HangingAgent implements ResourceAgent {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("hanging", "", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext context) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext context) {
            while (true) {
                try {
                    release.await();
                    return AgentOutcome.success();
                } catch (InterruptedException ignored) {
                    // a badly behaved agent: keeps hanging
                }
            }
        }

        @Override
        public AgentOutcome stop(AgentContext context) {
            throw new IllegalStateException("boom");
        }

        @Override
        public AgentOutcome monitor(AgentContext context) {
            return AgentOutcome.notRunning("stopped");
        }
    }

    private static ResourceSpec spec(Duration startTimeout) {
        return ResourceSpec.builder("r1", "hanging")
                .timeout(Operation.START, startTimeout)
                .build();
    }

    /** Regression: an agent's advised timeouts were ignored; every operation without its own got 20 s. */
    @Test
    void anOperationWithoutItsOwnTimeoutGetsTheOneTheAgentAdvises() throws Exception {
        HangingAgent advising = new HangingAgent() {
            @Override
            public AgentMetadata metadata() {
                return new AgentMetadata(
                        "hanging", "", List.of(), java.util.Map.of(Operation.START, Duration.ofMillis(150)));
            }
        };
        ResourceSpec noTimeout = ResourceSpec.builder("r1", "hanging").build();
        OperationResult hung =
                executor.call(advising, noTimeout, NODE, Operation.START, 0).get(30, TimeUnit.SECONDS);
        assertEquals(OperationResult.Completion.TIMED_OUT, hung.completion());
        assertTrue(hung.outcome().message().contains("start timed out after 150 ms"), hung.toString());
        assertEquals(
                Duration.ofSeconds(7),
                spec(Duration.ofSeconds(7))
                        .timeout(Operation.START, advising.metadata().timeouts()),
                "the spec's own timeout wins");
        assertEquals(
                ResourceSpec.DEFAULT_TIMEOUT,
                noTimeout.timeout(Operation.STOP, advising.metadata().timeouts()),
                "nothing advised: the default");
    }

    @Test
    void aHungCallTimesOutAndDoesNotBlockOtherCalls() throws Exception {
        HangingAgent agent = new HangingAgent();
        OperationResult hung = executor.call(agent, spec(Duration.ofMillis(200)), NODE, Operation.START, 0)
                .get(30, TimeUnit.SECONDS);
        assertEquals(OperationResult.Completion.TIMED_OUT, hung.completion());
        assertEquals(AgentResult.ERR_GENERIC, hung.outcome().result());
        assertTrue(hung.outcome().message().contains("start timed out after 200 ms"), hung.toString());
        assertTrue(hung.elapsed().toMillis() >= 200, hung.toString());

        // The hung thread is still inside the agent, yet further calls run at once.
        assertEquals(1, executor.runningCalls());
        OperationResult monitor = executor.call(agent, spec(Duration.ofMillis(200)), NODE, Operation.MONITOR, 0)
                .get(30, TimeUnit.SECONDS);
        assertEquals(AgentResult.NOT_RUNNING, monitor.outcome().result());
    }

    @Test
    void aCallThatAnswersInTimeLeavesNoTimeoutBehind() throws Exception {
        ResourceSpec monitored = ResourceSpec.builder("r1", "hanging")
                .timeout(Operation.MONITOR, Duration.ofSeconds(90)) // longer than the wait below
                .build();
        for (int i = 0; i < 20; i++) {
            OperationResult r = executor.call(new HangingAgent(), monitored, NODE, Operation.MONITOR, 0)
                    .get(30, TimeUnit.SECONDS);
            assertEquals(OperationResult.Completion.ANSWERED, r.completion(), r.toString());
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .alias("the answered calls' timeouts to leave the timer")
                .until(() -> executor.pendingTimeouts() == 0);
        // A call still running keeps its timeout, until it answers.
        java.util.concurrent.CompletableFuture<OperationResult> hanging =
                executor.call(new HangingAgent(), spec(Duration.ofSeconds(90)), NODE, Operation.START, 0);
        org.awaitility.Awaitility.await() // scheduled on the call's thread, once it runs
                .atMost(Duration.ofSeconds(30))
                .alias("the running start's timeout to wait on the timer")
                .until(() -> executor.pendingTimeouts() == 1);
        release.countDown();
        assertEquals(
                OperationResult.Completion.ANSWERED,
                hanging.get(30, TimeUnit.SECONDS).completion());
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .alias("the start's timeout to leave the timer once it answered")
                .until(() -> executor.pendingTimeouts() == 0);
    }

    @Test
    void anExceptionBecomesAFailedResultNamingIt() throws Exception {
        OperationResult r = executor.call(new HangingAgent(), spec(Duration.ofSeconds(5)), NODE, Operation.STOP, 0)
                .get(30, TimeUnit.SECONDS);
        assertEquals(OperationResult.Completion.THREW, r.completion());
        assertTrue(r.outcome().message().contains("IllegalStateException: boom"), r.toString());
    }

    @Test
    void aClosedExecutorAnswersAtOnce() throws Exception {
        executor.close();
        OperationResult r = executor.call(new HangingAgent(), spec(Duration.ofSeconds(5)), NODE, Operation.MONITOR, 0)
                .get(30, TimeUnit.SECONDS);
        assertTrue(r.outcome().message().contains("closed"), r.toString());
    }
}
