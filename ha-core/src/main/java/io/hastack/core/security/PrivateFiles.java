package io.hastack.core.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The check that a file holding a secret is readable by its owner only. */
public final class PrivateFiles {
    private PrivateFiles() {}

    /**
     * Refuses {@code file} if its group or others may access it (on a file system with POSIX
     * permissions).
     *
     * @param what names the file in the message, e.g. {@code "cluster key file"}
     * @throws IllegalArgumentException saying so and how to mend it
     * @throws IOException if its permissions cannot be read (e.g. it does not exist)
     */
    public static void requirePrivate(Path file, String what) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.stream()
                .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IllegalArgumentException(what + " " + file + " is readable by other accounts ("
                    + PosixFilePermissions.toString(perms) + "): run 'chmod 600 " + file + "'");
        }
    }
}
