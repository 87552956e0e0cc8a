package io.hastack.resources.service;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** A java -jar application with an HTTP and a JMX check follows the OCF rules. */
@Tag("integration")
class JavaAppConformanceTest extends AgentConformance {
    @TempDir
    static Path dir;

    private static Path jar;

    private final int port = Servers.freePort();
    private final int jmxPort = Servers.freePort();

    @BeforeAll
    static void buildTheJar() throws Exception {
        jar = Servers.tinyAppJar(dir);
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new JavaAppAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return Servers.tinyApp(jar, port, jmxPort).build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("app", JavaAppAgent.TYPE)
                .param("jar", jar.toString())
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("status-url");
    }
}
