package io.hastack.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigStoreTest {
    @TempDir
    Path dir;

    private Path documentedExample() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        int start = doc.indexOf("```yaml\n");
        String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aNewVersionIsWrittenIntoTheFileAndTheRestOfTheFileIsKept() throws Exception {
        Path file = documentedExample();
        ClusterFile before = ConfigFile.load(file);
        ClusterConfig changed = ClusterConfig.builder()
                .nodes("node1", "node2", "node3")
                .migrationThreshold(4)
                .lastManStanding(Duration.ofSeconds(30))
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("app", "process")
                                .param("argv.0", "/opt/app/bin/server --port 8080")
                                .timeout(Operation.START, Duration.ofSeconds(30))
                                .onFail(Operation.MONITOR, OnFail.RESTART)
                                .stickiness(200)
                                .build()))
                .group(ResourceGroup.clone(
                        "mon", 2, ResourceSpec.builder("probe", "process").build()))
                .location(LocationConstraint.ban("not-3", "web-group", "node3"))
                .location(LocationConstraint.avoid("not-2", "web-group", "node2", 30))
                .colocation(ColocationConstraint.apart("spread", "web-group", "mon", 10))
                .build();
        VersionedConfig v = before.versioned().next(before.config()).next(changed);

        new FileConfigStore(file).save(v);

        ClusterFile after = ConfigFile.load(file);
        assertEquals(v, after.versioned(), "the file reads back as the version");
        assertEquals(2, after.version());
        assertEquals(before.nodes(), after.nodes());
        assertEquals(before.keyFile(), after.keyFile());
        assertEquals(before.device(), after.device());
        assertEquals(before.membership(), after.membership());
        assertTrue(Files.readString(file).startsWith("# Written by HA Stack"), "the file says who wrote it");
    }

    @Test
    void aDiscardedVersionIsKeptBesideTheFile() throws Exception {
        Path file = documentedExample();
        ClusterFile before = ConfigFile.load(file);
        VersionedConfig lost = VersionedConfig.of(5, before.config());
        new FileConfigStore(file).discarded(lost, lost.next(before.config()));
        Path copy = dir.resolve("cluster.yaml.discarded-v5-" + lost.hash());
        assertEquals(lost, ConfigFile.load(copy).versioned());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "the file and the copy, nothing else");
        }
        assertEquals(before.versioned(), ConfigFile.load(file).versioned(), "the file itself is untouched");
    }
}
