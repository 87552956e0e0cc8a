package io.hastack.examples.demo;

import io.hastack.core.security.ClusterKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link DemoNode} running in a JVM of its own, started by this JVM: its events as they arrive,
 * its status on request, and a way to kill it. Its other output (logs) goes to a file.
 */
public final class NodeProcess implements AutoCloseable {
    /**
     * One event the node printed.
     *
     * @param node the node's name
     * @param epochMillis when it happened, by the node's clock
     * @param type the {@link io.hastack.core.runtime.HaEvent.Type} name
     * @param subject what it concerns
     * @param detail what happened
     */
    public record Event(String node, long epochMillis, String type, String subject, String detail) {}

    private final String name;
    private final Process process;
    private final PrintWriter stdin;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile long outputClosedAt = -1;
    private final BlockingQueue<String> statusLines = new LinkedBlockingQueue<>();
    private final Path log;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "node-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts node {@code name} of {@code cluster} listening on {@code port} with peers at {@code
     * peerPorts} (all on 127.0.0.1), its logs in {@code logDir}, its quorum device in {@code
     * shared} (the same directory for every node of the cluster).
     */
    public static NodeProcess launch(
            String name, String cluster, int port, List<Integer> peerPorts, int webPort, Path logDir, Path shared) {
        return launch(name, cluster, port, peerPorts, webPort, logDir, shared, List.of());
    }

    /** As the other {@code launch}, passing {@code extraArgs} (e.g. {@code --verify-ms 500}) to the node. */
    public static NodeProcess launch(
            String name,
            String cluster,
            int port,
            List<Integer> peerPorts,
            int webPort,
            Path logDir,
            Path shared,
            List<String> extraArgs) {
        return launch(List.of(), List.of(), name, cluster, port, peerPorts, webPort, logDir, shared, extraArgs);
    }

    /**
     * As the other {@code launch}, with the JVM's command line after {@code prefix} (e.g. {@code ip
     * netns exec NS}, which execs the JVM in a network namespace), and {@code jvmOptions} added to
     * the node JVM's own options (e.g. {@code -XX:SharedArchiveFile=...}, a class-data-sharing
     * archive).
     */
    public static NodeProcess launch(
            List<String> prefix,
            List<String> jvmOptions,
            String name,
            String cluster,
            int port,
            List<Integer> peerPorts,
            int webPort,
            Path logDir,
            Path shared,
            List<String> extraArgs) {
        try {
            Files.createDirectories(logDir);
            List<String> keyArgs = extraArgs.contains("--insecure")
                    ? List.of()
                    : List.of("--key", clusterKey(shared).toAbsolutePath().toString());
            Path log = logDir.resolve(name + ".log");
            Files.deleteIfExists(log);
            List<String> peers = peerPorts.stream().map(String::valueOf).toList();
            List<String> command = new java.util.ArrayList<>(prefix);
            command.addAll(java(jvmOptions, DemoNode.class.getName()));
            command.addAll(List.of(
                    "--name",
                    name,
                    "--cluster",
                    cluster,
                    "--port",
                    Integer.toString(port),
                    "--peers",
                    String.join(",", peers),
                    "--web-port",
                    Integer.toString(webPort),
                    "--shared",
                    shared.toAbsolutePath().toString()));
            command.addAll(keyArgs);
            command.addAll(extraArgs);
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new NodeProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM of its own, with this JVM's class path and
     * the node JVMs' options, as a process named {@code name}, its stderr in {@code logDir}/{@code
     * name}.log: for programs that print events as {@link DemoNode} does ({@code
     * EVENT|epochMillis|TYPE|subject|detail}), such as a benchmark's baseline.
     *
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static NodeProcess launchMain(String name, String mainClass, List<String> args, Path logDir) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            Files.deleteIfExists(log);
            List<String> command = new ArrayList<>(java(List.of(), mainClass));
            command.addAll(args);
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new NodeProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + mainClass + ")", e);
        }
    }

    /**
     * The command line of a node JVM up to and including its main class, with {@code jvmOptions}
     * after the common ones (so that they win where they overlap).
     */
    static List<String> java(List<String> jvmOptions, String mainClass) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", // no hsperfdata file and no sampler thread waking 20 times a second
                "-Djava.net.preferIPv4Stack=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return List.copyOf(command);
    }

    /**
     * The cluster key of the demo cluster whose nodes share {@code shared}: {@code cluster.key} in it,
     * generated (mode 600) by the first launch, as an operator would copy one key to every node.
     */
    public static Path clusterKey(Path shared) throws IOException {
        Path file = shared.resolve("cluster.key");
        if (!Files.exists(file)) {
            Files.createDirectories(shared);
            try {
                ClusterKey.generate().writeTo(file);
            } catch (IllegalArgumentException raced) {
                // another launcher wrote it first: use that one
            }
        }
        return file;
    }

    private void readOutput() {
        try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer w = Files.newBufferedWriter(log.resolveSibling(name + ".out"))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("EVENT|")) {
                    String[] f = line.split("\\|", 5);
                    if (f.length == 5) {
                        events.add(new Event(name, Long.parseLong(f[1]), f[2], f[3], f[4]));
                    }
                    w.write(line); // kept in the .out file too, for reading a failed run
                    w.write('\n');
                } else if (line.startsWith("STATUS|") || line.startsWith("STATUS-END|")) {
                    statusLines.add(line);
                } else {
                    w.write(line);
                    w.write('\n');
                }
                w.flush();
            }
            // The end of the output: the process closed its files, which the kernel does as it
            // exits (after it freed the process's memory), unless a child inherited them.
            outputClosedAt = System.currentTimeMillis();
        } catch (IOException | RuntimeException e) {
            // the process is gone; nothing more to read
        }
    }

    /**
     * When (epoch ms) this JVM's standard output reached its end, as its reader saw it: the process
     * exited and the kernel closed its files; empty while it runs (or if the output could not be
     * read to its end).
     */
    public OptionalLong outputClosedAt() {
        long at = outputClosedAt;
        return at < 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** The node's name. */
    public String name() {
        return name;
    }

    /** Where the node's log goes. */
    public Path log() {
        return log;
    }

    /** The node JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** True while the JVM runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every event so far, in order. */
    public List<Event> events() {
        return new ArrayList<>(events);
    }

    /** The first event so far that matches {@code filter}. */
    public Optional<Event> firstEvent(Predicate<Event> filter) {
        return events.stream().filter(filter).findFirst();
    }

    /** Asks the node for its status table; empty if it does not answer within {@code timeout}. */
    public Optional<String> status(Duration timeout) {
        statusLines.clear();
        stdin.println("status");
        StringBuilder sb = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = statusLines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return Optional.empty();
                }
                if (line.startsWith("STATUS-END|")) {
                    return Optional.of(sb.toString());
                }
                sb.append(line.substring("STATUS|".length())).append('\n');
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to the JVM with {@code kill}, which Java
     * cannot send itself.
     *
     * @throws IllegalStateException if {@code kill} fails
     */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    /**
     * Freezes the JVM (SIGSTOP) for {@code stall}, then resumes it (SIGCONT): a stall of known
     * length, as a GC pause or a frozen host. Blocks the caller meanwhile.
     *
     * @throws IllegalStateException as {@link #signal}
     */
    public void freezeFor(Duration stall) {
        signal("STOP");
        try {
            long end = System.nanoTime() + stall.toNanos();
            for (long left = stall.toNanos(); left > 0; left = end - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            signal("CONT");
        }
    }

    /** Sends {@code line} to the JVM's stdin (e.g. {@code quit}) without waiting for anything. */
    public void send(String line) {
        stdin.println(line);
    }

    /**
     * Kills the JVM with SIGKILL, through its {@link ProcessHandle}: {@link Process#destroyForcibly()}
     * would also close this side of its output's pipe at once, and the reader, unless blocked in a
     * read just then, would fail instead of seeing the end that {@link #outputClosedAt()} times.
     */
    public void kill() {
        process.toHandle().destroyForcibly();
        stdin.close(); // nothing more is sent to a killed JVM
    }

    /** The JVM's exit status once it has exited; empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    /** Asks the node to hand over and exit; kills it if it has not exited within {@code timeout}. */
    public boolean quit(Duration timeout) {
        stdin.println("quit");
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return false;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where {@link #freePorts} starts looking below the ephemeral range. */
    private static final int FIXED_PORTS_FROM = 10_000;

    /** Where it stops at the latest: Kubernetes' NodePort range begins at 30000. */
    private static final int FIXED_PORTS_TO = 30_000;

    /**
     * Finds {@code count} free TCP ports on 127.0.0.1 whose port + 100 (FD_SOCK2's) is free too.
     * They are chosen at random from 10000 up to the kernel's ephemeral range ({@code
     * /proc/sys/net/ipv4/ip_local_port_range}) or 30000 (Kubernetes' NodePorts), whichever is
     * lower, when there is room: a port from the ephemeral range can be taken before the node binds
     * it by any outgoing connection's source port or any server on port 0 (nine node JVMs make ~150 connections, and the embedded web agent's warm-up listens on
     * port 0), which once kept a benchmark's page from starting. Without that file, ports from the
     * ephemeral range. Another program may still take one before the node binds it; callers retry
     * on failure.
     */
    @SuppressWarnings("try") // the partner socket only proves the port is free
    public static List<Integer> freePorts(int count) {
        List<Integer> ports = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        int below = Math.min(ephemeralLow(), FIXED_PORTS_TO + 101);
        java.util.Random random = java.util.concurrent.ThreadLocalRandom.current();
        try {
            for (int attempt = 0; ports.size() < count; attempt++) {
                ServerSocket s;
                if (below - 101 > FIXED_PORTS_FROM && attempt < 10_000) {
                    try {
                        s = new ServerSocket(
                                FIXED_PORTS_FROM + random.nextInt(below - 101 - FIXED_PORTS_FROM),
                                1,
                                java.net.InetAddress.getLoopbackAddress());
                    } catch (IOException taken) {
                        continue;
                    }
                } else {
                    s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                }
                held.add(s);
                int p = s.getLocalPort();
                if (p + 100 > 65535) {
                    continue;
                }
                try (ServerSocket partner = new ServerSocket(p + 100, 1, java.net.InetAddress.getLoopbackAddress())) {
                    if (!ports.contains(p)
                            && !ports.contains(p + 100)
                            && ports.stream().noneMatch(q -> q + 100 == p)) {
                        ports.add(p);
                    }
                } catch (IOException taken) {
                    // try another
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }

    /** The lowest port of the kernel's ephemeral range, or 0 if it cannot be read (not Linux). */
    static int ephemeralLow() {
        // One read from offset 0: a sysctl file answers a read at a later offset with end of file,
        // and Files.readString, told the size is 0, reads one byte first (it got "3" of "32768").
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = r.readLine();
            return range == null ? 0 : Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
