package io.hastack.resources.service;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any server given as a command (and whatever configuration its arguments name), run in the
 * foreground as a managed child and checked over HTTP: the process agent's parameters
 * ({@code argv.N}, {@code env.NAME}, {@code directory}, {@code user}, {@code log}) plus
 * {@code status-url}, {@code expect-status} and {@code expect-body}. Start returns once healthy.
 */
public final class HttpServiceAgent extends ServiceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "http-service";

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Runs any server command in the foreground, healthy when its status URL answers.",
            List.of(
                    new AgentMetadata.Parameter("argv.0", true, "", "the server's executable"),
                    new AgentMetadata.Parameter("argv.N", false, "", "argument N (1, 2, ... without gaps)"),
                    new AgentMetadata.Parameter("status-url", true, "", "the URL a healthy server answers"),
                    new AgentMetadata.Parameter("expect-status", false, "200", "the HTTP status that means healthy"),
                    new AgentMetadata.Parameter("expect-body", false, "", "text a healthy answer contains"),
                    new AgentMetadata.Parameter("env.NAME", false, "", "environment variable NAME"),
                    new AgentMetadata.Parameter("directory", false, "the node's", "working directory"),
                    new AgentMetadata.Parameter("user", false, "the node's", "run as this user (needs root)"),
                    new AgentMetadata.Parameter("log", false, "", "file for the server's stdout and stderr")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(60),
                    Operation.STOP,
                    Duration.ofSeconds(20),
                    Operation.MONITOR,
                    Duration.ofSeconds(10)));

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    @Override
    protected Map<String, String> command(AgentContext ctx) {
        Map<String, String> p = new LinkedHashMap<>();
        ctx.parameters().forEach((k, v) -> {
            if (k.startsWith("argv.") || k.startsWith("env.") || k.equals("directory") || k.equals("user")) {
                p.put(k, v);
            }
        });
        return p;
    }
}
