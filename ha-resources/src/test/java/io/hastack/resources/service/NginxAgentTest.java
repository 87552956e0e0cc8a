package io.hastack.resources.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nginx agent against Debian's nginx: health checks, a crashed server, bad input. */
@Tag("integration")
class NginxAgentTest {
    @TempDir
    Path dir;

    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("nginx-test");
    private final NginxAgent agent = new NginxAgent();
    private final int port = Servers.freePort();
    private Path config;
    private ResourceSpec started;

    @BeforeEach
    void configure() throws Exception {
        Prerequisites.requireCommand("nginx", "nginx");
        config = Servers.nginxConfig(dir, port);
    }

    @AfterEach
    void stop() {
        if (started != null) {
            call(started, Operation.STOP);
        }
        executor.close();
    }

    private ResourceSpec.Builder spec() {
        return ResourceSpec.builder("web", NginxAgent.TYPE)
                .param("config", config.toString())
                .param("status-url", "http://127.0.0.1:" + port + "/nginx_status")
                .param("expect-body", "Active connections")
                .param("log", dir.resolve("out.log").toString());
    }

    private OperationResult call(ResourceSpec spec, Operation op) {
        return executor.call(agent, spec, NodeId.of("n1"), op, 0).join();
    }

    @Test
    void aServerThatDiesIsReportedFailedByTheMonitor() throws Exception {
        started = spec().build();
        assertEquals(
                AgentResult.SUCCESS, call(started, Operation.START).outcome().result());
        long master = Long.parseLong(Files.readString(dir.resolve("nginx.pid")).strip());
        ProcessHandle server = ProcessHandle.of(master).orElseThrow();
        java.util.List<ProcessHandle> workers = server.descendants().toList();
        server.destroyForcibly(); // the server crashes, workers and all
        workers.forEach(ProcessHandle::destroyForcibly);
        server.onExit().join();
        OperationResult monitor = call(started, Operation.MONITOR);
        assertEquals(AgentResult.ERR_GENERIC, monitor.outcome().result(), monitor.toString());
        assertTrue(monitor.outcome().message().contains("exited on its own"), monitor.toString());
    }

    @Test
    void anUnexpectedAnswerIsUnhealthyAndTheStartFailsAtItsTimeout() {
        started = spec().param("expect-body", "no such text")
                .timeout(Operation.START, java.time.Duration.ofSeconds(2))
                .build();
        OperationResult start = call(started, Operation.START);
        assertEquals(AgentResult.ERR_GENERIC, start.outcome().result(), start.toString());
        assertTrue(
                start.outcome().message().startsWith("not healthy within the start timeout (2000 ms): GET http"),
                start.toString());
        assertTrue(start.outcome().message().endsWith("without 'no such text'"), start.toString());
    }

    @Test
    void aBrokenConfigurationOrAMissingBinaryIsRefusedBeforeAnythingRuns() throws Exception {
        Files.writeString(config, "events {}\nhttp { server { listen 127.0.0.1:" + port + " } }\n");
        OperationResult broken = call(spec().build(), Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, broken.outcome().result());
        assertTrue(
                broken.outcome().message().startsWith("resource web: nginx -t rejects " + config), broken.toString());

        OperationResult missing = call(spec().param("binary", "/opt/none/nginx").build(), Operation.VALIDATE);
        assertEquals(AgentResult.ERR_INSTALLED, missing.outcome().result());
        assertTrue(missing.outcome().message().contains("/opt/none/nginx"), missing.toString());

        OperationResult badUrl = call(spec().param("status-url", "ftp://x/").build(), Operation.VALIDATE);
        assertEquals(
                "resource web: parameter 'status-url' must be an http:// or https:// URL with a host, was"
                        + " 'ftp://x/'",
                badUrl.outcome().message());
    }
}
