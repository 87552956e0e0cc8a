package io.hastack.resources.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What another account can reach, asked as that account (nobody), and the messages that name the blocker. */
@Tag("functional")
class UserAccessTest {
    @TempDir
    Path dir;

    private static final Optional<String> NOBODY = Optional.of("nobody");

    @Test
    void aPrivateDirectoryAboveBlocksAndIsNamedWithItsMode() throws Exception {
        Prerequisites.requireRoot("asking as another user needs root");
        Prerequisites.requireCommand("setpriv", "util-linux");
        Path deep = Files.createDirectories(dir.resolve("a/b"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Optional<String> p = UserAccess.problem(NOBODY, deep.resolve("data"), UserAccess.Need.ENTER);
        assertEquals(
                Optional.of("user nobody cannot enter " + dir + " (owner root, mode rwx------), so cannot reach "
                        + deep.resolve("data")),
                p);

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        assertEquals(
                Optional.empty(),
                UserAccess.problem(NOBODY, deep.resolve("data"), UserAccess.Need.ENTER),
                "entering is enough to reach a path below");
        Optional<String> write = UserAccess.problem(NOBODY, deep, UserAccess.Need.WRITE);
        assertTrue(
                write.orElse("").startsWith("user nobody cannot write to " + deep + " (owner root, mode"),
                write.toString());
        Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), UserAccess.problem(NOBODY, deep, UserAccess.Need.WRITE));
        Files.writeString(deep.resolve("secret"), "x");
        Files.setPosixFilePermissions(deep.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        assertTrue(UserAccess.problem(NOBODY, deep.resolve("secret"), UserAccess.Need.READ)
                .orElse("")
                .startsWith("user nobody cannot read " + deep.resolve("secret")));
    }

    @Test
    void anUnknownUserIsNamed() {
        assertEquals(
                Optional.of("user 'no-such-user-here' does not exist"),
                UserAccess.problem(Optional.of("no-such-user-here"), dir, UserAccess.Need.READ));
    }

    @Test
    void throughALinkTheDirectoryThatReallyBlocksIsNamed() throws Exception {
        Prerequisites.requireRoot("asking as another user needs root");
        Prerequisites.requireCommand("setpriv", "util-linux");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hidden = Files.createDirectories(dir.resolve("hidden/inner"));
        Files.setPosixFilePermissions(dir.resolve("hidden"), PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), hidden);
        Optional<String> p = UserAccess.problem(NOBODY, link.resolve("data"), UserAccess.Need.ENTER);
        assertEquals(
                Optional.of("user nobody cannot enter " + dir.resolve("hidden") + " (owner root, mode rwx------),"
                        + " so cannot reach " + hidden.resolve("data")),
                p);
    }
}
