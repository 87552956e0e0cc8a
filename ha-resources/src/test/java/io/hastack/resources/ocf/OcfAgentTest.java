package io.hastack.resources.ocf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.testsupport.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCF adapter against scripts written here (a private OCF root) and Debian's resource-agents:
 * environment, exit codes, meta-data, validation, timeouts, argv safety.
 */
@Tag("integration")
class OcfAgentTest {
    private static final Path DEBIAN = OcfAgent.DEFAULT_OCF_ROOT;
    private static final NodeId N1 = NodeId.of("n1");

    @TempDir
    Path root;

    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("ocf-test");

    @AfterEach
    void close() {
        executor.close();
    }

    /** Writes an agent script {@code <root>/resource.d/test/<name>} with {@code body} after the shebang. */
    private OcfAgent script(String name, String body) throws IOException {
        OcfScripts.write(root, name, body);
        return new OcfAgent(root, "test", name);
    }

    private static final String META = """
            if [ "$1" = meta-data ]; then cat <<'XML'
            <?xml version="1.0"?>
            <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
            <resource-agent name="Probe" version="1.0">
            <shortdesc lang="en">A test agent</shortdesc>
            <parameters>
            <parameter name="target" required="1"><shortdesc lang="en">where to write</shortdesc>
            <content type="string"/></parameter>
            <parameter name="value"><shortdesc lang="en">what to write</shortdesc>
            <content type="string" default="x"/></parameter>
            </parameters>
            <actions><action name="start" timeout="90s"/><action name="stop" timeout="2min"/>
            <action name="monitor" timeout="15" interval="10s"/></actions>
            </resource-agent>
            XML
            exit 0; fi
            """;

    private OperationResult call(OcfAgent agent, ResourceSpec spec, Operation op) {
        return executor.call(agent, spec, N1, op, 0).join();
    }

    @Test
    void metaDataIsParsedIntoParametersRequiredFlagsAndTimeouts() throws IOException {
        AgentMetadata m = script("Probe", META + "exit 3\n").metadata();
        assertEquals("ocf:test:Probe", m.type());
        assertEquals("A test agent", m.description());
        assertEquals(List.of("target"), m.requiredParameters());
        assertEquals("x", m.parameters().get(1).defaultValue());
        assertEquals(
                Map.of(
                        Operation.START,
                        Duration.ofSeconds(90),
                        Operation.STOP,
                        Duration.ofMinutes(2),
                        Operation.MONITOR,
                        Duration.ofSeconds(15)),
                m.timeouts());
    }

    @Test
    void validateNamesMissingRequiredParametersBeforeRunningAnything() throws IOException {
        OcfAgent agent = script("Probe", META + "echo ran > \"$0.ran\"; exit 0\n");
        ResourceSpec spec = ResourceSpec.builder("p", "ocf:test:Probe").build();
        OperationResult r = call(agent, spec, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, r.outcome().result());
        assertEquals(
                "resource p: ocf:test:Probe requires parameter target",
                r.outcome().message());
        assertFalse(Files.exists(root.resolve("resource.d/test/Probe.ran")), "validate-all must not have run");
    }

    @Test
    void theEnvironmentFollowsOcfAndValuesArriveAsWrittenNeverThroughAShell() throws IOException {
        Path out = root.resolve("env.txt");
        OcfAgent agent = script("Probe", META + """
                printf '%s\\n' "$OCF_ROOT" "$OCF_RESOURCE_INSTANCE" "$OCF_RESOURCE_TYPE" "$OCF_RESOURCE_PROVIDER" \
                  "$OCF_RESKEY_value" "$OCF_RESKEY_CRM_meta_timeout" "$1" > "$OCF_RESKEY_target"
                exit 0
                """);
        String nasty = "a; rm -rf /tmp/nothing $(id) `id` | cat > /dev/null && echo 'q' \"d\" $HOME";
        ResourceSpec spec = ResourceSpec.builder("web-1", "ocf:test:Probe")
                .param("target", out.toString())
                .param("value", nasty)
                .timeout(Operation.START, Duration.ofSeconds(7))
                .build();
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, spec, Operation.START).outcome().result());
        assertEquals(
                List.of(root.toString(), "web-1", "Probe", "test", nasty, "7000", "start"), Files.readAllLines(out));
    }

    @Test
    void exitCodesMapOneToOneAndOthersAreGenericErrorsNamingTheCode() throws IOException {
        OcfAgent agent = script("Codes", "echo \"last words of $1\"; exit \"$OCF_RESKEY_code\"\n");
        for (int code = 0; code <= 7; code++) {
            ResourceSpec spec = ResourceSpec.builder("c", "ocf:test:Codes")
                    .param("code", Integer.toString(code))
                    .build();
            OperationResult r = call(agent, spec, Operation.MONITOR);
            assertEquals(AgentResult.fromOcfCode(code), r.outcome().result());
            assertEquals("last words of monitor", r.outcome().message());
        }
        ResourceSpec odd =
                ResourceSpec.builder("c", "ocf:test:Codes").param("code", "42").build();
        OperationResult r = call(agent, odd, Operation.START);
        assertEquals(AgentResult.ERR_GENERIC, r.outcome().result());
        assertEquals(
                "ocf:test:Codes start exited with 42: last words of start",
                r.outcome().message());
    }

    @Test
    void aHungScriptIsKilledWithWhatItStartedWhenTheTimeoutExpires() throws Exception {
        Path pids = root.resolve("pids");
        // It answers meta-data (as a real agent does: the executor asks for the advised timeouts first).
        OcfAgent agent = script("Hang", """
                [ "$1" = meta-data ] && exit 0
                sleep 600 & echo $! > "$OCF_RESKEY_pids"; echo $$ >> "$OCF_RESKEY_pids"; wait
                """);
        ResourceSpec spec = ResourceSpec.builder("h", "ocf:test:Hang")
                .param("pids", pids.toString())
                .timeout(Operation.START, Duration.ofSeconds(1))
                .build();
        OperationResult r = call(agent, spec, Operation.START);
        // Whichever notices first: the executor (TIMED_OUT) or the agent's own limit (the same instant).
        assertTrue(
                r.completion() == OperationResult.Completion.TIMED_OUT
                        || r.outcome().message().endsWith("was stopped after its timeout"),
                r.toString());
        assertFalse(r.succeeded(), r.toString());
        for (String pid : Files.readAllLines(pids)) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(h -> {
                h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                assertFalse(h.isAlive(), "process " + pid + " outlived the timeout");
            });
        }
    }

    @Test
    void aMissingAgentIsNotInstalledAndSaysWhichFile() {
        OcfAgent agent = new OcfAgent(root, "test", "Nope");
        OperationResult r =
                call(agent, ResourceSpec.builder("n", "ocf:test:Nope").build(), Operation.START);
        assertEquals(AgentResult.ERR_INSTALLED, r.outcome().result());
        assertTrue(
                r.outcome()
                        .message()
                        .contains(root.resolve("resource.d/test/Nope").toString()),
                r.toString());
    }

    @Test
    void everyInstalledAgentIsRegisteredUnderItsPacemakerName() throws IOException {
        script("Probe", META);
        AgentRegistry.Builder b = AgentRegistry.builder();
        assertEquals(List.of("ocf:test:Probe"), OcfAgent.registerAll(b, root));
        Prerequisites.requireExecutable(DEBIAN.resolve("resource.d/heartbeat/Dummy"), "resource-agents");
        List<String> debian = OcfAgent.registerAll(AgentRegistry.builder(), DEBIAN);
        assertTrue(
                debian.containsAll(List.of(
                        "ocf:heartbeat:Dummy",
                        "ocf:heartbeat:Filesystem",
                        "ocf:heartbeat:IPaddr2",
                        "ocf:heartbeat:nginx")),
                debian.toString());
    }

    @Test
    void debiansFilesystemAgentMountsAndUnmountsATmpfs() throws IOException {
        Prerequisites.requireExecutable(DEBIAN.resolve("resource.d/heartbeat/Filesystem"), "resource-agents");
        Prerequisites.requireRoot("mounting needs root");
        Path mountPoint = Files.createDirectories(root.resolve("mnt"));
        OcfAgent agent = new OcfAgent(DEBIAN, "heartbeat", "Filesystem");
        ResourceSpec spec = ResourceSpec.builder("fs", "ocf:heartbeat:Filesystem")
                .param("device", "tmpfs")
                .param("directory", mountPoint.toString())
                .param("fstype", "tmpfs")
                .param("meta.check-level", "20")
                .timeout(Operation.START, Duration.ofSeconds(60))
                .timeout(Operation.STOP, Duration.ofSeconds(60))
                .build();
        assertEquals(List.of("device", "directory", "fstype"), agent.metadata().requiredParameters());
        try {
            assertEquals(
                    AgentResult.NOT_RUNNING,
                    call(agent, spec, Operation.MONITOR).outcome().result());
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.START).outcome().result());
            assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mountPoint + " "));
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.MONITOR).outcome().result());
        } finally {
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.STOP).outcome().result());
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mountPoint + " "));
    }

    @Test
    void debiansIpaddr2AddsAnAddressInsideANamespace() {
        Prerequisites.requireExecutable(DEBIAN.resolve("resource.d/heartbeat/IPaddr2"), "resource-agents");
        Prerequisites.requireRoot("network namespaces need root");
        Prerequisites.requireCommand("ip", "iproute2");
        String ns = "hs-ocf-" + System.nanoTime() % 100000;
        io.hastack.resources.Commands.run(List.of("ip", "netns", "add", ns), Duration.ofSeconds(10));
        try {
            io.hastack.resources.Commands.run(
                    List.of("ip", "-n", ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"),
                    Duration.ofSeconds(10));
            io.hastack.resources.Commands.run(
                    List.of("ip", "-n", ns, "link", "set", "veth0", "up"), Duration.ofSeconds(10));
            OcfAgent agent = new OcfAgent(DEBIAN, "heartbeat", "IPaddr2");
            ResourceSpec spec = ResourceSpec.builder("vip", "ocf:heartbeat:IPaddr2")
                    .param("ip", "10.60.0.100")
                    .param("cidr_netmask", "24")
                    .param("nic", "veth0")
                    .param("meta.netns", ns)
                    .build();
            assertEquals(
                    AgentResult.NOT_RUNNING,
                    call(agent, spec, Operation.MONITOR).outcome().result());
            OperationResult start = call(agent, spec, Operation.START);
            assertEquals(AgentResult.SUCCESS, start.outcome().result(), start.toString());
            String addrs = io.hastack.resources.Commands.run(
                            List.of("ip", "-n", ns, "-o", "addr", "show", "dev", "veth0"), Duration.ofSeconds(10))
                    .output();
            assertTrue(addrs.contains(" inet 10.60.0.100/24 "), addrs);
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.MONITOR).outcome().result());
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.STOP).outcome().result());
            assertEquals(
                    AgentResult.NOT_RUNNING,
                    call(agent, spec, Operation.MONITOR).outcome().result());
        } finally {
            io.hastack.resources.Commands.run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(10));
        }
    }

    @Test
    void debiansNginxAgentRunsNginx() throws Exception {
        Prerequisites.requireExecutable(DEBIAN.resolve("resource.d/heartbeat/nginx"), "resource-agents");
        Prerequisites.requireCommand("nginx", "nginx");
        int port = io.hastack.resources.service.Servers.freePort();
        Path dir = root.resolve("nginx");
        Path config = io.hastack.resources.service.Servers.nginxConfig(dir, port);
        OcfAgent agent = new OcfAgent(DEBIAN, "heartbeat", "nginx");
        ResourceSpec spec = ResourceSpec.builder("web", "ocf:heartbeat:nginx")
                .param("httpd", "/usr/sbin/nginx")
                .param("configfile", config.toString())
                .param("options", "-p " + dir + "/")
                .param("status10url", "http://127.0.0.1:" + port + "/nginx_status")
                .timeout(Operation.START, Duration.ofSeconds(30))
                .timeout(Operation.STOP, Duration.ofSeconds(30))
                .build();
        try {
            OperationResult start = call(agent, spec, Operation.START);
            assertEquals(AgentResult.SUCCESS, start.outcome().result(), start.toString());
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.MONITOR).outcome().result());
        } finally {
            assertEquals(
                    AgentResult.SUCCESS,
                    call(agent, spec, Operation.STOP).outcome().result());
        }
        assertEquals(
                AgentResult.NOT_RUNNING,
                call(agent, spec, Operation.MONITOR).outcome().result());
    }
}
