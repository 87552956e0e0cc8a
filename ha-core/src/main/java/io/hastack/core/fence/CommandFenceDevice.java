package io.hastack.core.fence;

import io.hastack.core.model.NodeId;
import io.hastack.core.spi.fence.FenceDevice;
import io.hastack.core.spi.fence.FenceResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fence agent: a Debian {@code fence_*} agent or any script that follows the same
 * convention. The command is an argv list (never a shell); it receives {@code key=value} lines on
 * standard input: {@code action} ({@code off} by default), {@code plug} and {@code nodename} (the
 * node to fence), then the configured options (e.g. {@code ipaddr}, {@code username},
 * {@code password}). Exit status 0 confirms the fence; anything else, or no exit within the
 * timeout (the agent is then killed), is a failure.
 */
public final class CommandFenceDevice implements FenceDevice {
    private final List<String> command;
    private final String action;
    private final Map<String, String> options;

    private CommandFenceDevice(List<String> command, String action, Map<String, String> options) {
        this.command = List.copyOf(command);
        this.action = action;
        this.options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * A device that runs {@code command} with action {@code off} and the given extra {@code options}
     * (written after action, plug and nodename).
     *
     * @throws IllegalArgumentException if the command is empty or an option has a line break
     */
    public static CommandFenceDevice of(List<String> command, Map<String, String> options) {
        return of(command, "off", options);
    }

    /** As {@link #of(List, Map)} with another action, e.g. {@code reboot}. */
    public static CommandFenceDevice of(List<String> command, String action, Map<String, String> options) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a fence command needs at least the executable");
        }
        Map<String, String> ordered = new LinkedHashMap<>(options);
        ordered.forEach((k, v) -> {
            if ((k + v + action).contains("\n") || k.contains("=")) {
                throw new IllegalArgumentException(
                        "fence option '" + k + "' must be one line, without '=' in its name");
            }
        });
        return new CommandFenceDevice(command, action, ordered);
    }

    @Override
    public FenceResult fence(NodeId node, Duration timeout) {
        StringBuilder stdin = new StringBuilder();
        stdin.append("action=").append(action).append('\n');
        stdin.append("plug=").append(node).append('\n');
        stdin.append("nodename=").append(node).append('\n');
        options.forEach((k, v) -> stdin.append(k).append('=').append(v).append('\n'));
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return FenceResult.failed("cannot run fence agent " + command.get(0) + ": " + e.getMessage());
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // an agent that exits before reading its input is judged by its exit status
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return FenceResult.failed("fence agent " + command.get(0) + " did not finish within "
                        + timeout.toMillis() + " ms; killed it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return FenceResult.failed("interrupted while fencing " + node);
        }
        String output = read(p.getInputStream());
        return p.exitValue() == 0
                ? FenceResult.confirmed(command.get(0) + " " + action + " " + node + " succeeded" + output)
                : FenceResult.failed(
                        command.get(0) + " " + action + " " + node + " exited with " + p.exitValue() + output);
    }

    private static String read(InputStream in) {
        try {
            String text = new String(in.readNBytes(2000), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text.replace('\n', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String describe() {
        return "command " + command.get(0) + " (action " + action + ")";
    }
}
