package io.hastack.examples.demo;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.resources.db.PostgresAgent;
import io.hastack.resources.fs.FilesystemAgent;
import io.hastack.resources.process.ProcessAgent;
import io.hastack.resources.service.JavaAppAgent;
import io.hastack.resources.service.NginxAgent;
import io.hastack.resources.web.EmbeddedWebServerAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        return config(webPort, Optional.empty(), null);
    }

    /**
     * With a data stack: {@code data} (the file system, if the stack has one), then {@code db}, then
     * {@code web} (or {@code app}, the embedded server, and {@code web}, nginx in front of it);
     * without, the two resources above. {@code shared} is the demo's shared directory.
     */
    public static ClusterConfig config(int webPort, Optional<DataStack> stack, Path shared) {
        return config(webPort, stack, shared, List.of("node1", "node2"));
    }

    /** As {@link #config(int, Optional, Path)}, for the cluster of {@code nodes}. */
    public static ClusterConfig config(int webPort, Optional<DataStack> stack, Path shared, List<String> nodes) {
        if (stack.isEmpty()) {
            return workerAndWeb(webPort, nodes);
        }
        DataStack s = stack.get();
        List<ResourceSpec> group = new ArrayList<>();
        Path data = DataStack.data(shared);
        if (s.fileSystem()) {
            group.add(ResourceSpec.builder("data", FilesystemAgent.TYPE)
                    .param("device", DataStack.image(shared).toString())
                    .param("directory", data.toString())
                    .param("fstype", "ext4")
                    .param("options", "loop")
                    .monitorInterval(Duration.ofSeconds(2))
                    .build());
        }
        if (s.postgres()) {
            group.add(ResourceSpec.builder("db", PostgresAgent.TYPE)
                    .param("data-directory", data.resolve("pg").toString())
                    .param("port", Integer.toString(s.dbPort()))
                    .param("initdb", "true")
                    .param("log", shared.resolve("postgres.log").toString())
                    .timeout(Operation.START, Duration.ofSeconds(60))
                    .timeout(Operation.STOP, Duration.ofSeconds(20))
                    .monitorInterval(Duration.ofSeconds(2))
                    .build());
        } else {
            group.add(ResourceSpec.builder("db", JavaAppAgent.TYPE)
                    .param("classpath", s.h2Jar().toString())
                    .param("main-class", "org.h2.tools.Server")
                    .param("java-option.0", "-Xmx64m")
                    .param("java-option.1", "-XX:TieredStopAtLevel=1")
                    .param("arg.0", "-tcp")
                    .param("arg.1", "-tcpPort")
                    .param("arg.2", Integer.toString(s.dbPort()))
                    .param("arg.3", "-web")
                    .param("arg.4", "-webPort")
                    .param("arg.5", Integer.toString(s.consolePort()))
                    .param("arg.6", "-baseDir")
                    .param("arg.7", data.resolve("h2").toString())
                    .param("arg.8", "-ifNotExists")
                    .param("status-url", "http://127.0.0.1:" + s.consolePort() + "/")
                    .param("log", shared.resolve("h2.log").toString())
                    .timeout(Operation.START, Duration.ofSeconds(60))
                    .timeout(Operation.STOP, Duration.ofSeconds(10))
                    .monitorInterval(Duration.ofSeconds(2))
                    .build());
        }
        if (s.nginx()) {
            group.add(web("app", s.appPort()));
            group.add(ResourceSpec.builder("web", NginxAgent.TYPE)
                    .param("config", DataStack.nginxConfig(shared).toString())
                    .param("status-url", "http://127.0.0.1:" + webPort + "/nginx_status")
                    .param("expect-body", "Active connections")
                    .param("log", shared.resolve("nginx.out").toString())
                    .monitorInterval(Duration.ofSeconds(1))
                    .build());
        } else {
            group.add(web("web", webPort));
        }
        return ClusterConfig.builder()
                .nodes(nodes.toArray(String[]::new))
                .group(new ResourceGroup(io.hastack.core.model.GroupId.of(GROUP), group))
                .build();
    }

    private static ResourceSpec web(String id, int webPort) {
        return ResourceSpec.builder(id, EmbeddedWebServerAgent.TYPE)
                .param("port", Integer.toString(webPort))
                .param("title", "HA Stack demo")
                .monitorInterval(Duration.ofSeconds(1))
                .build();
    }

    private static ClusterConfig workerAndWeb(int webPort, List<String> nodes) {
        return workersAndWeb(webPort, nodes, 2, false);
    }

    /**
     * The benchmark's group of {@code resources} resources for the cluster of {@code nodes}: {@code
     * resources - 1} workers ({@code worker}, then {@code worker2}, {@code worker3}, ...), each a
     * {@code sleep 86400} process, then {@code web}; with 2 it is {@link #config(int)}'s group. With
     * {@code parallel}, the workers form an unordered group of their own, {@code workers}, which
     * starts them in parallel, and {@code web} is a group that is kept with them and started after
     * them (a colocation and a mandatory order).
     *
     * @throws IllegalArgumentException if {@code resources} is below 1
     */
    public static ClusterConfig workersAndWeb(int webPort, List<String> nodes, int resources, boolean parallel) {
        if (resources < 1) {
            throw new IllegalArgumentException("resources must be at least 1 (the web server), was " + resources);
        }
        List<ResourceSpec> group = new ArrayList<>();
        for (int i = 1; i < resources; i++) {
            group.add(ResourceSpec.builder(i == 1 ? "worker" : "worker" + i, ProcessAgent.TYPE)
                    .params(ProcessAgent.params(List.of("sleep", "86400"), Map.of()))
                    .monitorInterval(Duration.ofSeconds(1))
                    .timeout(Operation.STOP, Duration.ofSeconds(5))
                    .build());
        }
        if (parallel && resources > 1) {
            return ClusterConfig.builder()
                    .nodes(nodes.toArray(String[]::new))
                    .group(new ResourceGroup(io.hastack.core.model.GroupId.of("workers"), group).unordered())
                    .group(ResourceGroup.of(GROUP, web("web", webPort)))
                    .colocation(io.hastack.core.model.ColocationConstraint.together(
                            "web-with-workers", GROUP, "workers", io.hastack.core.model.Score.INFINITY))
                    .order(io.hastack.core.model.OrderConstraint.mandatory("workers-then-web", "workers", GROUP))
                    .build();
        }
        group.add(web("web", webPort));
        return ClusterConfig.builder()
                .nodes(nodes.toArray(String[]::new))
                .group(new ResourceGroup(io.hastack.core.model.GroupId.of(GROUP), group))
                .build();
    }
}
