package io.hastack.resources.ocf;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code ocf:heartbeat:Dummy}, run unchanged through the adapter, follows the OCF rules
 * (package {@code resource-agents}, which {@code .ci/run} installs).
 */
@Tag("integration")
class OcfDummyConformanceTest extends AgentConformance {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needsResourceAgents() {
        Prerequisites.requireExecutable(
                OcfAgent.DEFAULT_OCF_ROOT.resolve("resource.d/heartbeat/Dummy"), "resource-agents");
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new OcfAgent(OcfAgent.DEFAULT_OCF_ROOT, "heartbeat", "Dummy");
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("dummy", "ocf:heartbeat:Dummy")
                .param("state", dir.resolve("dummy.state").toString())
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        // Dummy has no required parameter: the suite's check is then about nothing missing.
        return validSpec();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of();
    }
}
