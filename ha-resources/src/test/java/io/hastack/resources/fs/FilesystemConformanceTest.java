package io.hastack.resources.fs;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** The file system agent follows the OCF rules, on a tmpfs (mounting needs root, as in CI). */
@Tag("integration")
class FilesystemConformanceTest extends AgentConformance {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needsRoot() {
        Prerequisites.requireRoot("mounting needs root");
        Prerequisites.requireCommand("mkfs.ext4", "e2fsprogs");
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new FilesystemAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("fs", FilesystemAgent.TYPE)
                .param("device", "tmpfs")
                .param("directory", dir.resolve("mnt").toString())
                .param("fstype", "tmpfs")
                .param("check-level", "20")
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("fs", FilesystemAgent.TYPE)
                .param("device", "tmpfs")
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("directory");
    }
}
