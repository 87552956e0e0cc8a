package io.hastack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.server.api.ApiCluster;
import io.hastack.testkit.InProcessCluster;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's meters after a failover: scraped from the admin API in Prometheus' text format (the
 * takeover timer, the start, the new state), and read as MBeans through a real JMX connector.
 */
@Tag("functional")
class NodeMetricsTest {
    @TempDir
    Path dir;

    // BanJNDI: the JMX connector over RMI is what JConsole and VisualVM use; the node opens no JMX port
    // itself (docs/security.md: the JVM's own agent, with its authentication and TLS, if at all).
    @SuppressWarnings("BanJNDI")
    @Test
    void aScrapeAfterAFailoverHasItsTimersAndTheNewStatesAndJmxReadsTheSame() throws Exception {
        List<NodeMetrics> meters = new ArrayList<>();
        try (ApiCluster api = new ApiCluster(dir, 3)) {
            for (String n : List.of("n1", "n2")) {
                NodeMetrics m = new NodeMetrics(api.cluster.node(n), n.equals("n1"));
                meters.add(m);
                api.servers.get(n).metrics(m::scrape);
            }
            String active = api.runningOn("w");
            String survivor = ApiCluster.other(active);
            api.cluster.crash(active);
            InProcessCluster.waitUntil(
                    () -> cluster(api).witness.runningOn("w").size() == 1 && survivor.equals(api.runningOn("w")),
                    "w to fail over to " + survivor);

            HttpResponse<String> scrape =
                    api.send(api.request(survivor, "/api/v1/metrics").GET().build());
            assertEquals(200, scrape.statusCode(), scrape.body());
            String node = "node=\"" + survivor + "\"";
            // The witness sees w running before the node's event thread records the start: the
            // scrape is taken again until it has the failover's lines.
            String running = "hastack_resource_state{" + node + ",resource=\"w\",state=\"running\"} 1.0";
            String takenOver = "hastack_takeover_seconds_count{" + node + ",resource=\"w\"} 1";
            String startPhase = "hastack_failover_phase_seconds_count{" + node + ",phase=\"start\"} 1";
            java.util.regex.Pattern started = java.util.regex.Pattern.compile(
                    "hastack_actions_seconds_count\\{" + node + ",operation=\"start\",result=\"success\"} [1-9]");
            java.util.concurrent.atomic.AtomicReference<String> last =
                    new java.util.concurrent.atomic.AtomicReference<>("");
            InProcessCluster.waitUntil(
                    () -> {
                        String body = scrape(api, survivor);
                        last.set(body);
                        return body.contains(running)
                                && body.contains(takenOver)
                                && body.contains(startPhase)
                                && started.matcher(body).find();
                    },
                    "the scrape to show w running on " + survivor + " after its takeover and start");
            String text = last.get();
            assertTrue(text.contains("hastack_view_members{" + node + "} 1.0"), text);
            assertTrue(
                    text.contains("hastack_failover_phase_seconds_count{" + node + ",phase=\"start\"} 1"),
                    "the failover's phases: " + text);
            assertTrue(text.contains("hastack_quorate{" + node + "} 1.0"), "the tie is won: " + text);
            assertTrue(text.contains("# HELP hastack_takeover_seconds"), "documented meters carry their help");

            // Monitor latency, planning time and message counts (issue 16).
            String monitorLatency =
                    "hastack_monitor_latency_seconds_count{" + node + ",resource=\"w\",result=\"success\"}";
            InProcessCluster.waitUntil(
                    () -> scrape(api, survivor).contains(monitorLatency), "a monitor of w on " + survivor);
            String later = scrape(api, survivor);
            assertTrue(
                    later.contains("hastack_plan_time_seconds_count{" + node + ",plan=\"actions\"} "),
                    "the takeover was planned there: " + later);
            for (String direction : List.of("sent", "received")) {
                assertTrue(
                        java.util.regex.Pattern.compile("hastack_messages_total\\{direction=\"" + direction
                                        + "\",kind=\"[a-z_]+\"," + node + "} [1-9]")
                                .matcher(later)
                                .find(),
                        "messages " + direction + ": " + later);
                assertTrue(
                        java.util.regex.Pattern.compile("hastack_message_bytes_total\\{direction=\"" + direction
                                        + "\",kind=\"[a-z_]+\"," + node + "} [1-9]")
                                .matcher(later)
                                .find(),
                        "bytes " + direction + ": " + later);
            }
            assertTrue(
                    later.contains("hastack_messages_total{direction=\"received\",kind=\"invalid\"," + node + "} 0.0"));

            int port = io.hastack.testsupport.Ports.freeWithNeighbour(1);
            Registry rmi = LocateRegistry.createRegistry(port);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                    url, null, ManagementFactory.getPlatformMBeanServer());
            server.start();
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                Set<ObjectName> names = jmx.queryNames(new ObjectName(NodeMetrics.JMX_DOMAIN + ":*"), null);
                ObjectName takeover = names.stream()
                        .filter(n -> n.getKeyProperty("name").startsWith("hastackTakeover")
                                && n.getKeyProperty("name").contains(survivor))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no takeover MBean of " + survivor + ": " + names));
                assertEquals(1L, ((Number) jmx.getAttribute(takeover, "Count")).longValue());
                ObjectName quorate = names.stream()
                        .filter(n -> n.getKeyProperty("name").startsWith("hastackQuorate")
                                && n.getKeyProperty("name").contains(survivor))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no quorate MBean: " + names));
                assertEquals(1.0, ((Number) jmx.getAttribute(quorate, "Value")).doubleValue());
                assertTrue(
                        names.stream().anyMatch(n -> n.getKeyProperty("name").startsWith("jvmMemoryUsed")),
                        "the JVM's meters too: " + names);
            } finally {
                server.stop();
                UnicastRemoteObject.unexportObject(rmi, true);
            }
        } finally {
            meters.forEach(NodeMetrics::close);
        }
    }

    private static String scrape(ApiCluster api, String node) {
        return api.send(api.request(node, "/api/v1/metrics").GET().build()).body();
    }

    private static InProcessCluster cluster(ApiCluster api) {
        return api.cluster;
    }
}
