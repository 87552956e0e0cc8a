package io.hastack.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.AgentResult;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ModelTest {
    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void invalidSpecsAreRejectedNamingTheResourceAndField() {
        assertEquals(
                "resource web: start timeout must be positive, was -1 s (allowed: 100 ms to 24 h)",
                message(() -> ResourceSpec.builder("web", "process")
                        .timeout(Operation.START, Duration.ofSeconds(-1))
                        .build()));
        assertEquals(
                "resource web: monitor interval must be positive, was 0 s (allowed: 100 ms to 24 h)",
                message(() -> ResourceSpec.builder("web", "process")
                        .monitorInterval(Duration.ZERO)
                        .build()));
        assertEquals(
                "resource web: agent type must not be empty",
                message(() -> ResourceSpec.builder("web", " ").build()));
        assertTrue(message(() -> ResourceId.of("bad id")).startsWith("resource id 'bad id' is invalid"));
        assertTrue(message(() -> NodeId.of("")).startsWith("node id '' is invalid"));
    }

    @Test
    void invalidConfigurationsAreRejectedNamingTheCulprit() {
        ResourceSpec a = ResourceSpec.builder("a", "process").build();
        assertEquals("group g lists resource a twice", message(() -> ResourceGroup.of("g", a, a)));
        assertEquals(
                "resource a is in both group g1 and group g2: a resource belongs to one group",
                message(() -> ClusterConfig.builder()
                        .group(ResourceGroup.of("g1", a))
                        .group(ResourceGroup.of("g2", a))
                        .build()));
        assertEquals(
                "group g1 is configured twice",
                message(() ->
                        ClusterConfig.builder().group(ResourceGroup.of("g1", a)).group(ResourceGroup.of("g1", a))));
        assertEquals(
                "migration-threshold must be at least 1, was 0",
                message(() -> ClusterConfig.builder().migrationThreshold(0)));
    }

    /** A one-group configuration whose resource runs {@code program}, built afresh on each call. */
    private static ClusterConfig oneProcess(String program, UnaryOperator<ResourceSpec.Builder> more) {
        return ClusterConfig.builder()
                .group(ResourceGroup.of(
                        "g",
                        more.apply(ResourceSpec.builder("a", "process").param("argv.0", program))
                                .build()))
                .build();
    }

    @Test
    void theConfigurationHashChangesWithAnyDetail() {
        ClusterConfig base = oneProcess("/bin/true", b -> b);
        ClusterConfig same = oneProcess("/bin/true", b -> b);
        ClusterConfig otherParam = oneProcess("/bin/false", b -> b);
        ClusterConfig otherTimeout = oneProcess("/bin/true", b -> b.timeout(Operation.STOP, Duration.ofSeconds(5)));
        assertEquals(base.hash(), same.hash());
        assertEquals(base, same);
        assertNotEquals(base.hash(), otherParam.hash());
        assertNotEquals(base.hash(), otherTimeout.hash());
    }

    @Test
    void unknownAgentTypesAreNamedWithTheKnownOnes() {
        AgentRegistry registry =
                AgentRegistry.builder().register("process", s -> null).build();
        assertEquals(
                "resource a: unknown agent type 'nginx'; known types: [process]",
                message(() -> registry.create(ResourceSpec.builder("a", "nginx").build())));
    }

    @Test
    void agentResultsMapOneToOneToOcfCodes() {
        for (int code = 0; code <= 7; code++) {
            assertEquals(code, AgentResult.fromOcfCode(code).ocfCode());
        }
        assertEquals(AgentResult.NOT_RUNNING, AgentResult.fromOcfCode(7));
        assertThrows(IllegalArgumentException.class, () -> AgentResult.fromOcfCode(8));
    }
}
