package io.hastack.resources.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Local user accounts, from {@code /etc/passwd}. */
final class Users {
    private Users() {}

    /** A user's numeric ids. */
    record Account(String name, long uid, long gid) {}

    /** The account named {@code name}, if it exists. */
    static Optional<Account> lookup(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(name)) {
                    return Optional.of(new Account(name, Long.parseLong(f[2]), Long.parseLong(f[3])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** True if this JVM runs as root. */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
