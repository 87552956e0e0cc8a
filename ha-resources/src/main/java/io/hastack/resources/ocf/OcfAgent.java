package io.hastack.resources.ocf;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentFactory;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
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
 * Runs an OCF resource agent script unchanged, with the environment Pacemaker's executor gives it
 * ({@code docs/agents.md} has the table): {@code <script> <action>}, never through a shell, with
 * {@code OCF_ROOT}, {@code OCF_RA_VERSION_MAJOR/MINOR}, {@code OCF_RESOURCE_INSTANCE} (the resource
 * id), {@code OCF_RESOURCE_TYPE}, {@code OCF_RESOURCE_PROVIDER}, {@code OCF_EXIT_REASON_PREFIX},
 * one {@code OCF_RESKEY_<name>} per resource parameter, and the operation's meta attributes:
 * {@code OCF_RESKEY_CRM_meta_timeout} and {@code _interval} in milliseconds (the interval is 0
 * except for a recurring monitor, so that {@code ocf_is_probe} is true only for probes),
 * {@code _name} (the operation, except for a probe and validate-all, as Pacemaker), {@code _on_node}
 * and {@code _on_node_uuid} (the node's name), and for a copy of a clone {@code _clone},
 * {@code _clone_max}, {@code _clone_node_max}, {@code _globally_unique} and {@code _notify}.
 *
 * <p>Exit codes 0-7 map to {@link AgentResult} one to one; any other code is a generic error naming
 * it. The message of an outcome is the agent's exit reason (the last {@code ocf-exit-reason:} line
 * it wrote to standard error, prefix removed), else for a failure its last {@code ERROR:} line on
 * standard error, else the last line it wrote (standard output first).
 *
 * <p>Parameters starting with {@code meta.} are for the adapter, not the script: {@code
 * meta.check-level} sets {@code OCF_CHECK_LEVEL} for monitors (Pacemaker's {@code OCF_CHECK_LEVEL}
 * operation attribute, e.g. 20 for a deep check of a file system); {@code meta.trace-file} turns on
 * the agent's shell trace ({@code OCF_TRACE_RA=1}) into that file ({@code OCF_TRACE_FILE});
 * {@code meta.netns} runs the script inside a network namespace ({@code ip netns exec NS}), for
 * containers and tests.
 *
 * <p>{@link #metadata()} runs {@code meta-data} once and parses the XML: parameters with their
 * required flags, defaults and descriptions, and the advised timeouts of start, stop and monitor.
 * {@link #validate} first checks that every required parameter is set (naming the missing ones),
 * then runs {@code validate-all} (an agent without it passes). A script that is missing or not
 * executable gives {@link AgentResult#ERR_INSTALLED} naming it. When the executor's timeout
 * interrupts a call, the script and everything it started in the foreground are killed.
 */
public final class OcfAgent implements ResourceAgent, io.hastack.core.spi.agent.Reloadable {
    /** Where Debian's {@code resource-agents} package installs OCF agents. */
    public static final Path DEFAULT_OCF_ROOT = Path.of("/usr/lib/ocf");

    private static final Logger LOG = LoggerFactory.getLogger(OcfAgent.class);
    private static final String META = "meta.";
    /** What an agent writes before its exit reason (Pacemaker's {@code PCMK_OCF_REASON_PREFIX}). */
    public static final String EXIT_REASON_PREFIX = "ocf-exit-reason:";

    private static final String CRM_META = "OCF_RESKEY_CRM_meta_";

    private final Path ocfRoot;
    private final String provider;
    private final String type;
    private final Path script;
    /** {@code OCF_RESOURCE_INSTANCE} of the meta-data call. */
    private final String metadataInstance;

    private volatile AgentMetadata metadata;

    /**
     * The agent {@code <ocfRoot>/resource.d/<provider>/<type>} for no resource in particular: its
     * meta-data is asked for with the type as the instance name, as {@code crm_resource} does.
     */
    public OcfAgent(Path ocfRoot, String provider, String type) {
        this(ocfRoot, provider, type, type);
    }

    /**
     * The agent {@code <ocfRoot>/resource.d/<provider>/<type>} for resource {@code resource}: its
     * meta-data is asked for with the resource as the instance name, as Pacemaker's controller
     * does, so that defaults derived from it (a pid file's name) are the ones the resource gets.
     */
    public OcfAgent(Path ocfRoot, String provider, String type, String resource) {
        this.ocfRoot = ocfRoot;
        this.provider = provider;
        this.type = type;
        this.script = ocfRoot.resolve("resource.d").resolve(provider).resolve(type);
        this.metadataInstance = resource;
    }

    /** The registry name of an OCF agent, as Pacemaker writes it: {@code ocf:heartbeat:Dummy}. */
    public static String typeName(String provider, String type) {
        return "ocf:" + provider + ":" + type;
    }

    /** A factory for the agent {@code provider}/{@code type} under {@code ocfRoot}. */
    public static AgentFactory factory(Path ocfRoot, String provider, String type) {
        return spec -> new OcfAgent(ocfRoot, provider, type, spec.id().value());
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
                    for (Path a : agents.filter(f -> Files.isRegularFile(f) && Files.isExecutable(f))
                            .sorted()
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

    /** How the script reloads, read with its meta-data; empty until then, or if it cannot. */
    private volatile java.util.Optional<OcfMetadata.Reload> reload = java.util.Optional.empty();

    /**
     * The parameters a {@code reload-agent} (those marked reloadable) or a {@code reload} (those not
     * marked unique) applies, as the meta-data advertises; empty if it advertises neither.
     */
    @Override
    public java.util.Set<String> reloadableParameters() {
        metadata();
        return reload.map(OcfMetadata.Reload::parameters).orElse(java.util.Set.of());
    }

    /** Runs the script's {@code reload-agent} or {@code reload} with the new parameters. */
    @Override
    public AgentOutcome reload(AgentContext ctx) {
        metadata();
        return reload.map(r -> call(ctx, r.action()))
                .orElseGet(() -> AgentOutcome.of(
                        AgentResult.ERR_UNIMPLEMENTED, typeName(provider, type) + " advertises no reload"));
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
        Commands.SplitResult split = run("meta-data", Map.of(), metadataInstance, Duration.ofSeconds(30), "");
        Commands.Result r = split.joined();
        if (r.code() != 0) {
            LOG.warn("{} meta-data failed: {}", script, r.lastLine());
            return new AgentMetadata(typeName(provider, type), "meta-data unavailable: " + r.lastLine(), List.of());
        }
        try {
            AgentMetadata parsed = OcfMetadata.parse(typeName(provider, type), split.stdout());
            reload = OcfMetadata.reload(split.stdout());
            return parsed;
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
        return missing.isEmpty()
                ? java.util.Optional.empty()
                : java.util.Optional.of(AgentOutcome.of(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": " + typeName(provider, type) + " requires parameter"
                                + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)));
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
        return AgentOutcome.of(
                AgentResult.ERR_INSTALLED,
                "OCF agent " + script + " is not installed or not executable"
                        + " (on Debian: apt-get install resource-agents)");
    }

    /**
     * The environment of {@code action} for the call {@code ctx}, beyond what every call gets
     * ({@link #run}): the parameters and the operation's meta attributes, as Pacemaker passes them.
     */
    static Map<String, String> environment(AgentContext ctx, String action) {
        Map<String, String> env = new TreeMap<>();
        ctx.parameters().forEach((k, v) -> {
            if (k.startsWith(META)) {
                if (k.equals(META + "check-level") && ctx.operation() == Operation.MONITOR) {
                    env.put("OCF_CHECK_LEVEL", v);
                } else if (k.equals(META + "trace-file")) {
                    env.put("OCF_TRACE_RA", "1");
                    env.put("OCF_TRACE_FILE", v);
                }
            } else {
                env.put("OCF_RESKEY_" + k, v);
            }
        });
        env.put(CRM_META + "timeout", Long.toString(ctx.timeout().toMillis()));
        env.put(CRM_META + "interval", Long.toString(ctx.interval().toMillis()));
        if (!ctx.isProbe() && ctx.operation() != Operation.VALIDATE) {
            env.put(CRM_META + "name", action);
        }
        env.put(CRM_META + "on_node", ctx.node().value());
        env.put(CRM_META + "on_node_uuid", ctx.node().value());
        ctx.cloneInstance().ifPresent(c -> {
            env.put(CRM_META + "clone", Integer.toString(c.number()));
            env.put(CRM_META + "clone_max", Integer.toString(c.max()));
            env.put(CRM_META + "clone_node_max", Integer.toString(c.nodeMax()));
            env.put(CRM_META + "globally_unique", Boolean.toString(c.globallyUnique()));
            env.put(CRM_META + "notify", Boolean.toString(c.notifies()));
        });
        return env;
    }

    private AgentOutcome call(AgentContext ctx, String action) {
        if (!Files.isExecutable(script)) {
            return notInstalled();
        }
        Commands.SplitResult r = run(
                action,
                environment(ctx, action),
                ctx.resource().value(),
                ctx.remaining(),
                ctx.parameter(META + "netns").orElse(""));
        if (r.code() == Commands.Result.TIMED_OUT) {
            return AgentOutcome.failed(typeName(provider, type) + " " + action + " was stopped after its timeout");
        }
        if (r.code() == Commands.Result.NOT_STARTED) {
            return AgentOutcome.of(AgentResult.ERR_INSTALLED, "cannot run " + script + ": " + r.stdout());
        }
        boolean known = r.code() >= 0 && r.code() <= 7;
        AgentResult result = known ? AgentResult.fromOcfCode(r.code()) : AgentResult.ERR_GENERIC;
        String message = message(r, result == AgentResult.SUCCESS);
        return known
                ? AgentOutcome.of(result, message)
                : AgentOutcome.failed(typeName(provider, type) + " " + action + " exited with " + r.code()
                        + (message.isEmpty() ? "" : ": " + message));
    }

    /**
     * What an agent's call says: the last exit reason on standard error, prefix removed (as
     * Pacemaker reads it); failing that, ours: for a failure, the last {@code ERROR:} line on
     * standard error (from {@code ERROR:} on), else the last line written, standard output first.
     */
    static String message(Commands.SplitResult r, boolean success) {
        List<String> errors =
                r.stderr().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = errors.size() - 1; i >= 0; i--) {
            String line = errors.get(i);
            if (line.startsWith(EXIT_REASON_PREFIX)
                    && !line.substring(EXIT_REASON_PREFIX.length()).isBlank()) {
                return clip(line.substring(EXIT_REASON_PREFIX.length()).strip());
            }
        }
        if (!success) {
            for (int i = errors.size() - 1; i >= 0; i--) {
                int at = errors.get(i).indexOf("ERROR:");
                if (at >= 0) {
                    return clip(errors.get(i).substring(at));
                }
            }
        }
        String out = new Commands.Result(r.code(), r.stdout()).lastLine();
        return !out.isEmpty() || errors.isEmpty() ? out : clip(errors.get(errors.size() - 1));
    }

    private static String clip(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /**
     * Runs {@code script action} with what every OCF call gets (root, version, type, provider,
     * instance, exit-reason prefix) plus {@code extraEnv}, for at most {@code limit}.
     */
    private Commands.SplitResult run(
            String action, Map<String, String> extraEnv, String instance, Duration limit, String netns) {
        Map<String, String> env = new TreeMap<>();
        env.put("OCF_ROOT", ocfRoot.toString());
        env.put("OCF_RESOURCE_TYPE", type);
        env.put("OCF_RESOURCE_PROVIDER", provider);
        env.put("OCF_RA_VERSION_MAJOR", "1");
        env.put("OCF_RA_VERSION_MINOR", "1");
        env.put("OCF_RESOURCE_INSTANCE", instance);
        env.put("OCF_EXIT_REASON_PREFIX", EXIT_REASON_PREFIX);
        env.putAll(extraEnv);
        List<String> argv = new ArrayList<>();
        if (!netns.isEmpty()) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        argv.addAll(List.of(script.toString(), action));
        Commands.SplitResult r = Commands.runSplit(argv, env, limit);
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
