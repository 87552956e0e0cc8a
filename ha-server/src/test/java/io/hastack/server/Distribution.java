package io.hastack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built distribution ({@code hastack-<version>.tar.gz}, path in the system property {@code
 * hastack.distribution}) unpacked into a directory, and the processes started from it, for the
 * integration tests that run in {@code mvn verify} after {@code package}.
 */
final class Distribution implements AutoCloseable {
    static final Duration WAIT = Timing.seconds(60);

    private final Path dir;
    private final Path home;
    private final List<Process> processes = new ArrayList<>();

    /** Unpacks the distribution into {@code dir}. */
    Distribution(Path dir) throws Exception {
        this.dir = dir;
        Path archive = Path.of(System.getProperty("hastack.distribution", "target/hastack-missing.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "no distribution at " + archive + ": run mvn package first");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (var entries = Files.list(dir)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("hastack-"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** The unpacked distribution's top directory. */
    Path home() {
        return home;
    }

    /** The launcher {@code bin/<name>}. */
    String bin(String name) {
        return home.resolve("bin").resolve(name).toString();
    }

    /** Starts {@code command} in the test's directory, its output in {@code log}; killed on close. */
    Process start(Path log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Xms32m -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true");
        pb.environment().remove("HASTACK_URL");
        pb.environment().remove("HASTACK_TOKEN_FILE");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs {@code command} to its end: its exit code and output. */
    Result run(String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = start(log, command);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return new Result(p.exitValue(), Files.readString(log));
    }

    /** A command's exit code and output. */
    record Result(int code, String output) {}

    @Override
    public void close() {
        // The node first (so that it restarts nothing), then what it had started, seen before.
        List<ProcessHandle> children =
                processes.stream().flatMap(Process::descendants).toList();
        processes.forEach(Process::destroyForcibly);
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
