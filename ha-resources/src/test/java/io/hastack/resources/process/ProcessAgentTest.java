package io.hastack.resources.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process agent against real child processes. */
@Tag("functional")
class ProcessAgentTest {
    @TempDir
    Path dir;

    private final ProcessAgent agent = new ProcessAgent();
    private Map<String, String> params = new HashMap<>();

    @AfterEach
    void tearDown() {
        agent.stop(ctx(Operation.STOP, Duration.ofSeconds(10)));
    }

    private AgentContext ctx(Operation op, Duration timeout) {
        return new AgentContext(NodeId.of("n1"), ResourceId.of("proc"), op, params, timeout, System.nanoTime(), 0);
    }

    private AgentOutcome call(Operation op) {
        AgentContext c = ctx(op, Duration.ofSeconds(10));
        return switch (op) {
            case START -> agent.start(c);
            case STOP -> agent.stop(c);
            case MONITOR -> agent.monitor(c);
            case VALIDATE -> agent.validate(c);
        };
    }

    @Test
    void startMonitorStopFollowTheOcfRules() {
        params = ProcessAgent.params(List.of("sleep", "600"), Map.of());
        assertEquals(AgentResult.NOT_RUNNING, call(Operation.MONITOR).result(), "monitor of a stopped resource");
        assertEquals(AgentResult.SUCCESS, call(Operation.STOP).result(), "stop of a stopped resource");
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result());
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result(), "start is idempotent");
        assertEquals(AgentResult.SUCCESS, call(Operation.MONITOR).result());
        AgentOutcome stop = call(Operation.STOP);
        assertEquals(AgentResult.SUCCESS, stop.result());
        assertTrue(stop.message().contains("exited"), stop.message());
        assertEquals(AgentResult.NOT_RUNNING, call(Operation.MONITOR).result());
        assertEquals(AgentResult.SUCCESS, call(Operation.STOP).result(), "stop is idempotent");
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledWithinTheStopTimeout() throws Exception {
        Path ready = dir.resolve("ready");
        // sh is the program here, chosen by the test; the agent itself never uses a shell.
        params = ProcessAgent.params(
                List.of("sh", "-c", "trap '' TERM; touch " + ready + "; while true; do sleep 1; done"), Map.of());
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result());
        org.awaitility.Awaitility.await()
                .atMost(io.hastack.testsupport.Timing.seconds(30))
                .until(() -> Files.exists(ready));
        AgentOutcome stop = agent.stop(ctx(Operation.STOP, Duration.ofSeconds(2)));
        assertEquals(AgentResult.SUCCESS, stop.result(), stop.message());
        assertTrue(stop.message().contains("ignored SIGTERM; killed"), stop.message());
        assertEquals(AgentResult.NOT_RUNNING, call(Operation.MONITOR).result());
    }

    @Test
    void aProcessThatExitsOnItsOwnHasFailed() {
        params = ProcessAgent.params(List.of("true"), Map.of());
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result());
        org.awaitility.Awaitility.await()
                .atMost(io.hastack.testsupport.Timing.seconds(30))
                .until(() -> call(Operation.MONITOR).result() == AgentResult.ERR_GENERIC);
        assertTrue(call(Operation.MONITOR).message().contains("exited on its own with 0"));
    }

    @Test
    void shellMetacharactersArePassedAsOneArgumentNeverInterpreted() throws Exception {
        Path log = dir.resolve("out.log");
        Path canary = dir.resolve("canary");
        String hostile = "$(touch " + canary + "); `touch " + canary + "` | touch " + canary + " && echo *";
        params = new HashMap<>(ProcessAgent.params(List.of("printf", "%s|%s", hostile, "$HOME"), Map.of()));
        params.put("log", log.toString());
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result());
        org.awaitility.Awaitility.await()
                .atMost(io.hastack.testsupport.Timing.seconds(30))
                .until(() -> Files.exists(log) && Files.readString(log).length() == hostile.length() + 6);
        assertEquals(hostile + "|$HOME", Files.readString(log));
        assertFalse(Files.exists(canary), "a shell ran");
    }

    @Test
    void environmentAndWorkingDirectoryAreApplied() throws Exception {
        Path log = dir.resolve("env.log");
        params = new HashMap<>(
                ProcessAgent.params(List.of("sh", "-c", "echo \"$GREETING\"; pwd"), Map.of("GREETING", "hello world")));
        params.put("log", log.toString());
        params.put("directory", dir.toString());
        assertEquals(AgentResult.SUCCESS, call(Operation.START).result());
        org.awaitility.Awaitility.await()
                .atMost(io.hastack.testsupport.Timing.seconds(30))
                .until(() -> Files.exists(log) && Files.readString(log).lines().count() == 2);
        assertEquals(List.of("hello world", dir.toRealPath().toString()), Files.readAllLines(log));
    }

    @Test
    void badParametersAreNamedAndNothingRuns() {
        params = ProcessAgent.params(List.of("/no/such/binary"), Map.of());
        AgentOutcome missing = call(Operation.START);
        assertEquals(AgentResult.ERR_INSTALLED, missing.result());
        assertEquals(
                "resource proc: executable '/no/such/binary' is not installed (not found or not executable)",
                missing.message());

        params = Map.of();
        assertEquals(
                "resource proc: required parameter 'argv.0' is missing",
                call(Operation.VALIDATE).message());

        params = Map.of("argv.0", "sleep", "argv.2", "1");
        assertTrue(call(Operation.VALIDATE).message().contains("'argv.2' leaves a gap"));

        params = Map.of("argv.0", "sleep", "directory", dir.resolve("missing").toString());
        AgentOutcome noDir = call(Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, noDir.result());
        assertTrue(noDir.message().contains("which is not a directory"), noDir.message());
        assertEquals(AgentResult.NOT_RUNNING, call(Operation.MONITOR).result());
    }

    /** Issue 14: a log file in a missing directory failed the start with a message that blamed setpriv. */
    @Test
    void aLogInAMissingDirectoryIsNamedAtValidateAndStartNotBlamedOnSetpriv() {
        Path missing = dir.resolve("no-such-dir");
        Path log = missing.resolve("out.log");
        params = new HashMap<>(ProcessAgent.params(List.of("sleep", "600"), Map.of()));
        params.put("log", log.toString());
        String expected =
                "resource proc: log directory " + missing + " does not exist (parameter 'log' is '" + log + "')";
        AgentOutcome validate = call(Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, validate.result());
        assertEquals(expected, validate.message());
        AgentOutcome start = call(Operation.START);
        assertEquals(AgentResult.ERR_CONFIGURED, start.result());
        assertEquals(expected, start.message());
        assertFalse(start.message().contains("setpriv"), start.message());
        assertEquals(AgentResult.NOT_RUNNING, call(Operation.MONITOR).result(), "nothing was started");

        params.put("log", dir.toString());
        assertTrue(call(Operation.VALIDATE).message().contains("is a directory, not a file"));
        params.put("log", "");
        assertTrue(call(Operation.VALIDATE).message().contains("parameter 'log' is empty"));
    }
}
