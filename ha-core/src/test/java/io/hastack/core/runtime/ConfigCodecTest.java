package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.plan.SnapshotText;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {
    /** A configuration that uses every field the wire form carries. */
    static ClusterConfig richConfig() {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .noQuorumPolicy(NoQuorumPolicy.FREEZE)
                .migrationThreshold(5)
                .defaultStickiness(50)
                .failureTimeout(Duration.ofMinutes(3))
                .maintenanceMode(false)
                .waitForAll(true)
                .lastManStanding(Duration.ofSeconds(20))
                .group(ResourceGroup.of(
                        "web",
                        ResourceSpec.builder("ip", "ipaddr")
                                .param("address", "10.0.0.7")
                                .param("note", "ünïcode ✓ with spaces\nand a newline")
                                .timeout(Operation.START, Duration.ofSeconds(7))
                                .timeout(Operation.STOP, Duration.ofMillis(1500))
                                .monitorInterval(Duration.ofSeconds(3))
                                .stickiness(100)
                                .migrationThreshold(2)
                                .failureTimeout(Duration.ZERO)
                                .onFail(Operation.MONITOR, OnFail.BLOCK)
                                .build(),
                        ResourceSpec.builder("app", "process")
                                .param("command", "sleep 1000")
                                .managed(false)
                                .build()))
                .group(ResourceGroup.clone(
                        "mon", 2, ResourceSpec.builder("agent", "process").build()))
                .group(ResourceGroup.of(
                                "db", ResourceSpec.builder("pg", "pgsql").build())
                        .unordered())
                .location(LocationConstraint.prefer("web-n1", "web", "n1", 200))
                .location(LocationConstraint.ban("db-not-n3", "db", "n3"))
                .location(LocationConstraint.avoid("web-not-n2", "web", "n2", 40))
                .colocation(ColocationConstraint.together("web-with-db", "web", "db", 500))
                .colocation(ColocationConstraint.apart("db-apart", "db", "mon", 10))
                .order(OrderConstraint.mandatory("db-then-web", "db", "web"))
                .order(OrderConstraint.optional("mon-then-web", "mon", "web"))
                .build();
    }

    private static VersionedConfig roundTrip(VersionedConfig v) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConfigCodec.write(new DataOutputStream(bytes), v);
        return ConfigCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void aConfigurationWithEveryFieldSurvivesTheWire() throws Exception {
        VersionedConfig v = VersionedConfig.initial(richConfig()).next(richConfig());
        VersionedConfig back = roundTrip(v);
        assertEquals(v, back);
        assertEquals(v.config().canonicalText(), back.config().canonicalText());
        assertEquals(1, back.version());
        assertEquals(List.of(richConfig().hash()), back.lineage());
    }

    @Test
    void everyGoldenScenariosConfigurationSurvivesTheWire() throws Exception {
        Path scenarios = Path.of("src", "test", "resources", "scenarios");
        List<Path> inputs;
        try (Stream<Path> dirs = Files.list(scenarios)) {
            inputs = dirs.map(d -> d.resolve("input.txt")).filter(Files::exists).toList();
        }
        assertTrue(inputs.size() > 50, "the golden scenarios are found: " + inputs.size());
        for (Path input : inputs) {
            ClusterConfig config = SnapshotText.parse(Files.readString(input)).config();
            assertEquals(config, roundTrip(VersionedConfig.of(4, config)).config(), input.toString());
        }
    }

    @Test
    void aConfigurationWhoseHashDoesNotMatchIsRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(3);
        out.writeUTF("0123456789ab");
        out.writeInt(0);
        ConfigCodec.writeConfig(out, richConfig());
        MalformedMessageException e = assertThrows(
                MalformedMessageException.class,
                () -> ConfigCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("arrived with hash 0123456789ab"), e.getMessage());
    }

    @Test
    void aConfigurationTheModelRefusesFailsTheFrameNamingWhy() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        out.writeUTF("n1");
        out.writeInt(0); // no previous node list
        out.writeInt(0); // no addresses
        out.writeUTF("STOP");
        out.writeInt(-4); // a negative migration threshold
        byte[] frame = bytes.toByteArray();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ConfigCodec.readConfig(new DataInputStream(new ByteArrayInputStream(frame))));
        assertTrue(e.getMessage().contains("migration"), e.getMessage());
    }

    @Test
    void lineageTellsAnAncestorFromAConfigurationChangedApart() {
        ClusterConfig a = ClusterConfig.builder().nodes("n1", "n2").build();
        ClusterConfig b =
                ClusterConfig.builder().nodes("n1", "n2").migrationThreshold(7).build();
        ClusterConfig c =
                ClusterConfig.builder().nodes("n1", "n2").migrationThreshold(9).build();
        VersionedConfig v0 = VersionedConfig.initial(a);
        VersionedConfig v1 = v0.next(b);
        VersionedConfig v2 = v1.next(c);
        assertTrue(v2.contains(v1));
        assertTrue(v2.contains(v0));
        assertTrue(v2.contains(v2));
        VersionedConfig apart = v0.next(c); // version 1 made elsewhere from the same version 0
        assertFalse(v2.contains(apart), "version 1 changed apart is not in version 2's lineage");
        assertFalse(v1.contains(v2), "a newer version is never contained in an older one");
        VersionedConfig far = v0;
        for (int i = 0; i < VersionedConfig.LINEAGE + 3; i++) {
            far = far.next(i % 2 == 0 ? b : c);
        }
        assertEquals(VersionedConfig.LINEAGE, far.lineage().size());
        assertFalse(far.contains(v0), "too old to tell: counted as changed apart, so it is reported");
    }
}
