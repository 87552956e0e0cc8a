package io.hastack.core.fence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.fence.FenceResult;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CommandFenceDevice against a real Debian fence agent: {@code fence_dummy} from the fence-agents
 * package, which .ci/run installs. Skipped where the package is not installed.
 */
@Tag("integration")
class DebianFenceAgentTest {
    private static final Path FENCE_DUMMY = Path.of("/usr/sbin/fence_dummy");

    @TempDir
    Path dir;

    @Test
    void fenceDummyConfirmsAnOffAndReportsAFailure() {
        Prerequisites.requireExecutable(FENCE_DUMMY, "fence-agents");
        FenceResult off = CommandFenceDevice.of(
                        List.of(FENCE_DUMMY.toString()),
                        Map.of(
                                "type",
                                "file",
                                "status_file",
                                dir.resolve("status").toString()))
                .fence(NodeId.of("node2"), Duration.ofSeconds(60));
        assertTrue(off.confirmed(), off.message());

        FenceResult failed = CommandFenceDevice.of(
                        List.of(FENCE_DUMMY.toString()), Map.of("type", "fail", "power_timeout", "1"))
                .fence(NodeId.of("node2"), Duration.ofSeconds(60));
        assertFalse(failed.confirmed(), failed.message());
        assertTrue(failed.message().contains("exited with 1"), failed.message());
    }
}
