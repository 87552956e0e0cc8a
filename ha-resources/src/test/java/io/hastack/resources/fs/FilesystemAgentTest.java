package io.hastack.resources.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.resources.Commands;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file system agent on an ext4 loop image: deep monitor, busy unmount, bad input. */
@Tag("integration")
class FilesystemAgentTest {
    @TempDir
    Path dir;

    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("fs-test");
    private final FilesystemAgent agent = new FilesystemAgent();
    private Path image;
    private Path mountPoint;
    private Process holder;

    @BeforeEach
    void nameTheImageAndMountPoint() throws Exception {
        image = Files.createFile(dir.resolve("disk.img"));
        mountPoint = dir.resolve("data");
    }

    /** Makes the image an ext4 file system: for the tests that mount it, which need root. */
    private void formatImage() {
        Prerequisites.requireRoot("mounting needs root");
        Prerequisites.requireCommand("mkfs.ext4", "e2fsprogs");
        assertTrue(Commands.run(List.of("truncate", "-s", "32M", image.toString()), Duration.ofSeconds(10))
                .ok());
        Commands.Result mkfs = Commands.run(List.of("mkfs.ext4", "-q", "-F", image.toString()), Duration.ofSeconds(60));
        assertTrue(mkfs.ok(), mkfs.describe());
    }

    @AfterEach
    void cleanUp() {
        if (holder != null) {
            holder.destroyForcibly();
        }
        if (mountPoint != null) {
            Commands.run(List.of("umount", "-l", mountPoint.toString()), Duration.ofSeconds(10));
        }
        executor.close();
    }

    private ResourceSpec.Builder spec() {
        return ResourceSpec.builder("data", FilesystemAgent.TYPE)
                .param("device", image.toString())
                .param("directory", mountPoint.toString())
                .param("fstype", "ext4")
                .param("options", "loop")
                .param("check-level", "20")
                .timeout(Operation.STOP, Duration.ofSeconds(10));
    }

    private OperationResult call(ResourceSpec spec, Operation op) {
        return executor.call(agent, spec, NodeId.of("n1"), op, 0).join();
    }

    @Test
    void mountsAnExt4ImageChecksItDeeplyAndUnmountsIt() throws Exception {
        formatImage();
        ResourceSpec spec = spec().build();
        assertEquals(
                AgentResult.SUCCESS, call(spec, Operation.VALIDATE).outcome().result());
        assertEquals(
                AgentResult.NOT_RUNNING, call(spec, Operation.MONITOR).outcome().result());
        OperationResult started = call(spec, Operation.START);
        assertEquals(AgentResult.SUCCESS, started.outcome().result(), started.toString());
        assertTrue(Files.isDirectory(mountPoint.resolve("lost+found")), "an ext4 file system is mounted");
        assertEquals(
                AgentResult.SUCCESS, call(spec, Operation.MONITOR).outcome().result());
        assertFalse(Files.exists(mountPoint.resolve(".hastack-monitor-data")), "the probe file is removed");
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.STOP).outcome().result());
        assertFalse(FilesystemAgent.mounted(mountPoint));
    }

    @Test
    void aBusyMountIsReleasedBySignallingItsHolders() throws Exception {
        formatImage();
        ResourceSpec spec = spec().build();
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        holder = new ProcessBuilder("sleep", "600")
                .directory(mountPoint.toFile())
                .start();
        assertEquals(List.of(holder.pid()), List.copyOf(FilesystemAgent.holders(mountPoint)));
        OperationResult stopped = call(spec, Operation.STOP);
        assertEquals(AgentResult.SUCCESS, stopped.outcome().result(), stopped.toString());
        assertFalse(FilesystemAgent.mounted(mountPoint));
        assertTrue(holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the holder was signalled");
    }

    @Test
    void withoutForceUnmountABusyStopFailsWithinItsTimeoutSayingWhy() throws Exception {
        formatImage();
        ResourceSpec spec = spec().param("force-unmount", "false")
                .timeout(Operation.STOP, Duration.ofSeconds(3))
                .build();
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        holder = new ProcessBuilder("sleep", "600")
                .directory(mountPoint.toFile())
                .start();
        OperationResult stopped = call(spec, Operation.STOP);
        assertEquals(OperationResult.Completion.ANSWERED, stopped.completion(), stopped.toString());
        assertEquals(AgentResult.ERR_GENERIC, stopped.outcome().result());
        assertTrue(stopped.outcome().message().contains("force-unmount=false"), stopped.toString());
        assertTrue(FilesystemAgent.mounted(mountPoint));
        assertTrue(holder.isAlive());
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertEquals(
                "resource data: device " + dir.resolve("nope.img") + " does not exist",
                call(spec().param("device", dir.resolve("nope.img").toString()).build(), Operation.VALIDATE)
                        .outcome()
                        .message());
        assertEquals(
                "resource data: parameter 'directory' must be a normalized absolute path, was 'rel/dir'",
                call(spec().param("directory", "rel/dir").build(), Operation.VALIDATE)
                        .outcome()
                        .message());
        assertEquals(
                "resource data: parameter 'check-level' must be 0, 10 or 20, was 5",
                call(spec().param("check-level", "5").build(), Operation.VALIDATE)
                        .outcome()
                        .message());
        assertEquals(
                "resource data: parameter 'fstype' is not a file system type: 'ext4; reboot'",
                call(spec().param("fstype", "ext4; reboot").build(), Operation.VALIDATE)
                        .outcome()
                        .message());
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        assertEquals("/mnt/with space\\x", FilesystemAgent.unescape("/mnt/with\\040space\\134x"));
    }
}
