package io.hastack.resources.ocf;

import io.hastack.core.agent.AgentContext;
import io.hastack.core.agent.AgentFactory;
import io.hastack.core.agent.AgentMetadata;
import io.hastack.core.agent.AgentOutcome;
import io.hastack.core.agent.AgentRegistry;
import io.hastack.core.agent.AgentResult;
import io.hastack.core.agent.ResourceAgent;
import io.hastack.core.model.Operation;
import io.hastack.resources.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an OCF resource agent script unchanged, as Pacemaker does: {@code <script> <action>} with
 * {@code OCF_ROOT}, {@code OCF_RESOURCE_INSTANCE} (the resource id), {@code OCF_RESOURCE_TYPE},
 * {@code OCF_RESOURCE_PROVIDER}, {@code OCF_RESKEY_CRM_meta_timeout} and one
 * {@code OCF_RESKEY_<name>} per resource parameter, never through a shell. Exit codes 0-7 map to
 * {@link AgentResult} one to one; any other code is a generic error naming it. The message of an
 * outcome is the last line the script printed.
 *
 * <p>Parameters starting with {@code meta.} are for the adapter, not the script: {@code
 * meta.check-level} sets {@code OCF_CHECK_LEVEL} for monitors (Pacemaker's {@code OCF_CHECK_LEVEL}
 * operation attribute, e.g. 20 for a deep check of a file system); {@code meta.netns} runs the
 * script inside a network namespace ({@code ip netns exec NS}), for containers and tests.
 *
 * <p>{@link #metadata()} runs {@code meta-data} once and parses the XML: parameters with their
 * required flags, defaults and descriptions, and the advised timeouts of start, stop and monitor.
 * {@link #validate} first checks that every required parameter is set (naming the missing ones),
 * then runs {@code validate-all} (an agent without it passes). A script that is missing or not
 * executable gives {@link AgentResult#ERR_INSTALLED} naming it. When the executor's timeout
 * interrupts a call, the script and everything it started in the foreground are killed.
 */
public final class OcfAgent implements ResourceAgent {
    /** Where Debian's {@code resource-agents} package installs OCF agents. */
    public static final Path DEFAULT_OCF_ROOT = Path.of("/usr/lib/ocf");

    private static final Logger LOG = LoggerFactory.getLogger(OcfAgent.class);
    private static final String META = "meta.";

    private final Path ocfRoot;
    private final String provider;
    private final String type;
    private final Path script;
    private volatile AgentMetadata metadata;

    /** The agent {@code <ocfRoot>/resource.d/<provider>/<type>}. */
    public OcfAgent(Path ocfRoot, String provider, String type) {
        this.ocfRoot = ocfRoot;
        this.provider = provider;
        this.type = type;
        this.script = ocfRoot.resolve("resource.d").resolve(provider).resolve(type);
    }

    /** The registry name of an OCF agent, as Pacemaker writes it: {@code ocf:heartbeat:Dummy}. */
    public static String typeName(String provider, String type) {
        return "ocf:" + provider + ":" + type;
    }

    /** A factory for the agent {@code provider}/{@code type} under {@code ocfRoot}. */
    public static AgentFactory factory(Path ocfRoot, String provider, String type) {
        return spec -> new OcfAgent(ocfRoot, provider, type);
    }

    /**
     * Registers every executable agent under {@code <ocfRoot>/resource.d/<provider>/} as
     * {@code ocf:<provider>:<type>}; nothing if the directory does not exist.
     *
     * @return the names registered, sorted
     */
    public static List<String> registerAll(AgentRegistry.Builder registry, Path ocfRoot) {
        List<String> names = new ArrayList<>();
        Path base = ocfRoot.resolve("resource.d");
        if (!Files.isDirectory(base)) {
            return names;
        }
        try (Stream<Path> providers = Files.list(base)) {
            for (Path p : providers.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> agents = Files.list(p)) {
                    for (Path a : agents.filter(f -> Files.isRegularFile(f) && Files.isExecutable(f)).sorted()
                            .toList()) {
                        String provider = p.getFileName().toString();
                        String type = a.getFileName().toString();
                        registry.register(typeName(provider, type), factory(ocfRoot, provider, type));
                        names.add(typeName(provider, type));
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list OCF agents under " + base, e);
        }
        return names;
    }

    @Override
    public AgentMetadata metadata() {
        AgentMetadata m = metadata;
        if (m == null) {
            m = loadMetadata();
            metadata = m;
        }
        return m;
    }

    private AgentMetadata loadMetadata() {
        Commands.Result r = run("meta-data", Map.of(), "metadata", Duration.ofSeconds(30), "");
        if (r.code() != 0) {
            LOG.warn("{} meta-data failed: {}", script, r.lastLine());
            return new AgentMetadata(typeName(provider, type), "meta-data unavailable: " + r.lastLine(), List.of());
        }
        try {
            return OcfMetadata.parse(typeName(provider, type), r.output());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}", e.getMessage());
            return new AgentMetadata(typeName(provider, type), "meta-data unreadable: " + e.getMessage(), List.of());
        }
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        if (!Files.isExecutable(script)) {
            return notInstalled();
        }
        java.util.Optional<AgentOutcome> missing = missingRequired(ctx);
        if (missing.isPresent()) {
            return missing.get();
        }
        AgentOutcome outcome = call(ctx, "validate-all");
        return outcome.result() == AgentResult.ERR_UNIMPLEMENTED ? AgentOutcome.success("no validate-all") : outcome;
    }

    /** The outcome naming the required parameters (per the meta-data) that {@code ctx} lacks, if any. */
    private java.util.Optional<AgentOutcome> missingRequired(AgentContext ctx) {
        List<String> missing = new ArrayList<>();
        for (String required : metadata().requiredParameters()) {
            if (ctx.parameter(required).filter(v -> !v.isEmpty()).isEmpty()) {
                missing.add(required);
            }
        }
        return missing.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(AgentOutcome.of(
                AgentResult.ERR_CONFIGURED, "resource " + ctx.resource() + ": " + typeName(provider, type)
                        + " requires parameter" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)));
    }

    /**
     * Runs {@code start}. The parameters were checked against the meta-data by {@link #validate},
     * which a node runs for every resource before it joins, hence before any start.
     */
    @Override
    public AgentOutcome start(AgentContext ctx) {
        return call(ctx, "start");
    }

    @Override
    public AgentOutcome stop(AgentContext ctx) {
        return call(ctx, "stop");
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        return call(ctx, "monitor");
    }

    private AgentOutcome notInstalled() {
        return AgentOutcome.of(AgentResult.ERR_INSTALLED, "OCF agent " + script + " is not installed or not executable"
                + " (on Debian: apt-get install resource-agents)");
    }

    private AgentOutcome call(AgentContext ctx, String action) {
        if (!Files.isExecutable(script)) {
            return notInstalled();
        }
        Map<String, String> env = new TreeMap<>();
        ctx.parameters().forEach((k, v) -> {
            if (k.startsWith(META)) {
                if (k.equals(META + "check-level") && ctx.operation() == Operation.MONITOR) {
                    env.put("OCF_CHECK_LEVEL", v);
                }
            } else {
                env.put("OCF_RESKEY_" + k, v);
            }
        });
        env.put("OCF_RESOURCE_INSTANCE", ctx.resource().value());
        env.put("OCF_RESKEY_CRM_meta_timeout", Long.toString(ctx.timeout().toMillis()));
        Commands.Result r = run(action, env, ctx.resource().value(), ctx.remaining(),
                ctx.parameter(META + "netns").orElse(""));
        if (r.code() == Commands.Result.TIMED_OUT) {
            return AgentOutcome.failed(typeName(provider, type) + " " + action + " was stopped after its timeout");
        }
        if (r.code() == Commands.Result.NOT_STARTED) {
            return AgentOutcome.of(AgentResult.ERR_INSTALLED, "cannot run " + script + ": " + r.output());
        }
        if (r.code() >= 0 && r.code() <= 7) {
            return AgentOutcome.of(AgentResult.fromOcfCode(r.code()), r.lastLine());
        }
        return AgentOutcome.failed(typeName(provider, type) + " " + action + " exited with " + r.code() + ": "
                + r.lastLine());
    }

    /** Runs {@code script action} with the OCF environment, for at most {@code limit}. */
    private Commands.Result run(String action, Map<String, String> extraEnv, String instance, Duration limit,
            String netns) {
        Map<String, String> env = new TreeMap<>();
        env.put("OCF_ROOT", ocfRoot.toString());
        env.put("OCF_RESOURCE_TYPE", type);
        env.put("OCF_RESOURCE_PROVIDER", provider);
        env.put("OCF_RA_VERSION_MAJOR", "1");
        env.put("OCF_RA_VERSION_MINOR", "1");
        env.put("OCF_RESOURCE_INSTANCE", instance);
        env.putAll(extraEnv);
        List<String> argv = new ArrayList<>();
        if (!netns.isEmpty()) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        argv.addAll(List.of(script.toString(), action));
        Commands.Result r = Commands.run(argv, env, limit);
        if (r.code() == Commands.Result.TIMED_OUT) {
            LOG.warn("{} {}: killed the agent script and its descendants at the timeout", script, action);
        }
        return r;
    }

    @Override
    public String toString() {
        return typeName(provider, type) + " (" + script + ")";
    }
}
