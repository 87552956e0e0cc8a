package io.hastack.resources.service;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** A server given only as a command (here a small Java application) follows the OCF rules. */
@Tag("integration")
class HttpServiceConformanceTest extends AgentConformance {
    @TempDir
    static Path dir;

    private static Path jar;

    private final int port = Servers.freePort();

    @BeforeAll
    static void buildTheJar() throws Exception {
        jar = Servers.tinyAppJar(dir);
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new HttpServiceAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("svc", HttpServiceAgent.TYPE)
                .param("argv.0", ProcessHandle.current().info().command().orElse("java"))
                .param("argv.1", "-jar")
                .param("argv.2", jar.toString())
                .param("argv.3", Integer.toString(port))
                .param("status-url", "http://127.0.0.1:" + port + "/health")
                .param("expect-body", "tiny app up")
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("svc", HttpServiceAgent.TYPE)
                .param("status-url", "http://127.0.0.1:1/")
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("argv.0");
    }
}
