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
    private AlertFailover run;
    private HttpServer receiver;

    @AfterEach
    void tearDown() {
        alerts.forEach(Alerts::close);
        if (run != null) {
            run.alerts.forEach(Alerts::close);
        }
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

        Path hangingScript = hangingScript();
        AlertFailover failover = new AlertFailover(cluster);
        run = failover;
        failover.run(n -> List.of(
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
                        Set.of(AlertSpec.Kind.RESOURCE))));
        NodeId active = failover.active();
        NodeId survivor = failover.survivor();

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

        Alerts onSurvivor = failover.alertsOf(survivor);
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

    /**
     * An alert agent that writes its environment, one file per call ({@code <pid>.env} in the
     * directory its attribute {@code out} names), for tests to read.
     */
    private Path envScript() throws IOException {
        Path script = dir.resolve("env.sh");
        Files.writeString(script, "#!/bin/sh\nf=\"$out/$$.env\"\nenv > \"$f.tmp\" && mv \"$f.tmp\" \"$f\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** The environments {@link #envScript()} wrote into {@code out}, each as a map. */
    private static List<Map<String, String>> environments(Path out) {
        List<Map<String, String>> all = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".env")).toList()) {
                Map<String, String> env = new java.util.HashMap<>();
                for (String line : Files.readAllLines(f)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        env.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                all.add(env);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all;
    }

    private AlertSpec envAlert(Path out, Map<String, String> attributes) throws IOException {
        Map<String, String> withOut = new java.util.LinkedHashMap<>(attributes);
        withOut.put("out", out.toString());
        return AlertSpec.of("env", new AlertSpec.Executable(envScript())).withAttributes(withOut);
    }

    @Test
    void attributesReachTheExecutablesEnvironmentAndATimedOutStartIsPacemakersStatus2() throws Exception {
        Path out = Files.createDirectory(dir.resolve("env"));
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        attributes.put("email_sender", "hastack@example.com");
        attributes.put("trap_options", "-m +PACEMAKER-MIB -On");
        attributes.put("HOME", dir.toString());
        AlertSpec spec = envAlert(out, attributes);
        attributes.put("email_sender", "changed@example.com");
        assertEquals("hastack@example.com", spec.attributes().get("email_sender"), "a copy");
        org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class, () -> spec.attributes().put("x", "y"));
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(ResourceGroup.of(
                        "web-group", ResourceSpec.builder("web", "witness").build()))
                .build();
        Alerts a = new Alerts(List.of(spec), () -> config, java.time.ZoneId.of("UTC"));
        alerts.add(a);

        a.onEvent(new io.hastack.core.runtime.HaEvent(
                java.time.Instant.parse("2026-11-30T06:00:00Z"),
                NodeId.of("n2"),
                new io.hastack.core.runtime.EventData.ActionFailed(
                        io.hastack.core.spi.plan.ActionType.START,
                        io.hastack.core.model.ResourceId.of("web"),
                        java.util.Optional.of(
                                io.hastack.core.spi.agent.AgentOutcome.failed("start timed out after 500 ms")),
                        false,
                        true),
                "web",
                "start web on n2 failed: start timed out after 500 ms"));

        InProcessCluster.waitUntil(() -> environments(out).size() == 1, "the alert agent to run");
        Map<String, String> env = environments(out).get(0);
        assertEquals("hastack@example.com", env.get("email_sender"));
        assertEquals("-m +PACEMAKER-MIB -On", env.get("trap_options"));
        assertEquals(dir.toString(), env.get("HOME"), "an attribute is over what the node inherited");
        assertEquals("resource", env.get("CRM_alert_kind"));
        assertEquals("start", env.get("CRM_alert_task"));
        assertEquals("web", env.get("CRM_alert_rsc"));
        assertEquals("n2", env.get("CRM_alert_node"));
        assertEquals("2", env.get("CRM_alert_status"), "Pacemaker's PCMK_EXEC_TIMEOUT");
        assertEquals("Timed Out", env.get("CRM_alert_desc"));
        assertEquals("1", env.get("CRM_alert_rc"));
        assertEquals("2", env.get("CRM_notify_status"));

        // A failure that was not a timeout stays "done" with the agent's result.
        Map<String, String> failed = Alert.of(
                        new io.hastack.core.runtime.HaEvent(
                                java.time.Instant.EPOCH,
                                NodeId.of("n1"),
                                new io.hastack.core.runtime.EventData.ActionFailed(
                                        io.hastack.core.spi.plan.ActionType.START,
                                        io.hastack.core.model.ResourceId.of("web"),
                                        java.util.Optional.of(io.hastack.core.spi.agent.AgentOutcome.of(
                                                io.hastack.core.spi.agent.AgentResult.ERR_INSTALLED, "no nginx")),
                                        false),
                                "web",
                                ""),
                        r -> Duration.ZERO)
                .get(0)
                .fields();
        assertEquals("0", failed.get("status"));
        assertEquals("5", failed.get("rc"));
        assertEquals("Not installed", failed.get("desc"));
    }

    @Test
    void aStartThatTimesOutInTheClusterReachesAlertAgentsAsTimedOut() throws Exception {
        Path out = Files.createDirectory(dir.resolve("env"));
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("web", "witness")
                                .timeout(io.hastack.core.model.Operation.START, Duration.ofSeconds(2))
                                .build()))
                .build();
        AlertSpec spec = envAlert(out, Map.of());
        for (String n : List.of("n1", "n2")) {
            cluster.witness.hangStart(NodeId.of(n), "web");
        }
        for (String n : List.of("n1", "n2")) {
            // The first start can begin once both are in the view, and times out 2 s later.
            cluster.start(n, config);
            Alerts a = Alerts.forNode(cluster.node(n), List.of(spec));
            alerts.add(a);
            cluster.node(n).addListener(a, Runnable::run);
        }

        InProcessCluster.waitUntil(
                () -> environments(out).stream()
                        .anyMatch(e -> "start".equals(e.get("CRM_alert_task")) && "web".equals(e.get("CRM_alert_rsc"))),
                "an alert for the start of web");
        Map<String, String> env = environments(out).stream()
                .filter(e -> "start".equals(e.get("CRM_alert_task")))
                .findFirst()
                .orElseThrow();
        String alertVariables = new java.util.TreeMap<>(env)
                .entrySet().stream()
                        .filter(e -> e.getKey().startsWith("CRM_alert_"))
                        .toList()
                        .toString();
        assertEquals("2", env.get("CRM_alert_status"), alertVariables);
        assertEquals("Timed Out", env.get("CRM_alert_desc"), alertVariables);
    }

    @Test
    void aBadAttributeIsRefusedNamingTheAlertAndTheAttribute() {
        AlertSpec good = AlertSpec.of("mail", new AlertSpec.Executable(Path.of("/bin/true")));
        for (Map.Entry<String, String> bad : List.of(
                Map.entry("1st", "x"),
                Map.entry("trap-options", "x"),
                Map.entry("", "x"),
                Map.entry("CRM_alert_node", "x"),
                Map.entry("email_sender", "a\0b"))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> good.withAttributes(Map.of(bad.getKey(), bad.getValue())),
                    bad.toString());
            assertTrue(e.getMessage().startsWith("alert mail: attribute '" + bad.getKey() + "'"), e.getMessage());
        }
        assertEquals(Map.of(), good.attributes(), "nothing changed");
    }
}
