package io.hastack.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, a binary, a Debian package), checked at the start of
 * the test. A missing prerequisite skips the test with a JUnit assumption that names exactly what
 * is missing and how to get it, so that the test suite passes on a machine with only a JDK and
 * Maven. Where every prerequisite must be present, a missing one fails the test instead: when the
 * environment variable {@code CI} is {@code true} (as {@code .ci/run} sets it) or the system
 * property {@value #REQUIRE_ALL} is {@code true} ({@code mvn -B verify -Dhastack.requireAll=true}).
 * That is how CI proves that nothing was skipped.
 *
 * <p>Stateless and thread-safe.
 */
public final class Prerequisites {
    /** The system property that turns a missing prerequisite into a failure. */
    public static final String REQUIRE_ALL = "hastack.requireAll";

    private Prerequisites() {}

    /**
     * True when a missing prerequisite must fail rather than skip: {@code CI=true} in the
     * environment, or {@code -Dhastack.requireAll=true}.
     */
    public static boolean requireAll() {
        return isTrue(System.getenv("CI")) || isTrue(System.getProperty(REQUIRE_ALL));
    }

    private static boolean isTrue(String value) {
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    /**
     * Skips (or, under {@link #requireAll()}, fails) the calling test unless {@code present}.
     *
     * @param present whether the prerequisite is there
     * @param missing what is missing and how to get it, e.g. {@code "nginx is not installed (apt-get
     *     install nginx)"}
     */
    public static void require(boolean present, String missing) {
        require(present, missing, requireAll());
    }

    /** As {@link #require(boolean, String)}, with {@code requireAll} given rather than read. */
    static void require(boolean present, String missing, boolean requireAll) {
        if (present) {
            return;
        }
        if (requireAll) {
            Assertions.fail("missing prerequisite: " + missing + " (CI=true or -D" + REQUIRE_ALL
                    + "=true: nothing may be skipped)");
        }
        Assumptions.abort("missing prerequisite: " + missing);
    }

    /** Requires that the tests run as root; {@code why} says what needs it ("mounting needs root"). */
    public static void requireRoot(String why) {
        require(isRoot(), why + "; the tests run as " + System.getProperty("user.name"));
    }

    /** True if the tests run as root. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Requires an executable file at {@code path}, which Debian's package {@code debianPackage}
     * installs.
     */
    public static void requireExecutable(Path path, String debianPackage) {
        require(Files.isExecutable(path), path + " is not installed (apt-get install " + debianPackage + ")");
    }

    /**
     * Requires the command {@code name} on {@code PATH} or in {@code /usr/sbin} or {@code /sbin}
     * (where Debian puts administration commands that a user's {@code PATH} may lack), from Debian's
     * package {@code debianPackage}.
     */
    public static void requireCommand(String name, String debianPackage) {
        require(findCommand(name), "the command " + name + " is not installed (apt-get install " + debianPackage + ")");
    }

    private static boolean findCommand(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
