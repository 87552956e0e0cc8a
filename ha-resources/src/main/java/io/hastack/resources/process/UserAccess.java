package io.hastack.resources.process;

import io.hastack.resources.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a user account can reach, read or write a path, asked the way the kernel will answer
 * when the server runs: for another account, {@code test} is run as that account through
 * {@code setpriv} (so groups and ACLs count); for the node's own account, {@link Files} asks
 * directly. Agents that run a server as another user (PostgreSQL as {@code postgres}, Tomcat as
 * {@code tomcat}) call it from {@code validate}, so that a data directory below a private
 * directory is reported before anything starts, naming the directory that blocks and the user.
 *
 * <p>Stateless and thread-safe; each check of another account runs one short process per
 * directory level.
 */
public final class UserAccess {
    private static final Duration LIMIT = Duration.ofSeconds(5);

    /** What the user must be able to do with the path. */
    public enum Need {
        /** Enter (search) the directory and every directory above it. */
        ENTER("enter", "-x"),
        /** Read the file, or enter and list the directory. */
        READ("read", "-r"),
        /** Enter, read and write the directory, or read and write the file. */
        WRITE("write to", "-w");

        private final String verb;
        private final String testFlag;

        Need(String verb, String testFlag) {
            this.verb = verb;
            this.testFlag = testFlag;
        }

        /** Whether the node's own account may do this with {@code path}. */
        boolean allowedHere(Path path) {
            return switch (this) {
                case ENTER -> Files.isExecutable(path);
                case READ -> Files.isReadable(path);
                case WRITE -> Files.isWritable(path);
            };
        }
    }

    private UserAccess() {}

    /**
     * Why {@code user} (the node's own account when empty) cannot do {@code need} with {@code path};
     * empty if it can. Every existing directory above {@code path} must be enterable; {@code path}
     * itself is checked only if it exists (a caller that creates it checks its parent). The message
     * names the user, the path that blocks, its owner and mode.
     */
    public static Optional<String> problem(Optional<String> user, Path path, Need need) {
        Path target = real(path);
        String who = user.orElse(System.getProperty("user.name"));
        boolean switchUser = user.isPresent() && !user.get().equals(System.getProperty("user.name"));
        Optional<Users.Account> account = user.flatMap(Users::lookup);
        if (switchUser && account.isEmpty()) {
            return Optional.of("user '" + who + "' does not exist");
        }
        if (switchUser && (!Users.isRoot() || ProcessAgent.SETPRIV.isEmpty())) {
            return Optional.of("cannot check what user " + who + " may do with " + target + ": that needs root and"
                    + " setpriv (util-linux), and so does running a server as " + who);
        }
        List<Path> above = new ArrayList<>();
        for (Path p = target.getParent(); p != null; p = p.getParent()) {
            above.add(0, p);
        }
        for (Path dir : above) {
            if (Files.isDirectory(dir) && !allowed(switchUser ? account : Optional.empty(), dir, Need.ENTER)) {
                return Optional.of(
                        "user " + who + " cannot enter " + dir + describe(dir) + ", so cannot reach " + target);
            }
        }
        if (!Files.exists(target)) {
            return Optional.empty();
        }
        List<Need> needs = new ArrayList<>(List.of(need));
        if (Files.isDirectory(target) && need != Need.ENTER) {
            needs.add(Need.ENTER);
            if (need == Need.WRITE) {
                needs.add(Need.READ);
            }
        }
        for (Need n : needs) {
            if (!allowed(switchUser ? account : Optional.empty(), target, n)) {
                return Optional.of("user " + who + " cannot " + need.verb + " " + target + describe(target));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code path} as the kernel resolves it: the longest part that exists with its links followed,
     * then the rest as written (so a message names the directory that really blocks).
     */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute.normalize();
        }
    }

    private static boolean allowed(Optional<Users.Account> as, Path path, Need need) {
        if (as.isEmpty()) {
            return need.allowedHere(path);
        }
        Users.Account a = as.get();
        Commands.Result r = Commands.run(
                List.of(
                        ProcessAgent.SETPRIV.orElseThrow().toString(),
                        "--reuid=" + a.uid(),
                        "--regid=" + a.gid(),
                        "--init-groups",
                        "--",
                        "test",
                        need.testFlag,
                        path.toString()),
                Map.of(),
                LIMIT);
        return r.ok();
    }

    /** " (owner root, mode rwx------)", or nothing if the attributes cannot be read. */
    private static String describe(Path path) {
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return " (owner " + a.owner().getName() + ", mode " + PosixFilePermissions.toString(a.permissions()) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
