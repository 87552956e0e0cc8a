package io.hastack.testsupport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

@Tag("unit")
class PrerequisitesTest {
    @Test
    void aPresentPrerequisiteNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> Prerequisites.require(true, "x", true));
        assertDoesNotThrow(() -> Prerequisites.require(true, "x", false));
    }

    @Test
    void aMissingPrerequisiteSkipsNamingIt() {
        TestAbortedException e = assertThrows(
                TestAbortedException.class,
                () -> Prerequisites.require(false, "nginx is not installed (apt-get install nginx)", false));
        assertTrue(e.getMessage().contains("nginx is not installed (apt-get install nginx)"), e.getMessage());
    }

    @Test
    void underRequireAllAMissingPrerequisiteFailsNamingIt() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class, () -> Prerequisites.require(false, "arping is not installed", true));
        assertTrue(e.getMessage().contains("arping is not installed"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing may be skipped"), e.getMessage());
    }

    @Test
    void thePropertyTurnsRequireAllOn() {
        String before = System.getProperty(Prerequisites.REQUIRE_ALL);
        try {
            System.setProperty(Prerequisites.REQUIRE_ALL, "true");
            assertTrue(Prerequisites.requireAll());
            System.setProperty(Prerequisites.REQUIRE_ALL, "false");
            assertEquals("true".equals(System.getenv("CI")), Prerequisites.requireAll());
        } finally {
            if (before == null) {
                System.clearProperty(Prerequisites.REQUIRE_ALL);
            } else {
                System.setProperty(Prerequisites.REQUIRE_ALL, before);
            }
        }
    }

    @Test
    void aMissingCommandIsNamedWithItsPackageAndAPresentOneIsFound() {
        Throwable e = assertThrows(
                Throwable.class, () -> Prerequisites.requireCommand("no-such-command-here", "some-package"));
        assertEquals(
                Prerequisites.requireAll() ? AssertionFailedError.class : TestAbortedException.class, e.getClass());
        assertTrue(
                e.getMessage().contains("no-such-command-here is not installed (apt-get install some-package)"),
                e.getMessage());
        assertDoesNotThrow(() -> Prerequisites.requireCommand("sh", "dash"));
    }
}
