package io.hastack.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
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
                .address(NodeId.of("node1"), "10.0.0.1:7800")
                .address(NodeId.of("node2"), "10.0.0.2:7800")
                .address(NodeId.of("node3"), "10.0.0.3:7800")
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

    @Test
    void aChangeOfTheNodeListIsWrittenIntoTheNodesSection() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                cluster: c
                insecure: true
                nodes:
                  n1: 127.0.0.1:7800
                  n2: 127.0.0.1:7801
                  n3: 127.0.0.1:7802
                admin:
                  token-file: admin.token
                  node-ports: {n2: 7871, n3: 7872}
                """);
        ClusterFile before = ConfigFile.load(file);
        FileConfigStore store = new FileConfigStore(file);

        // A node added: the nodes section lists it, at its address, and the list it changes from.
        ClusterConfig added = before.config().toBuilder()
                .nodes("n1", "n2", "n3", "n4")
                .address(NodeId.of("n4"), "127.0.0.1:7803")
                .previousNodes(before.config().nodes())
                .build();
        VersionedConfig v1 = before.versioned().next(added);
        store.save(v1);
        ClusterFile adding = ConfigFile.load(file);
        assertEquals(v1, adding.versioned());
        assertEquals(
                java.util.List.of("n1", "n2", "n3", "n4"),
                adding.nodes().keySet().stream().map(NodeId::value).toList());
        assertEquals(7803, adding.nodes().get(NodeId.of("n4")).getPort());
        assertTrue(Files.readString(file).contains("previous-nodes:\n- n1\n- n2\n- n3\n"), Files.readString(file));

        // Committed: previous-nodes is gone; a restarted node starts with four nodes.
        VersionedConfig v2 =
                v1.next(added.toBuilder().previousNodes(java.util.List.of()).build());
        store.save(v2);
        ClusterFile committed = ConfigFile.load(file);
        assertEquals(v2, committed.versioned());
        assertTrue(!Files.readString(file).contains("previous-nodes"), Files.readString(file));
        assertEquals(4, committed.nodes().size());

        // A node removed: its address and its admin port go too; the rest of the admin section stays.
        ClusterConfig removed = added.toBuilder()
                .nodes("n1", "n2", "n4")
                .address(NodeId.of("n3"), null)
                .previousNodes(added.nodes())
                .build();
        VersionedConfig v3 = v2.next(removed);
        store.save(v3);
        ClusterFile after = ConfigFile.load(file);
        assertEquals(v3, after.versioned());
        assertEquals(
                java.util.List.of("n1", "n2", "n4"),
                after.nodes().keySet().stream().map(NodeId::value).toList());
        assertEquals(
                java.util.Map.of(NodeId.of("n2"), 7871),
                after.admin().orElseThrow().nodePorts());
        assertEquals(
                before.admin().orElseThrow().tokenFile(),
                after.admin().orElseThrow().tokenFile());
    }

    @Test
    void aVersionWithoutAddressesIsNotWrittenIntoAFile() throws Exception {
        Path file = documentedExample();
        ClusterFile before = ConfigFile.load(file);
        VersionedConfig bare = before.versioned()
                .next(ClusterConfig.builder().nodes("node1", "node2", "node3").build());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> ConfigWriter.render(file.toString(), Files.readString(file), bare, dir));
        assertTrue(e.getMessage().contains("has no node addresses"), e.getMessage());
    }
}
