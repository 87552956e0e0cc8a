package io.hastack.resources.web;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Tag;

/** The embedded web server agent follows the OCF rules. */
@Tag("functional")
class EmbeddedWebServerConformanceTest extends AgentConformance {
    private final int port = freePort();

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new EmbeddedWebServerAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("web", "embedded-web")
                .param("port", Integer.toString(port))
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("web", "embedded-web").build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("port");
    }
}
