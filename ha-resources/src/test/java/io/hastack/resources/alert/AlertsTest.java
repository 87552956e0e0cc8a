package io.hastack.resources.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.testkit.InProcessCluster;
import io.hastack.testsupport.Prerequisites;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts on a real in-process cluster during a failover: Pacemaker's own {@code alert_file.sh.sample}
 * (Debian's pacemaker-common) writes the node loss and the start on the survivor, a webhook
 * receiver gets the same events as JSON, and an alert script that hangs is killed at its timeout
 * while the others are delivered and the cluster fails over as usual.
 */
@Tag("functional")
class AlertsTest {
    private static final Path FILE_SAMPLE = Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample");

    @TempDir
    Path dir;

    private final InProcessCluster cluster = new InProcessCluster();
    private final List<Alerts> alerts = new ArrayList<>();
    private HttpServer receiver;

    @AfterEach
    void tearDown() {
        alerts.forEach(Alerts::close);
        if (receiver != null) {
            receiver.stop(0);
        }
        cluster.close();
    }

    private Path hangingScript() throws IOException {
        Path script = dir.resolve("hang.sh");
        Files.writeString(script, "#!/bin/sh\necho $$ >> " + dir.resolve("hung.pids") + "\nsleep 60\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void pacemakersFileSampleAWebhookAndAHangingScriptDuringAFailover() throws Exception {
        Prerequisites.requireExecutable(FILE_SAMPLE, "pacemaker-common");
        List<String> posted = new CopyOnWriteArrayList<>();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");

        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("web", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
        cluster.witness.checkExclusiveStarts();
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config);
        }
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.awaitViewOf(n, 3);
        }
        InProcessCluster.waitUntil(() -> cluster.witness.runningOn("web").size() == 1, "web to run once");
        NodeId active = cluster.witness.runningOn("web").iterator().next();
        Path hangingScript = hangingScript();
        for (String n : List.of("n1", "n2", "n3")) {
            List<AlertSpec> specs = List.of(
                    new AlertSpec(
                            "file",
                            new AlertSpec.Executable(FILE_SAMPLE),
                            List.of(dir.resolve(n + ".log").toString()),
                            AlertSpec.DEFAULT_TIMEOUT,
                            AlertSpec.DEFAULT_TIMESTAMP_FORMAT,
                            Set.of()),
                    AlertSpec.of("hook", new AlertSpec.Webhook(hook)),
                    new AlertSpec(
                            "hang",
                            new AlertSpec.Executable(hangingScript),
                            List.of(),
                            Duration.ofMillis(500),
                            AlertSpec.DEFAULT_TIMESTAMP_FORMAT,
                            Set.of(AlertSpec.Kind.RESOURCE)));
            Alerts a = Alerts.forNode(cluster.node(n), specs);
            alerts.add(a);
            cluster.node(n).addListener(a, Runnable::run);
        }

        cluster.crash(active.value());
        InProcessCluster.waitUntil(
                () -> cluster.witness.runningOn("web").size() == 1
                        && !cluster.witness.runningOn("web").contains(active),
                "web to fail over");
        NodeId survivor = cluster.witness.runningOn("web").iterator().next();

        for (String n : cluster.liveNodes()) {
            Path log = dir.resolve(n + ".log");
            InProcessCluster.waitUntil(
                    () -> read(log).contains("Node '" + active + "' is now 'lost'"),
                    n + "'s alert file to say " + active + " is lost: " + read(log));
            assertTrue(
                    read(log).lines().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}: .*")),
                    "every line starts with Pacemaker's default timestamp: " + read(log));
        }
        Path survivorLog = dir.resolve(survivor + ".log");
        InProcessCluster.waitUntil(
                () -> read(survivorLog).contains("Resource operation 'start' for 'web' on '" + survivor + "': OK"),
                "the survivor's alert file to log the start: " + read(survivorLog));

        InProcessCluster.waitUntil(
                () -> posted.stream()
                        .anyMatch(p -> p.contains("\"kind\":\"resource\"")
                                && p.contains("\"task\":\"start\"")
                                && p.contains("\"rsc\":\"web\"")
                                && p.contains("\"node\":\"" + survivor + "\"")
                                && p.contains("\"desc\":\"OK\"")),
                "the webhook to get the start: " + posted);
        assertTrue(
                posted.stream().anyMatch(p -> p.contains("\"kind\":\"node\"") && p.contains("\"desc\":\"lost\"")),
                posted.toString());

        Alerts onSurvivor = alerts.get(List.of("n1", "n2", "n3").indexOf(survivor.value()));
        InProcessCluster.waitUntil(
                () -> onSurvivor.counts().timedOut() > 0, "the hanging alert to be killed at its timeout");
        for (String pid : Files.readAllLines(dir.resolve("hung.pids"))) {
            InProcessCluster.waitUntil(
                    () -> ProcessHandle.of(Long.parseLong(pid.strip()))
                                    .map(ProcessHandle::isAlive)
                                    .orElse(false)
                            == false,
                    "the hanging alert " + pid + " to be gone");
        }
        assertTrue(onSurvivor.counts().delivered() > 0, "the other alerts were delivered meanwhile");
        assertEquals(Set.of(survivor), cluster.witness.runningOn("web"), "the cluster is unaffected");
        assertFalse(
                cluster.witness.violations().iterator().hasNext(),
                cluster.witness.violations().toString());
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void theEnvironmentCarriesPacemakersVariablesAndTheTimestampFormat() {
        Alert alert = new Alert(
                AlertSpec.Kind.RESOURCE,
                NodeId.of("n2"),
                Map.of("rsc", "web", "task", "monitor", "interval", "10000", "rc", "7", "desc", "Not running"),
                java.time.Instant.parse("2026-11-30T04:10:00.123456789Z"));
        AlertSpec spec = new AlertSpec(
                "a",
                new AlertSpec.Executable(Path.of("/bin/true")),
                List.of(),
                Duration.ofSeconds(1),
                "%Y-%m-%d %H:%M:%S.%3N %z",
                Set.of());
        Map<String, String> env = alert.environment(spec, "ops", 42, "hastack-dev", 2, java.time.ZoneId.of("UTC"));
        assertEquals("resource", env.get("CRM_alert_kind"));
        assertEquals("ops", env.get("CRM_alert_recipient"));
        assertEquals("n2", env.get("CRM_alert_node"));
        assertEquals("2", env.get("CRM_alert_nodeid"));
        assertEquals("42", env.get("CRM_alert_node_sequence"));
        assertEquals("2026-11-30 04:10:00.123 +0000", env.get("CRM_alert_timestamp"));
        assertEquals("1796011800", env.get("CRM_alert_timestamp_epoch"));
        assertEquals("123456", env.get("CRM_alert_timestamp_usec"));
        assertEquals("Not running", env.get("CRM_alert_desc"));
        assertEquals("10000", env.get("CRM_alert_interval"));
        assertEquals(env.get("CRM_alert_desc"), env.get("CRM_notify_desc"), "Pacemaker 2.1's second prefix");
        assertEquals(
                "04:10:00.123456",
                AlertTime.format(AlertSpec.DEFAULT_TIMESTAMP_FORMAT, alert.time(), java.time.ZoneId.of("UTC")));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new AlertSpec(
                        "b",
                        new AlertSpec.Executable(Path.of("/bin/true")),
                        List.of(),
                        Duration.ofSeconds(1),
                        "%Q",
                        Set.of()));
        assertTrue(bad.getMessage().contains("%Q is not supported"), bad.getMessage());
    }
}
