package io.hastack.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.testkit.InProcessCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The meters of real in-process nodes through a failover. */
@Tag("functional")
class HaMetricsTest {
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static double gauge(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    @Test
    void aFailoverShowsInTheSurvivorsMeters() {
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("web", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
        Map<String, MeterRegistry> registries = new HashMap<>();
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config);
            MeterRegistry r = new SimpleMeterRegistry();
            HaMetrics metrics = new HaMetrics(cluster.node(n));
            metrics.bindTo(r);
            cluster.node(n).addListener(metrics, Runnable::run);
            registries.put(n, r);
        }
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.awaitViewOf(n, 3);
        }
        InProcessCluster.waitUntil(() -> cluster.witness.runningOn("web").size() == 1, "web to run once");
        NodeId active = cluster.witness.runningOn("web").iterator().next();
        MeterRegistry before = registries.get(active.value());
        InProcessCluster.waitUntil(
                () -> gauge(before, "hastack.resource.state", "resource", "web", "state", "running") == 1,
                "the running state to show");
        assertEquals(0, gauge(before, "hastack.resource.state", "resource", "web", "state", "stopped"));
        assertEquals(1, gauge(before, "hastack.quorate"));
        assertEquals(3, gauge(before, "hastack.view.members"));

        cluster.crash(active.value());
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(active),
                "web to fail over");
        NodeId survivor = cluster.witness.runningOn("web").iterator().next();
        MeterRegistry r = registries.get(survivor.value());
        InProcessCluster.waitUntil(
                () -> gauge(r, "hastack.resource.state", "resource", "web", "state", "running") == 1,
                "the survivor's gauge to show web running");
        Timer starts = r.get("hastack.actions")
                .tags("operation", "start", "result", "success")
                .timer();
        assertEquals(1, starts.count());
        InProcessCluster.waitUntil(
                () -> r.find("hastack.takeover").tags("resource", "web").timer() != null,
                "the takeover timer; meters: "
                        + r.getMeters().stream().map(m -> m.getId().toString()).toList());
        Timer takeover = r.get("hastack.takeover").tags("resource", "web").timer();
        assertEquals(1, takeover.count());
        assertTrue(
                takeover.totalTime(TimeUnit.MILLISECONDS) > 0
                        && takeover.totalTime(TimeUnit.MILLISECONDS) < TimeUnit.MINUTES.toMillis(5),
                "from the lost member to the start: " + takeover.totalTime(TimeUnit.MILLISECONDS) + " ms");
        assertTrue(r.get("hastack.view.changes").counter().count() >= 2, "the join and the loss");
        assertEquals(2, gauge(r, "hastack.view.members"));
        assertEquals(1, gauge(r, "hastack.lease.held"));
        assertEquals(0, gauge(r, "hastack.resource.failures", "resource", "web"));

        // The failover's phases as the survivor saw them, each after the one before.
        double last = -1;
        for (String phase : List.of("view", "start")) {
            Timer t = r.get("hastack.failover.phase").tags("phase", phase).timer();
            assertEquals(1, t.count(), phase);
            double ms = t.totalTime(TimeUnit.MILLISECONDS);
            assertTrue(ms >= last, phase + " at " + ms + " ms, after " + last);
            last = ms;
        }
        assertEquals(1, r.get("hastack.failovers").counter().count());
    }
}
