package io.hastack.resources.fs;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Commands;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts a file system on a directory, as Pacemaker's {@code Filesystem} agent: a block device, a
 * loop image ({@code options=loop}), {@code tmpfs} or an NFS export ({@code host:/path}).
 *
 * <p>Parameters: {@code device}, {@code directory} (absolute; created if missing) and {@code fstype}
 * (required); {@code options} (mount options, {@code -o}); {@code check-level} (0 by default; 20 adds
 * a write / read / delete probe file to every monitor); {@code force-unmount} ({@code true} by
 * default: when the mount is busy, the processes holding it get SIGTERM, then SIGKILL).
 *
 * <p>Monitor: the directory is a mount point in {@code /proc/self/mountinfo}. Stop: {@code umount};
 * while the mount is busy, signal its holders (if allowed) and retry until the stop timeout. Mount
 * and umount run from argv lists (util-linux), never through a shell.
 */
public final class FilesystemAgent implements ResourceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "filesystem";

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemAgent.class);
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Mounts a file system (block device, loop image, tmpfs, NFS) on a directory.",
            List.of(
                    new AgentMetadata.Parameter(
                            "device",
                            true,
                            "",
                            "what to mount: a device, an image file" + " (with options=loop), tmpfs, or host:/export"),
                    new AgentMetadata.Parameter("directory", true, "", "the absolute mount point; created if missing"),
                    new AgentMetadata.Parameter("fstype", true, "", "the file system type (ext4, xfs, tmpfs, nfs ...)"),
                    new AgentMetadata.Parameter("options", false, "", "mount options, as for mount -o"),
                    new AgentMetadata.Parameter(
                            "check-level", false, "0", "20: monitors also write, read and delete" + " a probe file"),
                    new AgentMetadata.Parameter(
                            "force-unmount",
                            false,
                            "true",
                            "signal the processes that keep the" + " mount busy when stopping")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(60),
                    Operation.STOP,
                    Duration.ofSeconds(60),
                    Operation.MONITOR,
                    Duration.ofSeconds(40),
                    Operation.VALIDATE,
                    Duration.ofSeconds(20)));

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    private record Config(
            String device, Path directory, String fstype, String options, int checkLevel, boolean forceUnmount) {}

    private static Config config(AgentContext ctx) {
        String device = Parameters.required(ctx, "device");
        String dir = Parameters.required(ctx, "directory");
        String fstype = Parameters.required(ctx, "fstype");
        Path directory = Path.of(dir);
        if (!directory.isAbsolute() || !directory.normalize().equals(directory) || dir.endsWith("/")) {
            throw new InvalidParameterException(
                    ctx, "parameter 'directory' must be a normalized absolute path, was '" + dir + "'");
        }
        if (directory.getParent() == null) {
            throw new InvalidParameterException(ctx, "parameter 'directory' must not be /");
        }
        if (!fstype.matches("[a-z0-9._+-]+")) {
            throw new InvalidParameterException(ctx, "parameter 'fstype' is not a file system type: '" + fstype + "'");
        }
        long level = Parameters.nonNegative(ctx, "check-level").orElse(0L);
        if (level != 0 && level != 10 && level != 20) {
            throw new InvalidParameterException(ctx, "parameter 'check-level' must be 0, 10 or 20, was " + level);
        }
        String force = Parameters.optional(ctx, "force-unmount", "true");
        if (!force.equals("true") && !force.equals("false")) {
            throw new InvalidParameterException(
                    ctx, "parameter 'force-unmount' must be true or false, was '" + force + "'");
        }
        return new Config(
                device, directory, fstype, Parameters.optional(ctx, "options", ""), (int) level, force.equals("true"));
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            Config c = config(ctx);
            for (String tool : List.of("mount", "umount")) {
                if (Commands.locate(tool).isEmpty()) {
                    return AgentOutcome.of(
                            AgentResult.ERR_INSTALLED,
                            "resource " + ctx.resource() + ": '" + tool + "' (util-linux) is not installed");
                }
            }
            if (c.device().startsWith("/") && !Files.exists(Path.of(c.device()))) {
                return AgentOutcome.of(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": device " + c.device() + " does not exist");
            }
            return AgentOutcome.success();
        } catch (InvalidParameterException e) {
            return e.outcome();
        }
    }

    @Override
    public AgentOutcome start(AgentContext ctx) {
        try {
            Config c = config(ctx);
            if (mounted(c.directory())) {
                return AgentOutcome.success(c.directory() + " is already mounted");
            }
            Files.createDirectories(c.directory());
            List<String> argv = new ArrayList<>(List.of("mount", "-t", c.fstype()));
            if (!c.options().isEmpty()) {
                argv.addAll(List.of("-o", c.options()));
            }
            argv.addAll(List.of(c.device(), c.directory().toString()));
            Commands.Result r = Commands.run(argv, ctx.remaining());
            if (r.code() == Commands.Result.NOT_STARTED) {
                return AgentOutcome.of(
                        AgentResult.ERR_INSTALLED,
                        "resource " + ctx.resource() + ": mount could not run: " + r.output());
            }
            if (!r.ok() || !mounted(c.directory())) {
                return AgentOutcome.failed("mount " + c.device() + " on " + c.directory() + " failed: " + r.describe());
            }
            return AgentOutcome.success("mounted " + c.device() + " on " + c.directory());
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (IOException e) {
            return AgentOutcome.failed("cannot create mount point: " + e);
        }
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        try {
            Config c = config(ctx);
            if (!mounted(c.directory())) {
                return AgentOutcome.notRunning(c.directory() + " is not mounted");
            }
            if (c.checkLevel() >= 20 && !ctx.lease().held()) {
                // A node without its membership lease may already count as gone: it writes nothing.
                return AgentOutcome.success("mounted; no write probe: the node does not hold its membership lease");
            }
            if (c.checkLevel() >= 20) {
                Path probe = c.directory().resolve(".hastack-monitor-" + ctx.resource());
                String written = UUID.randomUUID().toString();
                try {
                    Files.writeString(probe, written);
                    String read = Files.readString(probe, StandardCharsets.UTF_8);
                    Files.delete(probe);
                    if (!read.equals(written)) {
                        return AgentOutcome.failed("probe file " + probe + " read back other content");
                    }
                } catch (IOException e) {
                    return AgentOutcome.failed("probe file " + probe + ": " + e);
                }
            }
            return AgentOutcome.success();
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (IOException e) {
            return AgentOutcome.failed("cannot read " + MOUNTINFO + ": " + e);
        }
    }

    @Override
    public AgentOutcome stop(AgentContext ctx) {
        try {
            Config c = config(ctx);
            int attempt = 0;
            while (mounted(c.directory())) {
                Commands.Result r = Commands.run(List.of("umount", c.directory().toString()), ctx.remaining());
                if (r.ok() && !mounted(c.directory())) {
                    break;
                }
                attempt++;
                if (ctx.remaining().compareTo(RETRY.multipliedBy(2)) < 0
                        || Thread.currentThread().isInterrupted()) {
                    return AgentOutcome.failed("umount " + c.directory() + " failed: " + r.describe()
                            + (c.forceUnmount() ? "" : " (force-unmount=false: its holders were left alone)"));
                }
                if (c.forceUnmount()) {
                    Set<Long> holders = holders(c.directory());
                    LOG.warn(
                            "umount {} failed ({}); signalling {} holder(s) {}: {}",
                            c.directory(),
                            r.describe(),
                            holders.size(),
                            holders,
                            attempt <= 2 ? "SIGTERM" : "SIGKILL");
                    boolean gently = attempt <= 2;
                    for (long pid : holders) {
                        ProcessHandle.of(pid).ifPresent(h -> {
                            if (gently) {
                                h.destroy();
                            } else {
                                h.destroyForcibly();
                            }
                        });
                    }
                }
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return AgentOutcome.failed("stop of " + c.directory() + " interrupted while it was busy");
                }
            }
            return AgentOutcome.success();
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (IOException e) {
            return AgentOutcome.failed("cannot read " + MOUNTINFO + ": " + e);
        }
    }

    /**
     * True if {@code directory} (an absolute path) is a mount point now, per {@code
     * /proc/self/mountinfo}.
     *
     * @throws IOException if mountinfo cannot be read
     */
    public static boolean mounted(Path directory) throws IOException {
        String target = directory.toString();
        for (String line : Files.readAllLines(MOUNTINFO)) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && unescape(fields[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal: {@code \040}. */
    static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            if (ch == '\\'
                    && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * The processes that hold something under {@code directory} (working directory, root, open file
     * or executable), this JVM excepted: what {@code fuser -m} would name.
     */
    static Set<Long> holders(Path directory) {
        Set<Long> pids = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid != self && holds(proc, directory)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list /proc: {}", e.toString());
        }
        return pids;
    }

    private static boolean holds(Path proc, Path directory) {
        List<Path> links = new ArrayList<>(List.of(proc.resolve("cwd"), proc.resolve("root"), proc.resolve("exe")));
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            fds.forEach(links::add);
        } catch (IOException e) {
            // the process ended, or is not ours to inspect
        }
        for (Path link : links) {
            try {
                Path target = Files.readSymbolicLink(link);
                if (target.startsWith(directory)) {
                    return true;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // gone or not a link
            }
        }
        return false;
    }
}
