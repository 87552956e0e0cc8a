package io.hastack.resources.service;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.resources.Commands;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * nginx (or any server that takes {@code -c CONFIG -p PREFIX -g 'daemon off;'}) as a managed
 * process, in the foreground, monitored over HTTP.
 *
 * <p>Parameters: {@code config} (the configuration file, required; it should set its own {@code pid}
 * and {@code error_log}, not {@code stderr}); {@code prefix} (the {@code -p} directory, default the
 * configuration's directory); {@code binary} ({@code nginx} on {@code PATH} or {@code /usr/sbin});
 * {@code status-url}, {@code expect-status}, {@code expect-body} (see {@link HealthCheck});
 * {@code log} (file for the server's stdout and stderr). Validate runs {@code nginx -t} on the
 * configuration.
 */
public final class NginxAgent extends ServiceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "nginx";

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Runs nginx in the foreground as a managed process, healthy when its status URL answers.",
            List.of(
                    new AgentMetadata.Parameter("config", true, "", "the nginx configuration file"),
                    new AgentMetadata.Parameter("status-url", true, "", "the URL a healthy server answers"),
                    new AgentMetadata.Parameter("expect-status", false, "200", "the HTTP status that means healthy"),
                    new AgentMetadata.Parameter("expect-body", false, "", "text a healthy answer contains"),
                    new AgentMetadata.Parameter("prefix", false, "the configuration's directory", "nginx -p"),
                    new AgentMetadata.Parameter("binary", false, "nginx", "the nginx executable"),
                    new AgentMetadata.Parameter("log", false, "", "file for the server's stdout and stderr")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(20),
                    Operation.STOP,
                    Duration.ofSeconds(20),
                    Operation.MONITOR,
                    Duration.ofSeconds(10)));

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    private static Path config(AgentContext ctx) {
        Path config = Path.of(Parameters.required(ctx, "config"));
        if (!Files.isRegularFile(config)) {
            throw new InvalidParameterException(ctx, "configuration file " + config + " does not exist");
        }
        return config.toAbsolutePath();
    }

    private static String prefix(AgentContext ctx, Path config) {
        String prefix = Parameters.optional(ctx, "prefix", config.getParent().toString());
        if (!Files.isDirectory(Path.of(prefix))) {
            throw new InvalidParameterException(ctx, "prefix directory " + prefix + " does not exist");
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    protected Map<String, String> command(AgentContext ctx) {
        Path config = config(ctx);
        Map<String, String> p = new LinkedHashMap<>();
        String binary = Parameters.optional(ctx, "binary", "nginx");
        List<String> argv = List.of(
                Commands.locate(binary).map(Path::toString).orElse(binary),
                "-c",
                config.toString(),
                "-p",
                prefix(ctx, config),
                "-g",
                "daemon off;");
        for (int i = 0; i < argv.size(); i++) {
            p.put("argv." + i, argv.get(i));
        }
        return p;
    }

    @Override
    protected Optional<AgentOutcome> extraValidation(AgentContext ctx) {
        Path config = config(ctx);
        String binary = Parameters.optional(ctx, "binary", "nginx");
        Optional<Path> nginx = Commands.locate(binary);
        if (nginx.isEmpty()) {
            return Optional.of(AgentOutcome.of(
                    AgentResult.ERR_INSTALLED,
                    "resource " + ctx.resource() + ": '" + binary
                            + "' is not installed (on Debian: apt-get install nginx)"));
        }
        Commands.Result test = Commands.run(
                List.of(
                        nginx.get().toString(),
                        "-t",
                        "-q",
                        "-c",
                        config.toString(),
                        "-p",
                        prefix(ctx, config),
                        "-g",
                        "daemon off;"),
                ctx.remaining());
        if (!test.ok()) {
            return Optional.of(AgentOutcome.of(
                    AgentResult.ERR_CONFIGURED,
                    "resource " + ctx.resource() + ": nginx -t" + " rejects " + config + ": " + test.describe()));
        }
        return Optional.empty();
    }
}
