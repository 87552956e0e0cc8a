package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.security.ClusterKey;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class NodeSettingsTest {
    @Test
    void presetsAndDefaults() {
        NodeSettings d = NodeSettings.defaults();
        assertEquals(Duration.ofMinutes(2), d.shutdownTimeout());
        assertEquals(Duration.ofSeconds(60), d.fenceTimeout());
        assertEquals(Optional.empty(), d.pauseBound());
        assertEquals(Optional.empty(), d.clusterKey());
        assertFalse(d.insecure());
        NodeSettings t = NodeSettings.forTesting();
        assertTrue(t.clusterKey().isPresent(), "tests run with a key, as production must");
        assertEquals(Duration.ofSeconds(20), t.shutdownTimeout());
        assertEquals(t, t.toBuilder().build());
    }

    @Test
    void badValuesAreRefusedNamingThem() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> NodeSettings.builder().shutdownTimeout(Duration.ZERO))
                .getMessage()
                .contains("shutdown timeout"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> NodeSettings.builder().pauseBound(Duration.ofSeconds(-1)))
                .getMessage()
                .contains("pause bound"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> NodeSettings.builder().clusterKey(null))
                .getMessage()
                .contains("cluster key must not be null"));
    }

    @Test
    void aKeyAndInsecureExcludeEachOther() {
        ClusterKey key = ClusterKey.generate();
        NodeSettings keyed = NodeSettings.builder().insecure().clusterKey(key).build();
        assertEquals(Optional.of(key), keyed.clusterKey());
        assertFalse(keyed.insecure());
        NodeSettings open = keyed.toBuilder().insecure().build();
        assertTrue(open.insecure());
        assertEquals(Optional.empty(), open.clusterKey());
        assertTrue(open.toString().contains("insecure"), open.toString());
        assertTrue(keyed.toString().contains(key.fingerprint()), keyed.toString());
    }
}
