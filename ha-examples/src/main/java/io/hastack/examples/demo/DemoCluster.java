package io.hastack.examples.demo;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.resources.process.ProcessAgent;
import io.hastack.resources.web.EmbeddedWebServerAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The demo's resource configuration; every demo node builds the same one from the same web port. */
public final class DemoCluster {
    /** The demo's group. */
    public static final String GROUP = "web-group";

    private DemoCluster() {}

    /**
     * One group, started in order: {@code worker}, a background process standing in for an
     * application daemon, then {@code web}, an HTTP server on {@code webPort} whose page names the
     * node serving it. Both are monitored every second.
     */
    public static ClusterConfig config(int webPort) {
        ResourceSpec worker = ResourceSpec.builder("worker", ProcessAgent.TYPE)
                .params(ProcessAgent.params(List.of("sleep", "86400"), Map.of()))
                .monitorInterval(Duration.ofSeconds(1))
                .timeout(Operation.STOP, Duration.ofSeconds(5))
                .build();
        ResourceSpec web = ResourceSpec.builder("web", EmbeddedWebServerAgent.TYPE)
                .param("port", Integer.toString(webPort))
                .param("title", "HA Stack demo")
                .monitorInterval(Duration.ofSeconds(1))
                .build();
        return ClusterConfig.builder().nodes("node1", "node2").group(ResourceGroup.of(GROUP, worker, web)).build();
    }
}
