package io.hastack.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.MessageKind;
import io.hastack.testkit.InProcessCluster;
import io.micrometer.core.instrument.FunctionCounter;
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

    private static long planRuns(Map<String, MeterRegistry> registries, String plan) {
        return registries.values().stream()
                .mapToLong(r -> r.find("hastack.plan.time").tags("plan", plan).timers().stream()
                        .mapToLong(Timer::count)
                        .sum())
                .sum();
    }

    private static double messages(MeterRegistry r, String direction, String name) {
        return r.find(name).tags("direction", direction).functionCounters().stream()
                .mapToDouble(FunctionCounter::count)
                .sum();
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
            cluster.node(n).addMonitorListener(metrics, Runnable::run);
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
        // The placement's converging run follows the start's report: let it happen before the crash
        // (CI failed at "each run to converge" when the crash came first).
        InProcessCluster.waitUntil(() -> planRuns(registries, "empty") >= 1, "the placement to converge");

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
        // The gauge reads the published status, which comes before the event reaches the listener:
        // wait for the start's timer too (CI failed here once with "no meter 'hastack.actions'").
        InProcessCluster.waitUntil(
                () -> r.find("hastack.actions")
                                .tags("operation", "start", "result", "success")
                                .timer()
                        != null,
                "the survivor's start timer");
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

        // Monitor latency: the survivor monitors web every 200 ms.
        InProcessCluster.waitUntil(
                () -> {
                    Timer m = r.find("hastack.monitor.latency")
                            .tags("resource", "web", "result", "success")
                            .timer();
                    return m != null && m.count() > 0;
                },
                "a monitor of web on the survivor");
        Timer monitors = r.get("hastack.monitor.latency")
                .tags("resource", "web", "result", "success")
                .timer();
        assertTrue(
                monitors.max(TimeUnit.MILLISECONDS) < TimeUnit.MINUTES.toMillis(1),
                "the witness agent answers at once: " + monitors.max(TimeUnit.MILLISECONDS) + " ms");

        // Planning time: the first placement and the takeover were planned, each run converged.
        // The survivor's converging run follows the start's report: wait for it, do not race it.
        InProcessCluster.waitUntil(
                () -> planRuns(registries, "actions") >= 2, "the placement and the takeover to be planned");
        InProcessCluster.waitUntil(() -> planRuns(registries, "empty") >= 2, "each run to converge");

        // Message rates: the survivor sent and received cluster messages, counted by kind.
        assertTrue(messages(r, "sent", "hastack.messages") > 0);
        assertTrue(messages(r, "received", "hastack.messages") > 0);
        assertTrue(
                messages(r, "sent", "hastack.message.bytes") > messages(r, "sent", "hastack.messages"),
                "every frame has an envelope of several bytes");
        assertEquals(
                2 * MessageKind.values().length + 1,
                r.find("hastack.messages").functionCounters().size(),
                "one counter per kind and direction, and the invalid frames received");
        long reports = cluster.node(survivor.value())
                .messageCounts()
                .sent(MessageKind.NODE_REPORT)
                .messages();
        assertTrue(
                r.get("hastack.messages")
                                        .tags("direction", "sent", "kind", "node_report")
                                        .functionCounter()
                                        .count()
                                >= reports
                        && reports > 0,
                "the counter reads the node's counts: " + reports + " reports sent");
    }

    /**
     * A member cut off by a partition is removed on suspicion: the coordinator of the majority holds
     * the starts for its lease, fences it (which ends the wait), then plans the takeover.
     */
    @Test
    void aFencedMembersFailoverShowsTheLeaseWaitTheFenceAndTheVerificationOnTheCoordinator() {
        cluster.pauseBound(Duration.ofSeconds(4)); // a lease that outlasts detection: there is a wait
        cluster.fenceByCrashing();
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
            cluster.node(n).addMonitorListener(metrics, Runnable::run);
            registries.put(n, r);
        }
        cluster.awaitView(3);
        InProcessCluster.waitUntil(() -> cluster.witness.runningOn("web").size() == 1, "web to run once");
        NodeId active = cluster.witness.runningOn("web").iterator().next();

        cluster.partition(java.util.Set.of(active.value()));
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(active),
                "web to fail over");
        List<HaEvent> fenced = cluster.eventsOf(HaEvent.Type.NODE_FENCED);
        assertEquals(1, fenced.size(), fenced.toString());
        MeterRegistry r = registries.get(fenced.get(0).node().value());
        InProcessCluster.waitUntil(
                () -> r.find("hastack.failover.phase")
                                .tags("phase", "converged")
                                .timer()
                        != null,
                "the failover to converge on the coordinator; meters: "
                        + r.getMeters().stream().map(m -> m.getId().toString()).toList());
        assertEquals(
                1, r.get("hastack.fences").tags("result", "success").counter().count());
        assertTrue(r.get("hastack.failover.lease.wait").timer().count() >= 1, "the wait announced");
        Map<String, Double> at = new HashMap<>();
        for (String phase : List.of("detected", "view", "fence", "verified", "lease", "plan", "converged")) {
            Timer t = r.get("hastack.failover.phase").tags("phase", phase).timer();
            assertEquals(1, t.count(), phase);
            at.put(phase, t.totalTime(TimeUnit.MILLISECONDS));
        }
        assertEquals(at.get("fence"), at.get("verified"), "a confirmed fence is a confirmed death: " + at);
        assertTrue(at.get("lease") <= at.get("plan"), "the takeover is planned once the wait is over: " + at);
        assertTrue(at.get("view") <= at.get("fence") && at.get("plan") <= at.get("converged"), at.toString());
        assertEquals(1, r.get("hastack.failovers").counter().count());
    }
}
