package io.hastack.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.fs.FilesystemAgent;
import io.hastack.resources.service.JavaAppAgent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The executor gives an operation without a timeout of its own the one the shipped agent advises
 * (docs/agents.md lists them), as Pacemaker does with an agent's meta-data; the spec's own wins.
 */
@Tag("unit")
class AdvisedTimeoutTest {
    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("advised");

    @AfterEach
    void close() {
        executor.close();
    }

    /** The real agent's metadata; records the timeout each call is given, and does nothing else. */
    private static final class Recording implements ResourceAgent {
        private final AgentMetadata metadata;
        final AtomicReference<Duration> given = new AtomicReference<>();

        Recording(ResourceAgent real) {
            this.metadata = real.metadata();
        }

        @Override
        public AgentMetadata metadata() {
            return metadata;
        }

        private AgentOutcome record(AgentContext ctx) {
            given.set(ctx.timeout());
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome validate(AgentContext ctx) {
            return record(ctx);
        }

        @Override
        public AgentOutcome start(AgentContext ctx) {
            return record(ctx);
        }

        @Override
        public AgentOutcome stop(AgentContext ctx) {
            return record(ctx);
        }

        @Override
        public AgentOutcome monitor(AgentContext ctx) {
            return record(ctx);
        }
    }

    private Duration given(ResourceAgent real, ResourceSpec spec, Operation op) {
        Recording agent = new Recording(real);
        executor.call(agent, spec, NodeId.of("n1"), op, 0).join();
        return agent.given.get();
    }

    @Test
    void tomcatsStartGetsTwoMinutesAndAFileSystemsStartOneUnlessTheSpecSaysOtherwise() {
        ResourceSpec tomcat = ResourceSpec.builder("t", JavaAppAgent.TYPE).build();
        assertEquals(Duration.ofMinutes(2), given(new JavaAppAgent(), tomcat, Operation.START));
        assertEquals(Duration.ofSeconds(60), given(new JavaAppAgent(), tomcat, Operation.STOP));
        ResourceSpec fs = ResourceSpec.builder("fs", FilesystemAgent.TYPE).build();
        assertEquals(Duration.ofSeconds(60), given(new FilesystemAgent(), fs, Operation.START));

        ResourceSpec own = ResourceSpec.builder("t", JavaAppAgent.TYPE)
                .timeout(Operation.START, Duration.ofSeconds(30))
                .build();
        assertEquals(Duration.ofSeconds(30), given(new JavaAppAgent(), own, Operation.START));
        assertEquals(
                ResourceSpec.DEFAULT_TIMEOUT,
                given(new JavaAppAgent(), tomcat, Operation.VALIDATE),
                "validate is not advised: the default");
    }
}
