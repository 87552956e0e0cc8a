package io.hastack.resources.db;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.EpochGuard;
import io.hastack.resources.Commands;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.process.UserAccess;
import io.hastack.resources.service.ServiceAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL on a data directory and port. The postmaster runs in the foreground as a managed
 * child of the node (a {@link ServiceAgent}: as the {@code user} account, argv only, dies with the
 * node, reaped by the node) rather than daemonized by {@code pg_ctl start}, whose
 * {@code -o} options pass through a shell and whose daemon the node could neither reap nor take
 * down with it. Stop sends what {@code pg_ctl stop} sends: SIGINT (fast shutdown), then SIGQUIT
 * (immediate) when half the stop timeout has passed, then SIGKILL.
 *
 * <p>Parameters: {@code data-directory} and {@code port} (required); {@code bin-directory} (the
 * newest {@code /usr/lib/postgresql/N/bin} by default); {@code socket-directory} ({@code /tmp} by
 * default: a socket path may not exceed 107 bytes); {@code listen-addresses} ({@code 127.0.0.1}); {@code user} ({@code postgres}
 * when the node runs as root); {@code initdb} ({@code true}: create the cluster when the data
 * directory is empty or missing, for demos); {@code database}, {@code db-user}, {@code password}
 * and {@code jdbc-host} (the first listen address) for the monitor: a JDBC connection and
 * {@code SELECT 1}; {@code log} (the server's output).
 *
 * <p>Validate checks, as the server's account, that it can reach the data directory (for a new
 * cluster: enter its parent) and write to it and to the socket directory; if not, it answers
 * {@link AgentResult#ERR_PERM} naming the directory that blocks and the account, before anything
 * starts.
 */
public final class PostgresAgent extends ServiceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "postgresql";

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Runs PostgreSQL on a data directory and port; healthy when SELECT 1 answers over JDBC.",
            List.of(
                    new AgentMetadata.Parameter("data-directory", true, "", "the cluster's data directory"),
                    new AgentMetadata.Parameter("port", true, "", "the TCP port"),
                    new AgentMetadata.Parameter(
                            "bin-directory",
                            false,
                            "newest /usr/lib/postgresql/N/bin",
                            "where postgres and initdb are"),
                    new AgentMetadata.Parameter("socket-directory", false, "/tmp", "unix socket directory"),
                    new AgentMetadata.Parameter("listen-addresses", false, "127.0.0.1", "listen_addresses"),
                    new AgentMetadata.Parameter("user", false, "postgres (as root)", "the account the server runs as"),
                    new AgentMetadata.Parameter(
                            "initdb", false, "false", "create the cluster if the directory is empty"),
                    new AgentMetadata.Parameter("database", false, "postgres", "database the monitor connects to"),
                    new AgentMetadata.Parameter("db-user", false, "postgres", "role the monitor connects as"),
                    new AgentMetadata.Parameter("password", false, "", "its password, if the server asks for one"),
                    new AgentMetadata.Parameter("jdbc-host", false, "the first listen address", "host for the monitor"),
                    new AgentMetadata.Parameter("log", false, "", "file for the server's output")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(60),
                    Operation.STOP,
                    Duration.ofSeconds(60),
                    Operation.MONITOR,
                    Duration.ofSeconds(20)));

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    private record Config(
            Path data,
            int port,
            Path bin,
            Path sockets,
            String listen,
            Optional<String> user,
            boolean initdb,
            String jdbcUrl,
            Properties jdbc) {}

    private static Config config(AgentContext ctx) {
        Path data = Path.of(Parameters.required(ctx, "data-directory")).toAbsolutePath();
        int port = Parameters.port(ctx, "port");
        Path bin = ctx.parameter("bin-directory").map(Path::of).orElseGet(PostgresAgent::newestBin);
        Path sockets = ctx.parameter("socket-directory").map(Path::of).orElse(Path.of("/tmp"));
        String socket = sockets.resolve(".s.PGSQL." + port).toString();
        if (socket.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new InvalidParameterException(
                    ctx,
                    "the socket path " + socket + " is longer than the 107 bytes a"
                            + " Unix socket allows; set a shorter 'socket-directory'");
        }
        String listen = Parameters.optional(ctx, "listen-addresses", "127.0.0.1");
        if (!listen.matches("[A-Za-z0-9.:,*_-]+")) {
            throw new InvalidParameterException(
                    ctx,
                    "parameter 'listen-addresses' must be addresses separated by" + " commas, was '" + listen + "'");
        }
        String initdb = Parameters.optional(ctx, "initdb", "false");
        if (!initdb.equals("true") && !initdb.equals("false")) {
            throw new InvalidParameterException(ctx, "parameter 'initdb' must be true or false, was '" + initdb + "'");
        }
        Optional<String> user = ctx.parameter("user")
                .or(() -> "root".equals(System.getProperty("user.name")) ? Optional.of("postgres") : Optional.empty());
        String host = Parameters.optional(ctx, "jdbc-host", listen.split(",")[0].replace("*", "127.0.0.1"));
        String url = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
                + Parameters.optional(ctx, "database", "postgres");
        Properties jdbc = new Properties();
        jdbc.setProperty("user", Parameters.optional(ctx, "db-user", "postgres"));
        ctx.parameter("password").ifPresent(p -> jdbc.setProperty("password", p));
        return new Config(data, port, bin, sockets, listen, user, initdb.equals("true"), url, jdbc);
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin}, or that of 15 if none is installed. */
    public static Path newestBin() {
        Path base = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(base)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(
                            v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElse(base.resolve("15/bin"));
        } catch (IOException e) {
            return base.resolve("15/bin");
        }
    }

    @Override
    protected Map<String, String> command(AgentContext ctx) {
        Config c = config(ctx);
        List<String> argv = List.of(
                c.bin().resolve("postgres").toString(),
                "-D",
                c.data().toString(),
                "-p",
                Integer.toString(c.port()),
                "-k",
                c.sockets().toString(),
                "-c",
                "listen_addresses=" + c.listen());
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            p.put("argv." + i, argv.get(i));
        }
        c.user().ifPresent(u -> p.put("user", u));
        return p;
    }

    @Override
    protected void validateHealth(AgentContext ctx) {
        config(ctx);
    }

    @Override
    protected Optional<String> healthProblem(AgentContext ctx, Duration limit) {
        return query(config(ctx), limit);
    }

    @Override
    protected Optional<AgentOutcome> extraValidation(AgentContext ctx) {
        Config c = config(ctx);
        if (c.initdb() && !Files.isExecutable(c.bin().resolve("initdb"))) {
            return Optional.of(AgentOutcome.of(
                    AgentResult.ERR_INSTALLED,
                    "resource " + ctx.resource() + ": " + c.bin().resolve("initdb")
                            + " is not installed (on Debian: apt-get install postgresql)"));
        }
        if (!c.initdb() && !Files.isRegularFile(c.data().resolve("PG_VERSION"))) {
            return Optional.of(AgentOutcome.of(
                    AgentResult.ERR_CONFIGURED,
                    "resource " + ctx.resource() + ": " + c.data()
                            + " holds no PostgreSQL cluster (no PG_VERSION); set initdb=true to create one"));
        }
        return accessProblem(c)
                .map(p -> AgentOutcome.of(
                        AgentResult.ERR_PERM,
                        "resource " + ctx.resource() + ": PostgreSQL runs as "
                                + c.user().map(u -> "user " + u).orElse("the node's user") + ", but " + p));
    }

    /**
     * Why the server's account cannot use the data and socket directories, if it cannot: a cluster
     * that initdb will create needs a parent the account can enter (the agent creates the directory
     * and gives it to the account); an existing cluster must be writable; so must the socket
     * directory.
     */
    private static Optional<String> accessProblem(Config c) {
        boolean create = c.initdb() && !Files.isRegularFile(c.data().resolve("PG_VERSION"));
        Optional<String> data = create
                ? UserAccess.problem(c.user(), c.data().getParent(), UserAccess.Need.ENTER)
                : UserAccess.problem(c.user(), c.data(), UserAccess.Need.WRITE);
        return data.map(p -> p + "; choose a data-directory it can reach")
                .or(() -> UserAccess.problem(c.user(), c.sockets(), UserAccess.Need.WRITE)
                        .map(p -> p + "; choose a socket-directory it can write to"));
    }

    @Override
    protected Optional<AgentOutcome> beforeStart(AgentContext ctx) {
        Config c = config(ctx);
        if (c.initdb() && !Files.isRegularFile(c.data().resolve("PG_VERSION"))) {
            Optional<String> failed = initdb(ctx, c);
            if (failed.isPresent()) {
                return Optional.of(AgentOutcome.failed(failed.get()));
            }
        }
        removeStaleLock(c);
        return admitEpoch(ctx, c);
    }

    /**
     * Where the highest epoch that started this database is kept: beside the data directory, on the
     * same (shared) storage, so that every node that can start the database sees it.
     */
    private static Path epochFile(Config c) {
        return c.data().resolveSibling(c.data().getFileName() + ".hastack-epoch");
    }

    /**
     * With a quorum device every start carries a fencing epoch: a start whose epoch is not above
     * every earlier start's is stale (its plan was overtaken) and is refused.
     */
    private static Optional<AgentOutcome> admitEpoch(AgentContext ctx, Config c) {
        if (ctx.epoch() <= 0) {
            return Optional.empty(); // no quorum device, no epochs
        }
        try {
            EpochGuard guard = EpochGuard.persistent(epochFile(c));
            if (!guard.admit(ctx.epoch())) {
                return Optional.of(AgentOutcome.failed("refusing a stale start with epoch " + ctx.epoch() + ": "
                        + epochFile(c) + " records a start with epoch " + guard.highest()));
            }
            return Optional.empty();
        } catch (java.io.UncheckedIOException e) {
            return Optional.of(AgentOutcome.failed("cannot record the start's epoch in " + epochFile(c) + ": "
                    + e.getCause().getMessage()));
        }
    }

    /** Also fails when a later start of this database (a higher epoch) exists: this copy is stale. */
    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        AgentOutcome outcome = super.monitor(ctx);
        if (!outcome.isSuccess() || ctx.epoch() <= 0) {
            return outcome;
        }
        try {
            Config c = config(ctx);
            long highest = EpochGuard.persistent(epochFile(c)).highest();
            if (highest > ctx.epoch()) {
                return AgentOutcome.failed("this copy was started with epoch " + ctx.epoch() + " but " + epochFile(c)
                        + " records a later start with epoch " + highest + ": it is stale");
            }
        } catch (java.io.UncheckedIOException e) {
            return AgentOutcome.failed("cannot read " + e.getMessage());
        }
        return outcome;
    }

    /**
     * Removes {@code postmaster.pid} and the socket's lock file if the process they name is gone or a
     * zombie. A postmaster killed with its node is reparented to PID 1, which may reap it only
     * seconds later (FACTS: about 2 s here); until then PostgreSQL takes the zombie for a live
     * postmaster and refuses to start. Its shared-memory check still refuses to start while any old
     * backend lives.
     */
    private static void removeStaleLock(Config c) {
        removeIfStale(c.data().resolve("postmaster.pid"));
        removeIfStale(c.sockets().resolve(".s.PGSQL." + c.port() + ".lock"));
    }

    /** Removes {@code lock} (whose first line is a pid) if that process is gone or a zombie. */
    private static void removeIfStale(Path lock) {
        try {
            if (!Files.isRegularFile(lock)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(lock).get(0).strip());
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            boolean gone = !Files.exists(stat);
            if (!gone) {
                String s = Files.readString(stat);
                gone = s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
            }
            if (gone) {
                org.slf4j.LoggerFactory.getLogger(PostgresAgent.class)
                        .warn("postmaster {} is gone (or a zombie); removing its stale lock file {}", pid, lock);
                Files.delete(lock);
            }
        } catch (IOException | RuntimeException e) {
            // Leave it to PostgreSQL, which says what is wrong.
        }
    }

    private static Optional<String> initdb(AgentContext ctx, Config c) {
        try {
            Files.createDirectories(c.data());
            if (c.user().isPresent()) {
                UserPrincipalLookupService users = c.data().getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(c.data(), users.lookupPrincipalByName(c.user().get()));
            }
            Files.setPosixFilePermissions(c.data(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            return Optional.of("cannot prepare " + c.data() + " for initdb: " + e);
        }
        List<String> argv = new ArrayList<>();
        c.user().ifPresent(u -> argv.addAll(List.of("setpriv", "--reuid=" + u, "--regid=" + u, "--init-groups", "--")));
        argv.addAll(List.of(
                c.bin().resolve("initdb").toString(),
                "-D",
                c.data().toString(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync"));
        Commands.Result r = Commands.run(argv, ctx.remaining());
        return r.ok() ? Optional.empty() : Optional.of("initdb of " + c.data() + " failed: " + r.describe());
    }

    /** Empty if {@code SELECT 1} answers 1 within {@code limit}, else what went wrong. */
    private static Optional<String> query(Config c, Duration limit) {
        int seconds = (int) Math.max(1, Math.min(10, limit.toSeconds()));
        Properties props = new Properties();
        props.putAll(c.jdbc());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), props);
                Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next() && rs.getInt(1) == 1 ? Optional.empty() : Optional.of("SELECT 1 did not return 1");
        } catch (SQLException e) {
            return Optional.of(c.jdbcUrl() + ": " + e.getMessage());
        }
    }

    /** SIGINT (fast shutdown), SIGQUIT (immediate) at half the timeout, then SIGKILL, as pg_ctl stop. */
    @Override
    public AgentOutcome stop(AgentContext ctx) {
        OptionalLong pid = pid();
        if (pid.isEmpty()) {
            return super.stop(ctx);
        }
        Duration half = ctx.remaining().dividedBy(2);
        for (String signal : List.of("INT", "QUIT")) {
            Commands.run(List.of("kill", "-s", signal, Long.toString(pid.getAsLong())), Duration.ofSeconds(5));
            Optional<ProcessHandle> h = ProcessHandle.of(pid.getAsLong());
            try {
                if (h.isEmpty()
                        || h.get().onExit().get(Math.max(1, half.toMillis() - 500), TimeUnit.MILLISECONDS) != null) {
                    super.stop(ctx); // reaps it and forgets it
                    return AgentOutcome.success(
                            signal.equals("INT")
                                    ? "fast shutdown"
                                    : "immediate shutdown after" + " the fast one did not finish in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return AgentOutcome.failed("stop interrupted; postgres may still be shutting down");
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // not yet: next signal
            }
        }
        return forceStop(ctx);
    }
}
