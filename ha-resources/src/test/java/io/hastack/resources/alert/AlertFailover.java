package io.hastack.resources.alert;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.testkit.InProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A failover for alert tests, on a real in-process cluster: three nodes run {@code web}; each node
 * gets the alerts {@code specs} gives for its name; then the node running {@code web} crashes and
 * {@code web} starts on a survivor. The tests close {@link #alerts} and the cluster.
 */
final class AlertFailover {
    /** The nodes' names. */
    static final List<String> NODES = List.of("n1", "n2", "n3");

    /** Each node's alerts, in the order of {@link #NODES}. */
    final List<Alerts> alerts = new ArrayList<>();

    private final InProcessCluster cluster;
    private NodeId active;
    private NodeId survivor;

    AlertFailover(InProcessCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster with {@code web} running once, gives each node its alerts, and fails over. */
    AlertFailover run(Function<String, List<AlertSpec>> specs) {
        ClusterConfig config = ClusterConfig.builder()
                .nodes(NODES.toArray(String[]::new))
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("web", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
        cluster.witness.checkExclusiveStarts();
        for (String n : NODES) {
            cluster.start(n, config);
        }
        for (String n : NODES) {
            cluster.awaitViewOf(n, NODES.size());
        }
        InProcessCluster.waitUntil(() -> cluster.witness.runningOn("web").size() == 1, "web to run once");
        active = cluster.witness.runningOn("web").iterator().next();
        for (String n : NODES) {
            Alerts a = Alerts.forNode(cluster.node(n), specs.apply(n));
            alerts.add(a);
            cluster.node(n).addListener(a, Runnable::run);
        }
        cluster.crash(active.value());
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(active),
                "web to fail over");
        survivor = cluster.witness.runningOn("web").iterator().next();
        return this;
    }

    /** The node that ran {@code web} and crashed. */
    NodeId active() {
        return active;
    }

    /** The node {@code web} runs on after the failover. */
    NodeId survivor() {
        return survivor;
    }

    /** The alerts of {@code node}. */
    Alerts alertsOf(NodeId node) {
        return alerts.get(NODES.indexOf(node.value()));
    }
}
