package io.hastack.resources;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs short commands for agents (mount, umount, ip, pg_ctl, OCF scripts): from an argv list, never
 * through a shell, with a time limit. A command that outlives its limit, or whose caller is
 * interrupted (the executor's timeout), is killed together with its descendants.
 */
public final class Commands {
    /**
     * Reads commands' output and runs background commands: a thread each, never the common pool,
     * whose one thread on a two-core machine would make concurrent commands wait for each other.
     */
    private static final java.util.concurrent.ExecutorService READERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "ha-command-output");
                t.setDaemon(true);
                return t;
            });

    private Commands() {}

    /**
     * How a command ended.
     *
     * @param code its exit status; {@link #TIMED_OUT} if it was killed, {@link #NOT_STARTED} if it could not start
     * @param output stdout and stderr, interleaved
     */
    public record Result(int code, String output) {
        /** The code of a command killed at its limit or on interruption. */
        public static final int TIMED_OUT = -1;
        /** The code of a command that could not be started (the output says why). */
        public static final int NOT_STARTED = -2;

        /** True if the command exited with status 0. */
        public boolean ok() {
            return code == 0;
        }

        /** The last non-empty line of the output (at most 300 characters), or "" if none. */
        public String lastLine() {
            String[] lines = output.strip().split("\n");
            String last = lines[lines.length - 1].strip();
            return last.length() > 300 ? last.substring(0, 300) + "..." : last;
        }

        /** {@code exit N: last line}, {@code timed out} or {@code could not start: ...}. */
        public String describe() {
            return code == TIMED_OUT
                    ? "timed out"
                    : code == NOT_STARTED
                            ? "could not start: " + output
                            : "exit " + code + (lastLine().isEmpty() ? "" : ": " + lastLine());
        }
    }

    /**
     * How a command ended, with its standard output and standard error apart.
     *
     * @param code as {@link Result#code()}
     * @param stdout what it wrote to standard output (or why it could not start)
     * @param stderr what it wrote to standard error
     */
    public record SplitResult(int code, String stdout, String stderr) {
        /** Both streams as one {@link Result}, stdout first. */
        public Result joined() {
            return new Result(code, stderr.isEmpty() ? stdout : stdout.isEmpty() ? stderr : stdout + "\n" + stderr);
        }
    }

    /** Runs {@code argv} with the node's environment plus {@code env}, for at most {@code limit}. */
    public static Result run(List<String> argv, Map<String, String> env, Duration limit) {
        SplitResult r = execute(argv, env, limit, true);
        return new Result(r.code(), r.stdout());
    }

    /**
     * As {@link #run(List, Map, Duration)}, keeping standard output and standard error apart (an OCF
     * agent's exit reason is on standard error).
     */
    public static SplitResult runSplit(List<String> argv, Map<String, String> env, Duration limit) {
        return execute(argv, env, limit, false);
    }

    private static SplitResult execute(List<String> argv, Map<String, String> env, Duration limit, boolean merge) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(merge);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new SplitResult(Result.NOT_STARTED, e.getMessage(), "");
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing to tell it anyway
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), READERS);
        CompletableFuture<String> errors = merge
                ? CompletableFuture.completedFuture("")
                : CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), READERS);
        try {
            if (!p.waitFor(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS)) {
                kill(p);
                return new SplitResult(Result.TIMED_OUT, "", "");
            }
            return new SplitResult(p.exitValue(), output.get(5, TimeUnit.SECONDS), errors.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new SplitResult(Result.TIMED_OUT, "", "");
        } catch (ExecutionException | TimeoutException e) {
            // It exited, but something it left running still holds the output open.
            return new SplitResult(p.exitValue(), "(output not read: " + e + ")", "");
        }
    }

    /** Runs {@code argv} with the node's environment for at most {@code limit}. */
    public static Result run(List<String> argv, Duration limit) {
        return run(argv, Map.of(), limit);
    }

    /**
     * Runs {@code argv} in the background, on a thread of its own (never the common pool, which a
     * long command would hold from every other user), for at most {@code limit}.
     */
    public static CompletableFuture<Result> runInBackground(List<String> argv, Duration limit) {
        return CompletableFuture.supplyAsync(() -> run(argv, limit), READERS);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills {@code p} and its descendants and waits briefly for it to be reaped. */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where {@code executable} is, if it exists and may be executed: a path as given, a bare name
     * looked up on {@code PATH} and then in {@code /usr/sbin} and {@code /sbin}.
     */
    public static Optional<Path> locate(String executable) {
        if (executable.contains(File.separator)) {
            Path p = Path.of(executable);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin")
                + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, executable);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
