package io.hastack.resources.service;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import io.hastack.testsupport.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** Debian's nginx, run by the nginx agent, follows the OCF rules. */
@Tag("integration")
class NginxConformanceTest extends AgentConformance {
    @TempDir
    static Path dir;

    private final int port = Servers.freePort();
    private final Path config = write();

    @BeforeAll
    static void needsNginx() {
        Prerequisites.requireCommand("nginx", "nginx");
    }

    private Path write() {
        try {
            return Servers.nginxConfig(dir.resolve("nginx-" + port), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new NginxAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("web", NginxAgent.TYPE)
                .param("config", config.toString())
                .param("status-url", "http://127.0.0.1:" + port + "/")
                .param("expect-body", "hello from nginx")
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("web", NginxAgent.TYPE)
                .param("status-url", "http://127.0.0.1:" + port + "/")
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("config");
    }
}
