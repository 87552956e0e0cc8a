package io.hastack.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeyTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenKeyIsPrivateAndLoadsAsTheSameKey() throws Exception {
        ClusterKey key = ClusterKey.generate();
        Path file = dir.resolve("cluster.key");
        key.writeTo(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ClusterKey loaded = ClusterKey.load(file);
        assertEquals(key, loaded);
        assertEquals(key.fingerprint(), loaded.fingerprint());
        assertFalse(
                key.toString().contains(Base64.getEncoder().encodeToString(key.derive("x", 32))),
                "toString shows the fingerprint only");
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> key.writeTo(file));
        assertTrue(again.getMessage().contains("not overwriting"), again.getMessage());
    }

    @Test
    void derivedKeysDifferByLabelAndByKey() {
        ClusterKey a = ClusterKey.generate();
        ClusterKey b = ClusterKey.generate();
        assertArrayEquals(a.derive("frame-mac", 32), a.derive("frame-mac", 32));
        assertFalse(java.util.Arrays.equals(a.derive("frame-mac", 32), a.derive("jgroups", 32)));
        assertFalse(java.util.Arrays.equals(a.derive("frame-mac", 32), b.derive("frame-mac", 32)));
        assertNotEquals(a.fingerprint(), b.fingerprint());
    }

    @Test
    void aBadKeyFileIsRefusedNamingTheFileAndTheFault() throws Exception {
        Path missing = dir.resolve("none.key");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(missing))
                .getMessage()
                .contains("does not exist"));

        Path open = dir.resolve("open.key");
        ClusterKey.generate().writeTo(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        String m = assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(open))
                .getMessage();
        assertTrue(m.contains("readable by other accounts") && m.contains("chmod 600"), m);

        Path garbage = dir.resolve("garbage.key");
        Files.writeString(garbage, "hello", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(garbage))
                .getMessage()
                .contains("is not an HA Stack key"));

        Path shortKey = dir.resolve("short.key");
        Files.writeString(
                shortKey,
                "hastack-cluster-key-v1 " + Base64.getEncoder().encodeToString(new byte[7]),
                StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(shortKey))
                .getMessage()
                .contains("holds 7 bytes, not 32"));
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(null));
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.of(new byte[31]));
    }
}
