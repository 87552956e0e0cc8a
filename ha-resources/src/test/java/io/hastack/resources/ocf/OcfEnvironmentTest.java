package io.hastack.resources.ocf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.Call;
import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.CloneInstance;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Commands;
import io.hastack.testsupport.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every OCF call gets the environment Pacemaker gives it, exactly as the table in
 * {@code docs/agents.md} lists it (this test reads the table), and the adapter reports the agent's
 * exit reason. Regression (issue 11): every monitor reached agents as a probe.
 */
class OcfEnvironmentTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final List<String> COLUMNS =
            List.of("start", "stop", "monitor", "probe", "validate-all", "meta-data");

    @TempDir
    Path root;

    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("ocf-env");

    @AfterEach
    void close() {
        executor.close();
    }

    /** {@code <root>/resource.d/test/<name>} with {@code body} after the shebang. */
    private void script(String name, String body) throws IOException {
        OcfScripts.write(root, name, body);
    }

    /** Variable name to cells (start ... meta-data) of the table in docs/agents.md. */
    private static Map<String, List<String>> documented() throws IOException {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "agents.md"))) {
            String l = line.strip();
            if (l.startsWith("| `OCF_")) {
                String[] cells = l.split("\\|");
                List<String> ops = List.of(cells).subList(3, 3 + COLUMNS.size()).stream()
                        .map(String::strip)
                        .toList();
                table.put(cells[1].strip().replace("`", ""), ops);
            }
        }
        assertTrue(table.size() > 10, "the table in docs/agents.md was not found: " + table.keySet());
        return table;
    }

    /** The variables the table says {@code column} gets; {@code clone} adds the clone-only ones. */
    private static Set<String> expected(
            Map<String, List<String>> table, String column, boolean clone, Set<String> params) {
        Set<String> names = new TreeSet<>();
        table.forEach((name, cells) -> {
            String cell = cells.get(COLUMNS.indexOf(column));
            if (cell.equals("yes") || (clone && cell.equals("clone"))) {
                if (name.equals("OCF_RESKEY_<name>")) {
                    params.forEach(p -> names.add("OCF_RESKEY_" + p));
                } else {
                    names.add(name);
                }
            }
        });
        return names;
    }

    /** The OCF_ variables a dump holds, with their values. */
    private Map<String, String> dump(String file) throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String line : Files.readAllLines(root.resolve("dump").resolve(file))) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    private OperationResult call(ResourceAgent agent, Call call) {
        return executor.call(agent, call).join();
    }

    @Tag("functional")
    @Test
    void everyCallGetsTheDocumentedEnvironmentAndProbesDifferFromRecurringMonitors() throws IOException {
        Files.createDirectories(root.resolve("dump"));
        script("Dump", """
                env | grep '^OCF_' | sort > "$OCF_ROOT/dump/$1-${OCF_RESKEY_CRM_meta_interval:-none}"
                if [ "$1" = meta-data ]; then cat <<'XML'
                <?xml version="1.0"?>
                <resource-agent name="Dump" version="1.0">
                <shortdesc lang="en">dumps its environment</shortdesc>
                <parameters><parameter name="value"><content type="string"/></parameter></parameters>
                <actions><action name="start" timeout="90s"/><action name="monitor" timeout="15s"/></actions>
                </resource-agent>
                XML
                fi
                exit 0
                """);
        ResourceSpec spec = ResourceSpec.builder("web-1", "ocf:test:Dump")
                .param("value", "v 1")
                .param("meta.netns", "")
                .monitorInterval(Duration.ofSeconds(4))
                .timeout(Operation.START, Duration.ofSeconds(7))
                .build();
        ResourceAgent agent = OcfAgent.factory(root, "test", "Dump").create(spec);
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.VALIDATE, 0)).outcome().result());
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.MONITOR, 0)).outcome().result());
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.START, 3)).outcome().result());
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.MONITOR, 3).recurring())
                        .outcome()
                        .result());
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.STOP, 3)).outcome().result());

        Map<String, List<String>> table = documented();
        Set<String> params = Set.of("value");
        Map<String, String> files = Map.of(
                "start",
                "start-0",
                "stop",
                "stop-0",
                "monitor",
                "monitor-4000",
                "probe",
                "monitor-0",
                "validate-all",
                "validate-all-0",
                "meta-data",
                "meta-data-none");
        for (String column : COLUMNS) {
            assertEquals(
                    expected(table, column, false, params),
                    dump(files.get(column)).keySet(),
                    column + ": the environment must be the documented one");
        }
        Map<String, String> start = dump("start-0");
        assertEquals("7000", start.get("OCF_RESKEY_CRM_meta_timeout"));
        assertEquals("0", start.get("OCF_RESKEY_CRM_meta_interval"));
        assertEquals("start", start.get("OCF_RESKEY_CRM_meta_name"));
        assertEquals("n1", start.get("OCF_RESKEY_CRM_meta_on_node"));
        assertEquals("web-1", start.get("OCF_RESOURCE_INSTANCE"));
        assertEquals("ocf-exit-reason:", start.get("OCF_EXIT_REASON_PREFIX"));
        assertEquals("v 1", start.get("OCF_RESKEY_value"));
        Map<String, String> recurring = dump("monitor-4000");
        assertEquals("4000", recurring.get("OCF_RESKEY_CRM_meta_interval"));
        assertEquals("monitor", recurring.get("OCF_RESKEY_CRM_meta_name"));
        assertEquals("15000", recurring.get("OCF_RESKEY_CRM_meta_timeout"), "the advised monitor timeout");
        assertEquals("0", dump("monitor-0").get("OCF_RESKEY_CRM_meta_interval"), "a probe");
        assertEquals(
                "web-1",
                dump("meta-data-none").get("OCF_RESOURCE_INSTANCE"),
                "meta-data is asked for the resource the agent was made for");

        // A copy of a clone also gets the clone's meta attributes.
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(spec, N1, Operation.START, 3).inClone(Optional.of(CloneInstance.anonymous(1, 3))))
                        .outcome()
                        .result());
        Map<String, String> copy = dump("start-0");
        assertEquals(expected(table, "start", true, params), copy.keySet());
        assertEquals("1", copy.get("OCF_RESKEY_CRM_meta_clone"));
        assertEquals("3", copy.get("OCF_RESKEY_CRM_meta_clone_max"));
        assertEquals("1", copy.get("OCF_RESKEY_CRM_meta_clone_node_max"));
        assertEquals("false", copy.get("OCF_RESKEY_CRM_meta_globally_unique"));
        assertEquals("web-1", copy.get("OCF_RESOURCE_INSTANCE"), "clones are anonymous");
    }

    @Tag("functional")
    @Test
    void theExitReasonIsTheMessageThenTheLastErrorLineThenTheLastLine() throws IOException {
        script("Reason", """
                echo "$(date) INFO: chatter on stdout"
                case "$OCF_RESKEY_mode" in
                  reason) echo "Reason(r)[1]: ERROR: an earlier error" >&2
                          echo "ocf-exit-reason:the first reason" >&2
                          echo "ocf-exit-reason:the real reason" >&2
                          echo "more chatter" >&2; exit 1;;
                  error)  echo "Reason(r)[1]: ERROR: disk on fire" >&2; echo "INFO: after" >&2; exit 5;;
                  *)      exit 0;;
                esac
                """);
        OcfAgent agent = new OcfAgent(root, "test", "Reason");
        OperationResult r = startReason(agent, "reason");
        assertEquals(AgentResult.ERR_GENERIC, r.outcome().result());
        assertEquals("the real reason", r.outcome().message());
        OperationResult e = startReason(agent, "error");
        assertEquals(AgentResult.ERR_INSTALLED, e.outcome().result());
        assertEquals("ERROR: disk on fire", e.outcome().message());
        OperationResult f = startReason(agent, "fine");
        assertTrue(f.outcome().message().endsWith("INFO: chatter on stdout"), f.toString());
    }

    @Tag("unit")
    @Test
    void messageRulesOnTheirOwn() {
        assertEquals("why", OcfAgent.message(new Commands.SplitResult(1, "out", "x\nocf-exit-reason: why \n"), false));
        assertEquals("out", OcfAgent.message(new Commands.SplitResult(0, "out", "ERROR: not for a success"), true));
        assertEquals("ERROR: bad", OcfAgent.message(new Commands.SplitResult(1, "out", "a ERROR: bad\nb"), false));
        assertEquals("b", OcfAgent.message(new Commands.SplitResult(1, "", "a\nb\n"), false));
        assertEquals(
                "x",
                OcfAgent.message(new Commands.SplitResult(7, "x", "ocf-exit-reason:   \n"), false),
                "an empty reason is no reason");
    }

    /**
     * Debian's Dummy agent says why only in a real (recurring) monitor, as resource-agents intends;
     * a probe that finds it stopped says nothing. It also gives its exit reason on a failed validate.
     */
    @Tag("integration")
    @Test
    void debiansDummyTellsAProbeFromARecurringMonitor() {
        Prerequisites.requireExecutable(
                OcfAgent.DEFAULT_OCF_ROOT.resolve("resource.d/heartbeat/Dummy"), "resource-agents");
        ResourceSpec spec = ResourceSpec.builder("d", "ocf:heartbeat:Dummy")
                .param("state", root.resolve("dummy.state").toString())
                .monitorInterval(Duration.ofSeconds(5))
                .build();
        ResourceAgent agent = OcfAgent.factory(OcfAgent.DEFAULT_OCF_ROOT, "heartbeat", "Dummy")
                .create(spec);
        OperationResult probe = call(agent, Call.of(spec, N1, Operation.MONITOR, 0));
        assertEquals(AgentResult.NOT_RUNNING, probe.outcome().result());
        assertFalse(probe.outcome().message().contains("No process state file found"), probe.toString());
        OperationResult recurring =
                call(agent, Call.of(spec, N1, Operation.MONITOR, 0).recurring());
        assertEquals(AgentResult.NOT_RUNNING, recurring.outcome().result());
        assertEquals("No process state file found", recurring.outcome().message());

        ResourceSpec unwritable = ResourceSpec.builder("d", "ocf:heartbeat:Dummy")
                .param("state", "/proc/no-such-dir/dummy.state")
                .build();
        OperationResult invalid = call(agent, Call.of(unwritable, N1, Operation.VALIDATE, 0));
        assertEquals(AgentResult.ERR_ARGS, invalid.outcome().result());
        assertEquals(
                "State file \"/proc/no-such-dir/dummy.state\" is not writable",
                invalid.outcome().message());
    }

    /**
     * Debian's Dummy advertises {@code reload}: a change of its non-unique parameter {@code fake}
     * is applied by a reload, its unique {@code state} is not (Pacemaker's rule for such agents).
     */
    @Tag("integration")
    @Test
    void debiansDummyReloadsItsNonUniqueParameter() {
        Prerequisites.requireExecutable(
                OcfAgent.DEFAULT_OCF_ROOT.resolve("resource.d/heartbeat/Dummy"), "resource-agents");
        OcfAgent agent = new OcfAgent(OcfAgent.DEFAULT_OCF_ROOT, "heartbeat", "Dummy");
        assertEquals(Set.of("fake"), agent.reloadableParameters());
        ResourceSpec.Builder spec = ResourceSpec.builder("d", "ocf:heartbeat:Dummy")
                .param("state", root.resolve("dummy.state").toString());
        ResourceSpec before = spec.param("fake", "one").build();
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(before, N1, Operation.START, 0)).outcome().result());
        ResourceSpec after = spec.param("fake", "two").build();
        OperationResult reload = executor.reload(agent, after, N1, 0).join();
        assertEquals(AgentResult.SUCCESS, reload.outcome().result(), reload.toString());
        assertEquals(
                AgentResult.SUCCESS,
                call(agent, Call.of(after, N1, Operation.MONITOR, 0)).outcome().result());
    }

    @Test
    void reloadAgentMarksItsReloadableParametersAndPlainReloadItsNonUniqueOnes() {
        String agent11 = "<resource-agent name='x'><version>1.1</version><parameters>"
                + "<parameter name='port' unique='1'/><parameter name='level' reloadable='1'/>"
                + "<parameter name='path'/></parameters><actions><action name='reload-agent'/>"
                + "<action name='reload'/></actions></resource-agent>";
        assertEquals(Optional.of(new OcfMetadata.Reload("reload-agent", Set.of("level"))), OcfMetadata.reload(agent11));
        String agent10 = agent11.replace("<version>1.1</version>", "<version>1.0</version>");
        assertEquals(
                Optional.of(new OcfMetadata.Reload("reload", Set.of("level", "path"))),
                OcfMetadata.reload(agent10),
                "OCF 1.0: reload-agent is not read; reload reloads what is not unique");
        assertEquals(
                Optional.empty(),
                OcfMetadata.reload(agent11.replace("<action name='reload-agent'/>", "")),
                "OCF 1.1: reload re-reads the service's configuration and reloads no parameter");
        assertEquals(Optional.empty(), OcfMetadata.reload(agent10.replace("<action name='reload'/>", "")));
        assertEquals(Optional.empty(), OcfMetadata.reload("not xml"));
    }

    /** Starts the Reason agent in {@code mode}. */
    private OperationResult startReason(OcfAgent agent, String mode) {
        ResourceSpec spec =
                ResourceSpec.builder("r", "ocf:test:Reason").param("mode", mode).build();
        return call(agent, Call.of(spec, N1, Operation.START, 0));
    }
}
