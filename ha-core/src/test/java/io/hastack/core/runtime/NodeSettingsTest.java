package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
        assertEquals(Optional.empty(), d.secret());
        NodeSettings t = NodeSettings.forTesting();
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
                        () -> NodeSettings.builder().secret(new byte[3]))
                .getMessage()
                .contains("at least 16 bytes, has 3"));
    }

    @Test
    void theSecretIsCopiedInAndOut() {
        byte[] secret = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        NodeSettings s = NodeSettings.builder().secret(secret).build();
        secret[0] = 'X';
        assertEquals('0', s.secret().orElseThrow()[0]);
        s.secret().orElseThrow()[1] = 'Y';
        assertArrayEquals(
                "0123456789abcdef".getBytes(StandardCharsets.UTF_8), s.secret().orElseThrow());
    }
}
