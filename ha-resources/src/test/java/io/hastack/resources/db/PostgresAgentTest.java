package io.hastack.resources.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The PostgreSQL agent against Debian's PostgreSQL: data survives a restart, a crash is seen, bad input. */
@Tag("integration")
class PostgresAgentTest {
    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("pg-test");
    private final PostgresAgent agent = new PostgresAgent();
    private final int port = Databases.freePort();
    private Path dir;
    private ResourceSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireExecutable(PostgresAgent.newestBin().resolve("postgres"), "postgresql");
        Prerequisites.requireRoot("the server runs as user postgres: needs root");
        dir = Databases.sharedTempDir();
        spec = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.resolve("data").toString())
                .param("port", Integer.toString(port))
                .param("initdb", "true")
                .param("log", dir.resolve("postgres.log").toString())
                .timeout(Operation.START, Duration.ofSeconds(60))
                .build();
    }

    @AfterEach
    void tearDown() {
        if (spec != null) {
            call(spec, Operation.STOP);
        }
        executor.close();
        Databases.delete(dir);
    }

    private OperationResult call(ResourceSpec s, Operation op) {
        return executor.call(agent, s, NodeId.of("n1"), op, 0).join();
    }

    private String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Regression: a data directory below a private directory failed deep inside initdb, on every node. */
    @Test
    void validateNamesADirectoryTheServersUserCannotReach() throws Exception {
        Path hidden = Files.createDirectory(
                dir.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ResourceSpec unreachable = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .params(spec.parameters())
                .param("data-directory", hidden.resolve("data").toString())
                .build();
        OperationResult r = call(unreachable, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_PERM, r.outcome().result(), r.toString());
        assertTrue(r.outcome().message().contains("user postgres cannot enter " + hidden), r.toString());
        assertTrue(r.outcome().message().contains("mode rwx------"), r.toString());
        OperationResult start = call(unreachable, Operation.START);
        assertEquals(AgentResult.ERR_PERM, start.outcome().result(), "start validates first: " + start);
        assertTrue(Files.notExists(hidden.resolve("data")), "nothing was created");

        ResourceSpec sockets = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .params(spec.parameters())
                .param("socket-directory", hidden.toString())
                .build();
        OperationResult s = call(sockets, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_PERM, s.outcome().result(), s.toString());
        assertTrue(
                s.outcome().message().contains("user postgres cannot write to " + hidden)
                        && s.outcome().message().contains("socket-directory"),
                s.toString());
        assertEquals(
                AgentResult.SUCCESS, call(spec, Operation.VALIDATE).outcome().result());
    }

    @Test
    void dataWrittenBeforeAFastShutdownIsThereAfterTheNextStart() throws Exception {
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        try (Connection c = DriverManager.getConnection(url(), "postgres", "")) {
            c.createStatement().execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");
        }
        OperationResult stop = call(spec, Operation.STOP);
        assertEquals("fast shutdown", stop.outcome().message(), stop.toString());
        assertEquals(
                AgentResult.NOT_RUNNING, call(spec, Operation.MONITOR).outcome().result());
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        try (Connection c = DriverManager.getConnection(url(), "postgres", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
            assertTrue(rs.next());
            assertEquals("kept", rs.getString(1));
        }
    }

    @Test
    void aCrashedServerIsReportedFailed() throws Exception {
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        long pid = Long.parseLong(
                Files.readAllLines(dir.resolve("data/postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().join();
        OperationResult monitor = call(spec, Operation.MONITOR);
        assertEquals(AgentResult.ERR_GENERIC, monitor.outcome().result(), monitor.toString());
    }

    @Test
    void aLockFileLeftByAZombiePostmasterDoesNotBlockTheNextStart() throws Exception {
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.STOP).outcome().result());
        // A zombie owned by postgres: a child that exited and whose parent (an exec'd sleep) never
        // reaps it, as a killed postmaster is until PID 1 gets to it.
        Process parent = new ProcessBuilder(
                        "setpriv",
                        "--reuid=postgres",
                        "--regid=postgres",
                        "--init-groups",
                        "--",
                        "bash",
                        "-c",
                        "sleep 0.1 & echo $!; exec sleep 60")
                .start();
        try {
            long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(
                            parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                    .readLine()
                    .strip());
            Path stat = Path.of("/proc", Long.toString(zombie), "stat");
            org.awaitility.Awaitility.await()
                    .atMost(io.hastack.testsupport.Timing.seconds(10))
                    .until(() -> Files.exists(stat) && Files.readString(stat).contains(") Z"));
            Path lock = dir.resolve("data/postmaster.pid");
            Files.writeString(lock, zombie + "\n" + dir.resolve("data") + "\n");
            Files.setOwner(
                    lock, lock.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            OperationResult start = call(spec, Operation.START);
            assertEquals(
                    AgentResult.SUCCESS,
                    start.outcome().result(),
                    start + "; log: " + Files.readString(dir.resolve("postgres.log")));
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        ResourceSpec badPort = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.toString())
                .param("port", "70000")
                .build();
        assertEquals(
                "resource db: parameter 'port' must be a port number 1-65535, was '70000'",
                call(badPort, Operation.VALIDATE).outcome().message());
        ResourceSpec noCluster = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.toString())
                .param("port", "5433")
                .build();
        OperationResult r = call(noCluster, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, r.outcome().result());
        assertTrue(r.outcome().message().contains("holds no PostgreSQL cluster"), r.toString());
        ResourceSpec noBinaries = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.toString())
                .param("port", "5433")
                .param("bin-directory", "/opt/pg/bin")
                .build();
        OperationResult missing = call(noBinaries, Operation.VALIDATE);
        assertEquals(AgentResult.ERR_INSTALLED, missing.outcome().result());
        assertTrue(missing.outcome().message().contains("/opt/pg/bin/postgres"), missing.toString());
        String longDir = "/tmp/" + "x".repeat(100);
        ResourceSpec longSocket = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.toString())
                .param("port", "5433")
                .param("socket-directory", longDir)
                .build();
        assertEquals(
                "resource db: the socket path " + longDir + "/.s.PGSQL.5433 is longer than the 107 bytes a Unix"
                        + " socket allows; set a shorter 'socket-directory'",
                call(longSocket, Operation.VALIDATE).outcome().message());
        ResourceSpec badListen = ResourceSpec.builder("db", PostgresAgent.TYPE)
                .param("data-directory", dir.toString())
                .param("port", "5433")
                .param("listen-addresses", "127.0.0.1; DROP")
                .build();
        assertEquals(
                "resource db: parameter 'listen-addresses' must be addresses separated by commas, was"
                        + " '127.0.0.1; DROP'",
                call(badListen, Operation.VALIDATE).outcome().message());
    }

    @Test
    void aStartWithAnOlderEpochIsRefusedAndACopyOvertakenByALaterStartReportsItself() {
        NodeId n1 = NodeId.of("n1");
        assertEquals(
                AgentResult.SUCCESS,
                executor.call(agent, spec, n1, Operation.START, 5)
                        .join()
                        .outcome()
                        .result());
        Path epochs = dir.resolve("data.hastack-epoch");
        assertEquals(5, io.hastack.core.spi.agent.EpochGuard.persistent(epochs).highest());
        assertEquals(
                AgentResult.SUCCESS,
                executor.call(agent, spec, n1, Operation.MONITOR, 5)
                        .join()
                        .outcome()
                        .result());

        // Another node started the database later (epoch 7): this copy is stale.
        io.hastack.core.spi.agent.EpochGuard.persistent(epochs).admit(7);
        OperationResult monitor =
                executor.call(agent, spec, n1, Operation.MONITOR, 5).join();
        assertEquals(AgentResult.ERR_GENERIC, monitor.outcome().result(), monitor.toString());
        assertTrue(monitor.outcome().message().contains("records a later start with epoch 7"), monitor.toString());
        call(spec, Operation.STOP);

        OperationResult stale =
                executor.call(agent, spec, n1, Operation.START, 6).join();
        assertEquals(AgentResult.ERR_GENERIC, stale.outcome().result(), stale.toString());
        assertTrue(stale.outcome().message().contains("refusing a stale start with epoch 6"), stale.toString());
        assertEquals(
                AgentResult.NOT_RUNNING, call(spec, Operation.MONITOR).outcome().result());
    }
}
