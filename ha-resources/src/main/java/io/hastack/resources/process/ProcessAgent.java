package io.hastack.resources.process;

import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command as a child process of the node: never through a shell, so each argument is
 * passed exactly as written, metacharacters and all. The node's JVM is the parent and reaps it.
 *
 * <p>Parameters: {@code argv.0} (the executable, required; a bare name is looked up on {@code
 * PATH}), {@code argv.1} ... (arguments, contiguous), {@code env.NAME} (environment variables added
 * to the node's), {@code directory} (working directory, must exist), {@code log} (file that
 * receives stdout and stderr, appended; discarded when unset; its directory must exist and the
 * node must be able to write it), {@code user} (run as this user,
 * through {@code setpriv}; the node must run as root). Build them with {@link #params}.
 *
 * <p>Monitor: running while the process is alive; a process that exited on its own has failed.
 * Stop: SIGTERM to the process, then SIGKILL to it and its descendants when it has not exited
 * shortly before the stop timeout.
 *
 * <p>The child dies with the node: it is started through util-linux's {@code setpriv --pdeathsig
 * KILL} (no shell), so when the node's JVM dies, even by SIGKILL, the kernel kills the child too
 * and the group can safely start elsewhere. Linux sends that signal when the <em>thread</em> that
 * spawned the child ends, so every child is spawned from a fixed pool of threads that live as long
 * as the JVM.
 * Without {@code setpriv} the child is started directly and would outlive a crashed node (a
 * warning says so). Processes that daemonize (fork and let the parent exit) escape both: run
 * services in the foreground.
 */
public final class ProcessAgent implements ResourceAgent, ForceStoppable {
    /** The type name this agent is registered under. */
    public static final String TYPE = "process";

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Runs a command (an argv list, never a shell) as a child process of the node.",
            List.of(
                    new AgentMetadata.Parameter("argv.0", true, "", "the executable; a bare name is looked up on PATH"),
                    new AgentMetadata.Parameter("argv.N", false, "", "argument N (1, 2, ... without gaps)"),
                    new AgentMetadata.Parameter("env.NAME", false, "", "environment variable NAME"),
                    new AgentMetadata.Parameter("directory", false, "the node's", "working directory"),
                    new AgentMetadata.Parameter("log", false, "", "file to append stdout and stderr to"),
                    new AgentMetadata.Parameter("user", false, "the node's", "run as this user (needs root)")),
            Map.of(
                    io.hastack.core.model.Operation.START,
                    Duration.ofSeconds(20),
                    io.hastack.core.model.Operation.STOP,
                    Duration.ofSeconds(20),
                    io.hastack.core.model.Operation.MONITOR,
                    Duration.ofSeconds(10)));

    private static final Logger LOG = LoggerFactory.getLogger(ProcessAgent.class);
    /** Where util-linux's setpriv is, if installed; also used by {@link UserAccess}. */
    static final Optional<Path> SETPRIV = locate("setpriv");
    /**
     * Spawns every child, as many at once as an unordered group starts (twice the processors). Its
     * threads never end (a fixed pool; a task's exception is caught by its Future): a child's
     * parent-death signal ({@code setpriv --pdeathsig}) fires when the <em>thread</em> that spawned
     * it ends, so a pool whose idle threads time out would kill the children they spawned.
     */
    private static final ExecutorService SPAWNER = Executors.newFixedThreadPool(
            2 * Runtime.getRuntime().availableProcessors(), new java.util.concurrent.ThreadFactory() {
                private final java.util.concurrent.atomic.AtomicInteger count =
                        new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "ha-process-spawner-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });

    static {
        if (SETPRIV.isEmpty()) {
            LOG.warn("setpriv (util-linux) is not installed: processes started by the process agent will outlive"
                    + " a crash of this node");
        }
    }

    private volatile Process process;

    /** Parameters for running {@code argv} with extra environment {@code env}. */
    public static Map<String, String> params(List<String> argv, Map<String, String> env) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            p.put("argv." + i, argv.get(i));
        }
        env.forEach((k, v) -> p.put("env." + k, v));
        return p;
    }

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    /** The command line, parsed from {@code argv.N} parameters. */
    static List<String> argv(AgentContext ctx) {
        List<String> argv = new ArrayList<>();
        argv.add(Parameters.required(ctx, "argv.0"));
        for (String name : ctx.parameters().keySet()) {
            if (name.startsWith("argv.")) {
                int index;
                try {
                    index = Integer.parseInt(name.substring(5));
                } catch (NumberFormatException e) {
                    throw new InvalidParameterException(ctx, "parameter '" + name + "' must be argv.<number>");
                }
                if (index < 0
                        || index
                                >= ctx.parameters().keySet().stream()
                                        .filter(n -> n.startsWith("argv."))
                                        .count()) {
                    throw new InvalidParameterException(
                            ctx,
                            "parameter '" + name
                                    + "' leaves a gap: arguments must be argv.0, argv.1, ... without gaps");
                }
            }
        }
        for (int i = 1; ctx.parameter("argv." + i).isPresent(); i++) {
            argv.add(ctx.parameter("argv." + i).get());
        }
        return argv;
    }

    /** Where {@code executable} is, if it exists and may be executed. */
    static Optional<Path> locate(String executable) {
        return io.hastack.resources.Commands.locate(executable);
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            List<String> argv = argv(ctx);
            if (locate(argv.get(0)).isEmpty()) {
                return AgentOutcome.of(
                        AgentResult.ERR_INSTALLED,
                        "resource " + ctx.resource() + ": executable '" + argv.get(0)
                                + "' is not installed (not found or not executable)");
            }
            Optional<String> dir = ctx.parameter("directory");
            if (dir.isPresent() && !Files.isDirectory(Path.of(dir.get()))) {
                return AgentOutcome.of(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": parameter 'directory' names '" + dir.get()
                                + "', which is not a directory");
            }
            Optional<String> log = ctx.parameter("log");
            if (log.isPresent()) {
                Optional<String> problem = logProblem(log.get());
                if (problem.isPresent()) {
                    return AgentOutcome.of(
                            AgentResult.ERR_CONFIGURED, "resource " + ctx.resource() + ": " + problem.get());
                }
            }
            Optional<String> user = ctx.parameter("user");
            if (user.isPresent()) {
                if (SETPRIV.isEmpty()) {
                    return AgentOutcome.of(
                            AgentResult.ERR_INSTALLED,
                            "resource " + ctx.resource()
                                    + ": parameter 'user' needs setpriv (util-linux), which is not installed");
                }
                Users.Account account = Users.lookup(user.get()).orElse(null);
                if (account == null) {
                    return AgentOutcome.of(
                            AgentResult.ERR_CONFIGURED,
                            "resource " + ctx.resource() + ": user '" + user.get() + "' does not exist");
                }
                if (!Users.isRoot() && !System.getProperty("user.name").equals(user.get())) {
                    return AgentOutcome.of(
                            AgentResult.ERR_PERM,
                            "resource " + ctx.resource() + ": only root may run" + " a process as user '" + user.get()
                                    + "'");
                }
            }
            return AgentOutcome.success();
        } catch (Parameters.InvalidParameterException e) {
            return e.outcome();
        }
    }

    /**
     * Why the node cannot append to {@code log} (the value of parameter {@code log}), if it cannot.
     * The node's JVM opens the file before the process starts (as the node's user, whatever
     * {@code user} says), so its directory must exist and the file must be writable by the node.
     */
    static Optional<String> logProblem(String log) {
        String said = " (parameter 'log' is '" + log + "')";
        if (log.isEmpty()) {
            return Optional.of("parameter 'log' is empty; leave it unset to discard the output");
        }
        Path file;
        try {
            file = Path.of(log).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.of("parameter 'log' is not a valid path: " + e.getMessage());
        }
        Path directory = file.getParent();
        if (directory == null || Files.isDirectory(file)) {
            return Optional.of("log file " + file + " is a directory, not a file" + said);
        }
        if (!Files.exists(directory)) {
            return Optional.of("log directory " + directory + " does not exist" + said);
        }
        if (!Files.isDirectory(directory)) {
            return Optional.of("log directory " + directory + " is not a directory" + said);
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(directory)) {
            return Optional.of((Files.exists(file) ? "log file " + file : "log directory " + directory)
                    + " is not writable by the node" + said);
        }
        return Optional.empty();
    }

    @Override
    public synchronized AgentOutcome start(AgentContext ctx) {
        Process p = process;
        if (p != null && p.isAlive()) {
            return AgentOutcome.success("already running as pid " + p.pid());
        }
        AgentOutcome valid = validate(ctx);
        if (!valid.isSuccess()) {
            return valid;
        }
        List<String> argv = argv(ctx);
        List<String> command = new ArrayList<>();
        SETPRIV.ifPresent(setpriv -> {
            command.add(setpriv.toString());
            // setpriv sets the parent-death signal after changing the user, so it survives the change.
            ctx.parameter("user")
                    .flatMap(Users::lookup)
                    .ifPresent(
                            a -> command.addAll(List.of("--reuid=" + a.uid(), "--regid=" + a.gid(), "--init-groups")));
            command.addAll(List.of("--pdeathsig", "KILL", "--"));
        });
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        ctx.parameter("directory").ifPresent(d -> pb.directory(new File(d)));
        ctx.parameters().forEach((k, v) -> {
            if (k.startsWith("env.")) {
                pb.environment().put(k.substring(4), v);
            }
        });
        pb.redirectOutput(ctx.parameter("log")
                .map(l -> ProcessBuilder.Redirect.appendTo(new File(l)))
                .orElse(ProcessBuilder.Redirect.DISCARD));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Future<Process> spawn = SPAWNER.submit(pb::start);
        try {
            process = spawn.get();
            return AgentOutcome.success("started pid " + process.pid());
        } catch (ExecutionException e) {
            // ProcessBuilder blames the program it ran, which is setpriv when installed: give the
            // innermost cause instead (a missing log directory, a failed exec).
            Throwable cause = e.getCause();
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            return AgentOutcome.failed("resource " + ctx.resource() + ": cannot run " + argv
                    + (SETPRIV.isPresent() ? " (through setpriv)" : "") + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            // Timed out while queued behind other spawns: do not leave an untracked child behind.
            spawn.cancel(false);
            Thread.currentThread().interrupt();
            SPAWNER.execute(() -> {
                if (spawn.isDone() && !spawn.isCancelled()) {
                    try {
                        spawn.get().destroyForcibly();
                    } catch (InterruptedException | ExecutionException ignored) {
                        // nothing was started
                    }
                }
            });
            return AgentOutcome.failed("start interrupted before " + argv.get(0) + " was running");
        }
    }

    @Override
    public synchronized AgentOutcome stop(AgentContext ctx) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            process = null;
            return AgentOutcome.success("not running");
        }
        Duration remaining = ctx.remaining();
        // Leave a fifth of the time (at most 2 s) for SIGKILL and reaping.
        Duration reserve = remaining.dividedBy(5).compareTo(Duration.ofSeconds(2)) < 0
                ? remaining.dividedBy(5)
                : Duration.ofSeconds(2);
        try {
            p.destroy();
            if (!p.waitFor(remaining.minus(reserve).toMillis(), TimeUnit.MILLISECONDS)) {
                AgentOutcome killed = forceStop(ctx);
                return killed.isSuccess()
                        ? AgentOutcome.success("pid " + p.pid() + " ignored SIGTERM; killed")
                        : killed;
            }
            process = null;
            return AgentOutcome.success("pid " + p.pid() + " exited with " + p.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return AgentOutcome.failed("stop interrupted; sent SIGKILL to pid " + p.pid());
        }
    }

    /** SIGKILL to the process and its descendants; success once the process is gone. */
    @Override
    public synchronized AgentOutcome forceStop(AgentContext ctx) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            process = null;
            return AgentOutcome.success("not running");
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (p.waitFor(ctx.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
                process = null;
                return AgentOutcome.success("killed pid " + p.pid());
            }
            return AgentOutcome.failed("pid " + p.pid() + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentOutcome.failed("interrupted while killing pid " + p.pid());
        }
    }

    /** The pid of the process this agent started, if it is still alive. */
    public java.util.OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? java.util.OptionalLong.of(p.pid()) : java.util.OptionalLong.empty();
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        Process p = process;
        if (p == null) {
            return AgentOutcome.notRunning("not started on this node");
        }
        return p.isAlive()
                ? AgentOutcome.success("pid " + p.pid() + " is alive")
                : AgentOutcome.failed("pid " + p.pid() + " exited on its own with " + p.exitValue());
    }
}
