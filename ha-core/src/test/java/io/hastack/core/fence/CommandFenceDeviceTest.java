package io.hastack.core.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.fence.FenceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fence agent script run the way Debian's fence_* agents are: key=value lines on stdin. */
@Tag("functional")
class CommandFenceDeviceTest {
    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path s = dir.resolve("fence_test");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    @Test
    void passesTheStandardArgumentsOnStdinAndConfirmsOnExitZero() throws Exception {
        Path got = dir.resolve("stdin");
        Path agent = script("cat > " + got + "; echo fenced");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("ipaddr", "10.0.0.9");
        options.put("password", "s3cr3t; rm -rf /");
        FenceResult r = CommandFenceDevice.of(List.of(agent.toString()), "reboot", options)
                .fence(NodeId.of("node2"), Duration.ofSeconds(30));
        assertTrue(r.confirmed(), r.message());
        assertTrue(r.message().endsWith("reboot node2 succeeded: fenced"), r.message());
        assertEquals(
                List.of(
                        "action=reboot",
                        "plug=node2",
                        "nodename=node2",
                        "ipaddr=10.0.0.9",
                        "password=s3cr3t; rm -rf /"),
                Files.readAllLines(got));
    }

    @Test
    void aNonZeroExitAHangAndAMissingAgentAreFailures() throws Exception {
        FenceResult refused = CommandFenceDevice.of(
                        List.of(script("echo 'power switch unreachable'; exit 1")
                                .toString()),
                        Map.of())
                .fence(NodeId.of("n"), Duration.ofSeconds(30));
        assertFalse(refused.confirmed());
        assertTrue(refused.message().contains("exited with 1: power switch unreachable"), refused.message());

        FenceResult hung = CommandFenceDevice.of(List.of(script("exec sleep 60").toString()), Map.of())
                .fence(NodeId.of("n"), Duration.ofMillis(300));
        assertFalse(hung.confirmed());
        assertTrue(hung.message().contains("did not finish within 300 ms"), hung.message());

        FenceResult missing = CommandFenceDevice.of(List.of("/no/fence_agent"), Map.of())
                .fence(NodeId.of("n"), Duration.ofSeconds(5));
        assertFalse(missing.confirmed());
        assertTrue(missing.message().startsWith("cannot run fence agent /no/fence_agent"), missing.message());
    }

    @Test
    void rejectsOptionsThatWouldInjectLines() {
        assertThrows(
                IllegalArgumentException.class,
                () -> CommandFenceDevice.of(List.of("/bin/true"), Map.of("port", "1\naction=on")));
        assertThrows(IllegalArgumentException.class, () -> CommandFenceDevice.of(List.of(), Map.of()));
    }
}
