package io.hastack.resources.process;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/** The process agent follows the OCF rules. */
@Tag("functional")
class ProcessAgentConformanceTest extends AgentConformance {
    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new ProcessAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("sleeper", ProcessAgent.TYPE)
                .params(ProcessAgent.params(List.of("sleep", "600"), Map.of()))
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("sleeper", ProcessAgent.TYPE).build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("argv.0");
    }
}
