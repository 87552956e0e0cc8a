package io.hastack.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hastack.core.internal.Durations;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.Score;
import io.hastack.core.model.VersionedConfig;
import io.hastack.server.config.ClusterFile;
import io.hastack.server.config.ConfigException;
import io.hastack.server.config.ConfigFile;
import io.hastack.server.config.ConfigWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The CLI's configuration commands: {@code config show|validate|diff|apply}, and the edits of
 * resources, groups and constraints ({@code resource create|update|delete|show}, {@code group
 * delete}, {@code constraint add|remove|list}). An edit is a read-modify-write: it reads the running
 * configuration file and its version ({@code GET /api/v1/config/file}), edits the model with its
 * builders, writes it into the file's text ({@link ConfigWriter}) and sends it with {@code PUT
 * /api/v1/config?base-version=<the version read>}, so that a change made meanwhile by someone else
 * makes the coordinator refuse this one (exit 1, with its reason) rather than lose the other.
 */
final class ConfigCommands {
    private ConfigCommands() {}

    /** The running configuration as read from the node: its file's text and what it says. */
    record Running(String yaml, ClusterFile file) {
        long version() {
            return file.version();
        }

        ClusterConfig config() {
            return file.config();
        }
    }

    /** A command that reads the running configuration and may change it. */
    abstract static class Edit extends Hastack.Sub {
        Running running(ApiClient client) {
            JsonNode answer = client.get("/config/file");
            String yaml = answer.path("yaml").asText();
            try {
                return new Running(yaml, ConfigFile.parse("the running configuration", yaml, null));
            } catch (ConfigException e) {
                throw new CliException(
                        Hastack.EXIT_UNREACHABLE, "the node answered a configuration this CLI cannot read: " + e);
            }
        }

        /**
         * Sends {@code changed} against the version {@code running} was read at, and prints {@code
         * done} and the version the node holds afterwards.
         */
        int apply(ApiClient client, Running running, ClusterConfig changed, String done) {
            String yaml;
            try {
                yaml = ConfigWriter.render(
                        "the changed configuration",
                        running.yaml(),
                        new VersionedConfig(
                                running.version(), changed, running.file().lineage()),
                        null);
            } catch (ConfigException e) {
                throw new CliException(
                        Hastack.EXIT_REFUSED, "the change cannot be written as a configuration file: " + e.reason());
            }
            JsonNode a = client.yaml("PUT", "/config?base-version=" + running.version(), yaml);
            return root().print(a, done + version(a));
        }
    }

    static String version(JsonNode a) {
        return "configuration version " + a.path("version").asLong() + " (hash "
                + a.path("hash").asText() + ")" + (a.path("changed").asBoolean(true) ? "" : ", unchanged") + "\n";
    }

    /** Reads {@code file}; a file that cannot be read is a usage error. */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(Hastack.EXIT_USAGE, "cannot read " + file + ": it does not exist");
        } catch (IOException e) {
            throw new CliException(Hastack.EXIT_USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Reads and parses {@code file}; a bad one ends with {@code exitCode}, naming its line and column. */
    static ClusterFile parse(Path file, String text, int exitCode) {
        try {
            return ConfigFile.parse(file.toString(), text, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new CliException(exitCode, e.getMessage());
        }
    }

    /** Parses a duration option (a usage error if it does not parse). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses a score option: a whole number or [+-]INFINITY (a usage error otherwise). */
    static final class ScoreConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Score.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --timeout op=duration} options as a map (a usage error for an unknown operation or a bad duration). */
    static Map<Operation, Duration> timeouts(CommandLine cl, Map<String, String> given) {
        Map<Operation, Duration> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        List<String> ops =
                Arrays.stream(Operation.values()).map(Operation::externalName).toList();
        for (Map.Entry<String, String> e : given.entrySet()) {
            Operation op = Arrays.stream(Operation.values())
                    .filter(o -> o.externalName().equals(e.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(
                            cl,
                            "--timeout: '" + e.getKey() + "' is not an operation (one of " + ops + ")"
                                    + ConfigEdit.suggestion(e.getKey(), ops)));
            try {
                out.put(op, Durations.parse(e.getValue()));
            } catch (IllegalArgumentException x) {
                throw new CommandLine.ParameterException(cl, "--timeout " + e.getKey() + ": " + x.getMessage());
            }
        }
        return out;
    }

    // ---- config ----

    @Command(
            name = "config",
            mixinStandardHelpOptions = true,
            description = "The running configuration: show, validate, diff, apply.",
            subcommands = {ConfigShow.class, ConfigValidate.class, ConfigDiff.class, ConfigApply.class, ConfigLint.class
            })
    static final class Config extends Hastack.Group {}

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Prints the running configuration as the node's configuration file (YAML).")
    static final class ConfigShow extends Hastack.Sub {
        @Override
        public Integer call() {
            JsonNode a = root().client().get("/config/file");
            return root().print(a, a.path("yaml").asText());
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Checks FILE as a change of the running configuration would, without making it: the"
                    + " file, and that it keeps what cannot change at run time (the nodes and their addresses,"
                    + " ...). The agents' validate runs only when it is applied.")
    static final class ConfigValidate extends Hastack.Sub {
        @Parameters(paramLabel = "FILE", description = "A whole configuration file.")
        Path file;

        @Override
        public Integer call() {
            String text = read(file);
            parse(file, text, Hastack.EXIT_REFUSED);
            JsonNode a = root().client().yaml("POST", "/config/validate", text);
            return root().print(
                            a,
                            file + ": valid; it " + (a.path("changed").asBoolean() ? "changes" : "does not change")
                                    + " the running configuration (version "
                                    + a.path("version").asLong() + ")\n");
        }
    }

    @Command(
            name = "lint",
            mixinStandardHelpOptions = true,
            description = "Checks a configuration against the timings it runs with: each group's worst-case"
                    + " recovery time (detection, verification, lease wait, starts; or a failing resource's"
                    + " monitor, stops and starts) against its 'rto', and the timeouts that contradict each"
                    + " other. Without FILE, the running configuration. Exits with 0 without warnings, 1 with.")
    static final class ConfigLint extends Hastack.Sub {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "A whole configuration file.")
        Path file;

        @Override
        public Integer call() {
            ClusterFile f = file != null
                    ? parse(file, read(file), Hastack.EXIT_USAGE)
                    : ConfigFile.parse(
                            "the running configuration",
                            root().client().get("/config/file").path("yaml").asText(),
                            null);
            List<io.hastack.core.runtime.ConfigLint.Finding> findings =
                    io.hastack.server.config.Lint.of(f, io.hastack.resources.StandardAgents.registry());
            StringBuilder out = new StringBuilder();
            findings.forEach(x -> out.append(x).append('\n'));
            long warnings = findings.stream()
                    .filter(io.hastack.core.runtime.ConfigLint.Finding::warning)
                    .count();
            out.append(warnings == 0 ? "no warnings\n" : warnings + " warning" + (warnings == 1 ? "" : "s") + "\n");
            spec.commandLine().getOut().print(out);
            spec.commandLine().getOut().flush();
            return warnings == 0 ? Hastack.EXIT_OK : Hastack.EXIT_REFUSED;
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = "Compares the running configuration with FILE's, line by line on their canonical text:"
                    + " '-' lines only the running one has, '+' lines only FILE has. Exits with 0 if they are the"
                    + " same, 1 if they differ, 2 if FILE cannot be read.")
    static final class ConfigDiff extends Hastack.Sub {
        @Parameters(paramLabel = "FILE", description = "A whole configuration file.")
        Path file;

        @Override
        public Integer call() {
            ClusterFile proposed = parse(file, read(file), Hastack.EXIT_USAGE);
            JsonNode a = root().client().get("/config/file");
            ClusterFile running =
                    ConfigFile.parse("the running configuration", a.path("yaml").asText(), null);
            List<String> lines = diff(
                    running.config().canonicalText().lines().toList(),
                    proposed.config().canonicalText().lines().toList());
            PrintWriter out = spec.commandLine().getOut();
            if (lines.isEmpty()) {
                out.println(file + " holds the running configuration (version " + running.version() + ")");
                out.flush();
                return Hastack.EXIT_OK;
            }
            out.println("--- running configuration, version " + running.version() + " (hash "
                    + running.config().hash() + ")");
            out.println("+++ " + file + " (hash " + proposed.config().hash() + ")");
            lines.forEach(out::println);
            out.flush();
            return Hastack.EXIT_REFUSED;
        }
    }

    /** The lines only {@code a} has ({@code -}) and only {@code b} has ({@code +}), in order (a longest common subsequence). */
    static List<String> diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+" + b.get(j++));
            } else {
                out.add("-" + a.get(i++));
            }
        }
        return out;
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = "Makes FILE's resources, groups, constraints and options the running configuration"
                    + " (its version and lineage fields are ignored).")
    static final class ConfigApply extends Hastack.Sub {
        @Parameters(paramLabel = "FILE", description = "A whole configuration file.")
        Path file;

        @Option(
                names = "--base-version",
                paramLabel = "N",
                description = "The version the change was made against: refused if the cluster holds another"
                        + " (default: the version the node holds).")
        Long baseVersion;

        @Override
        public Integer call() {
            String text = read(file);
            parse(file, text, Hastack.EXIT_REFUSED);
            JsonNode a = root().client()
                    .yaml("PUT", "/config" + (baseVersion == null ? "" : "?base-version=" + baseVersion), text);
            return root().print(a, version(a));
        }
    }

    // ---- resources ----

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Adds resource ID to group GROUP (created if it does not exist): it is probed on every"
                    + " node, then started once.")
    static final class ResourceCreate extends Edit {
        @Parameters(paramLabel = "ID", description = "The new resource's id.")
        String id;

        @Option(names = "--agent", paramLabel = "TYPE", required = true, description = "The agent type.")
        String agent;

        @Option(
                names = "--group",
                paramLabel = "GROUP",
                required = true,
                description = "Its group; created if it does not exist.")
        String group;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "An agent parameter (repeatable).")
        Map<String, String> params;

        @Option(
                names = "--monitor-interval",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "How often it is monitored, e.g. 5s (default 10s).")
        Duration monitorInterval;

        @Option(
                names = "--timeout",
                paramLabel = "OP=DURATION",
                description = "An operation's timeout, e.g. start=30s (repeatable; start, stop, monitor, validate).")
        Map<String, String> timeouts;

        @Option(
                names = "--after",
                paramLabel = "RESOURCE",
                description = "Start it after this resource of the group (default: last).")
        String after;

        @Override
        public Integer call() {
            Map<Operation, Duration> ops = timeouts(spec.commandLine(), timeouts);
            ApiClient client = root().client();
            Running running = running(client);
            ResourceSpec made = ConfigEdit.refusedIfInvalid(() -> {
                ResourceSpec.Builder b = ResourceSpec.builder(id, agent);
                if (params != null) {
                    b.params(params);
                }
                if (monitorInterval != null) {
                    b.monitorInterval(monitorInterval);
                }
                ops.forEach(b::timeout);
                return b.build();
            });
            boolean newGroup = running.config().groups().stream()
                    .noneMatch(g -> g.id().value().equals(group));
            ClusterConfig changed = ConfigEdit.add(running.config(), group, made, Optional.ofNullable(after));
            return apply(
                    client,
                    running,
                    changed,
                    "created resource " + id + " in " + (newGroup ? "new group " : "group ") + group + ": ");
        }
    }

    @Command(
            name = "update",
            mixinStandardHelpOptions = true,
            description = "Changes resource ID: a changed parameter restarts it (with what depends on it); an"
                    + " interval or timeout takes effect in place.")
    static final class ResourceUpdate extends Edit {
        @Parameters(paramLabel = "ID", description = "The resource.")
        String id;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Sets a parameter (repeatable).")
        Map<String, String> params;

        @Option(names = "--unset-param", paramLabel = "KEY", description = "Removes a parameter (repeatable).")
        List<String> unset;

        @Option(
                names = "--monitor-interval",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "How often it is monitored, e.g. 5s.")
        Duration monitorInterval;

        @Option(
                names = "--timeout",
                paramLabel = "OP=DURATION",
                description = "An operation's timeout, e.g. start=30s (repeatable).")
        Map<String, String> timeouts;

        @Override
        public Integer call() {
            Map<Operation, Duration> ops = timeouts(spec.commandLine(), timeouts);
            if (params == null && unset == null && monitorInterval == null && ops.isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "give at least one change: --param, --unset-param, --monitor-interval or --timeout");
            }
            ApiClient client = root().client();
            Running running = running(client);
            ResourceSpec was = ConfigEdit.resource(running.config(), id);
            Map<String, String> newParams = new TreeMap<>(was.parameters());
            if (unset != null) {
                for (String k : unset) {
                    if (newParams.remove(k) == null) {
                        throw ConfigEdit.refused("resource " + id + " has no parameter '" + k + "'"
                                + ConfigEdit.suggestion(
                                        k, List.copyOf(was.parameters().keySet()))
                                + " (it has " + was.parameters().keySet() + ")");
                    }
                }
            }
            if (params != null) {
                newParams.putAll(params);
            }
            ResourceSpec made = ConfigEdit.refusedIfInvalid(() -> {
                ResourceSpec.Builder b = ConfigEdit.copy(was, newParams);
                if (monitorInterval != null) {
                    b.monitorInterval(monitorInterval);
                }
                ops.forEach(b::timeout);
                return b.build();
            });
            return apply(client, running, ConfigEdit.replace(running.config(), made), "updated resource " + id + ": ");
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Removes resource ID (it stops first); a group it leaves empty is removed too, with the"
                    + " constraints that name it.")
    static final class ResourceDelete extends Edit {
        @Parameters(paramLabel = "ID", description = "The resource.")
        String id;

        @Override
        public Integer call() {
            ApiClient client = root().client();
            Running running = running(client);
            ClusterConfig c = running.config();
            ConfigEdit.resource(c, id);
            GroupId group = c.groupOf(ResourceId.of(id)).orElseThrow();
            boolean last = c.group(group).orElseThrow().resources().size() == 1;
            List<String> constraints = last ? ConfigEdit.constraintsOf(c, group) : List.of();
            String done = "deleted resource " + id
                    + (last
                            ? "; deleted group " + group + " (it became empty)"
                                    + (constraints.isEmpty() ? "" : " and the constraints naming it " + constraints)
                            : "")
                    + ": ";
            return apply(client, running, ConfigEdit.withoutResource(c, ResourceId.of(id)), done);
        }
    }

    /** Enables or disables a resource (Pacemaker's target-role), as a configuration change. */
    abstract static class ResourceRole extends Edit {
        @Parameters(paramLabel = "ID", description = "The resource.")
        String id;

        abstract boolean enable();

        @Override
        public Integer call() {
            ApiClient client = root().client();
            Running running = running(client);
            ResourceSpec r = ConfigEdit.resource(running.config(), id);
            ResourceSpec changed =
                    ConfigEdit.copy(r, r.parameters()).enabled(enable()).build();
            return apply(
                    client,
                    running,
                    ConfigEdit.replace(running.config(), changed),
                    (enable() ? "enabled " : "disabled ") + id + ": ");
        }
    }

    @Command(
            name = "enable",
            mixinStandardHelpOptions = true,
            description = "Lets resource ID run again (target-role=started): it starts where the planner places it.")
    static final class ResourceEnable extends ResourceRole {
        @Override
        boolean enable() {
            return true;
        }
    }

    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = "Stops resource ID and the members after it in its group, wherever they run, until it is"
                    + " enabled (target-role=stopped).")
    static final class ResourceDisable extends ResourceRole {
        @Override
        boolean enable() {
            return false;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows how resource ID is configured.")
    static final class ResourceShow extends Hastack.Sub {
        @Parameters(paramLabel = "ID", description = "The resource.")
        String id;

        @Override
        public Integer call() {
            JsonNode config = root().client().get("/config");
            List<String> known = new ArrayList<>();
            for (JsonNode g : config.path("groups")) {
                List<JsonNode> resources = new ArrayList<>();
                g.path("resources").forEach(resources::add);
                for (int i = 0; i < resources.size(); i++) {
                    JsonNode r = resources.get(i);
                    known.add(r.path("id").asText());
                    if (r.path("id").asText().equals(id)) {
                        return root().print(r, text(r, g.path("id").asText(), i + 1, resources.size()));
                    }
                }
            }
            throw ConfigEdit.refused("no resource '" + id + "' is configured" + ConfigEdit.suggestion(id, known));
        }

        private static String text(JsonNode r, String group, int position, int of) {
            StringBuilder sb = new StringBuilder();
            sb.append("resource ")
                    .append(r.path("id").asText())
                    .append(" (group ")
                    .append(group)
                    .append(", ")
                    .append(position)
                    .append(" of ")
                    .append(of)
                    .append(")\n");
            sb.append("  agent: ").append(r.path("agent").asText()).append('\n');
            List<String> params = new ArrayList<>();
            r.path("params")
                    .properties()
                    .forEach(e -> params.add(e.getKey() + "=" + e.getValue().asText()));
            sb.append("  params: ")
                    .append(params.isEmpty() ? "-" : String.join(" ", params))
                    .append('\n');
            sb.append("  monitor-interval: ")
                    .append(Durations.format(
                            Duration.ofMillis(r.path("monitorIntervalMs").asLong())))
                    .append('\n');
            List<String> timeouts = new ArrayList<>();
            r.path("timeoutsMs")
                    .properties()
                    .forEach(e ->
                            timeouts.add(e.getKey() + "=" + compact(e.getValue().asLong())));
            sb.append("  timeouts: ")
                    .append(timeouts.isEmpty() ? "defaults" : String.join(" ", timeouts))
                    .append('\n');
            List<String> onFail = new ArrayList<>();
            r.path("onFail")
                    .properties()
                    .forEach(e -> onFail.add(e.getKey() + "=" + e.getValue().asText()));
            if (!onFail.isEmpty()) {
                sb.append("  on-fail: ").append(String.join(" ", onFail)).append('\n');
            }
            sb.append("  managed: ").append(r.path("managed").asBoolean()).append('\n');
            sb.append("  target-role: ")
                    .append(r.path("enabled").asBoolean(true) ? "started" : "stopped")
                    .append('\n');
            return sb.toString();
        }
    }

    /** {@code ms} milliseconds as the configuration file writes a duration: 200ms, 30s, 5m, 2h, 1d. */
    static String compact(long ms) {
        long[] units = {86_400_000, 3_600_000, 60_000, 1000};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }

    // ---- groups ----

    @Command(
            name = "group",
            mixinStandardHelpOptions = true,
            description = "Group commands: delete.",
            subcommands = {GroupDelete.class})
    static final class GroupCommands extends Hastack.Group {}

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Removes group GROUP, its resources (they stop first) and the constraints that name it.")
    static final class GroupDelete extends Edit {
        @Parameters(paramLabel = "GROUP", description = "The group.")
        String group;

        @Override
        public Integer call() {
            ApiClient client = root().client();
            Running running = running(client);
            GroupId id = ConfigEdit.group(running.config(), group);
            List<String> constraints = ConfigEdit.constraintsOf(running.config(), id);
            return apply(
                    client,
                    running,
                    ConfigEdit.withoutGroup(running.config(), id),
                    "deleted group " + group
                            + (constraints.isEmpty() ? "" : " and the constraints naming it " + constraints) + ": ");
        }
    }

    // ---- constraints ----

    @Command(
            name = "constraint",
            mixinStandardHelpOptions = true,
            description = "Constraint commands: add, remove, list.",
            subcommands = {ConstraintAdd.class, ConstraintRemove.class, ConstraintList.class})
    static final class ConstraintCommands extends Hastack.Group {}

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Adds a constraint: prefer, avoid, ban, together, apart, order.",
            subcommands = {
                AddPrefer.class,
                AddAvoid.class,
                AddBan.class,
                AddTogether.class,
                AddApart.class,
                AddOrder.class
            })
    static final class ConstraintAdd extends Hastack.Group {}

    /** Adds one constraint. */
    abstract static class Add extends Edit {
        @Option(
                names = "--id",
                paramLabel = "ID",
                description = "The constraint's id (default: KIND-GROUP-NODE, KIND-GROUP-WITH, order-FIRST-THEN).")
        String id;

        abstract Record constraint(ClusterConfig c);

        abstract String defaultId();

        String id() {
            return id != null ? id : defaultId();
        }

        @Override
        public Integer call() {
            ApiClient client = root().client();
            Running running = running(client);
            Record made = ConfigEdit.refusedIfInvalid(() -> constraint(running.config()));
            return apply(
                    client,
                    running,
                    ConfigEdit.withConstraint(running.config(), made),
                    "added constraint " + id() + ": ");
        }
    }

    /** prefer, avoid or ban: a group's score on a node. */
    abstract static class Location extends Add {
        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The group.")
        String group;

        @Option(names = "--node", paramLabel = "NODE", required = true, description = "The node.")
        String node;

        abstract String kind();

        @Override
        String defaultId() {
            return kind() + "-" + group + "-" + node;
        }
    }

    /** prefer or avoid, with a score. */
    abstract static class Scored extends Location {
        @Option(
                names = "--score",
                paramLabel = "SCORE",
                required = true,
                converter = ScoreConverter.class,
                description = "A whole number or INFINITY.")
        Integer score;
    }

    @Command(name = "prefer", mixinStandardHelpOptions = true, description = "GROUP prefers NODE by SCORE.")
    static final class AddPrefer extends Scored {
        @Override
        String kind() {
            return "prefer";
        }

        @Override
        Record constraint(ClusterConfig c) {
            return LocationConstraint.prefer(id(), ConfigEdit.group(c, group).value(), ConfigEdit.node(c, node), score);
        }
    }

    @Command(name = "avoid", mixinStandardHelpOptions = true, description = "GROUP avoids NODE by SCORE.")
    static final class AddAvoid extends Scored {
        @Override
        String kind() {
            return "avoid";
        }

        @Override
        Record constraint(ClusterConfig c) {
            return LocationConstraint.avoid(id(), ConfigEdit.group(c, group).value(), ConfigEdit.node(c, node), score);
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true, description = "GROUP never runs on NODE (-INFINITY).")
    static final class AddBan extends Location {
        @Override
        String kind() {
            return "ban";
        }

        @Override
        Record constraint(ClusterConfig c) {
            return LocationConstraint.ban(id(), ConfigEdit.group(c, group).value(), ConfigEdit.node(c, node));
        }
    }

    /** together or apart: a group's score for running with another. */
    abstract static class Colocation extends Add {
        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The group placed.")
        String group;

        @Option(names = "--with", paramLabel = "GROUP", required = true, description = "The group it follows.")
        String with;

        @Option(
                names = "--score",
                paramLabel = "SCORE",
                required = true,
                converter = ScoreConverter.class,
                description = "A whole number or INFINITY (mandatory).")
        Integer score;

        abstract String kind();

        @Override
        String defaultId() {
            return kind() + "-" + group + "-" + with;
        }
    }

    @Command(name = "together", mixinStandardHelpOptions = true, description = "GROUP runs where WITH runs.")
    static final class AddTogether extends Colocation {
        @Override
        String kind() {
            return "together";
        }

        @Override
        Record constraint(ClusterConfig c) {
            return ColocationConstraint.together(
                    id(),
                    ConfigEdit.group(c, group).value(),
                    ConfigEdit.group(c, with).value(),
                    score);
        }
    }

    @Command(name = "apart", mixinStandardHelpOptions = true, description = "GROUP runs away from WITH.")
    static final class AddApart extends Colocation {
        @Override
        String kind() {
            return "apart";
        }

        @Override
        Record constraint(ClusterConfig c) {
            return ColocationConstraint.apart(
                    id(),
                    ConfigEdit.group(c, group).value(),
                    ConfigEdit.group(c, with).value(),
                    score);
        }
    }

    /** mandatory or optional. */
    enum Kind {
        mandatory,
        optional
    }

    @Command(name = "order", mixinStandardHelpOptions = true, description = "THEN starts after FIRST.")
    static final class AddOrder extends Add {
        @Option(names = "--first", paramLabel = "GROUP", required = true, description = "The group started first.")
        String first;

        @Option(names = "--then", paramLabel = "GROUP", required = true, description = "The group started then.")
        String then;

        @Option(names = "--kind", paramLabel = "KIND", description = "mandatory (default) or optional.")
        Kind kind = Kind.mandatory;

        @Override
        String defaultId() {
            return "order-" + first + "-" + then;
        }

        @Override
        Record constraint(ClusterConfig c) {
            String a = ConfigEdit.group(c, first).value();
            String b = ConfigEdit.group(c, then).value();
            return kind == Kind.mandatory
                    ? OrderConstraint.mandatory(id(), a, b)
                    : OrderConstraint.optional(id(), a, b);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes constraint ID.")
    static final class ConstraintRemove extends Edit {
        @Parameters(paramLabel = "ID", description = "The constraint (hastack constraint list).")
        String id;

        @Override
        public Integer call() {
            ApiClient client = root().client();
            Running running = running(client);
            List<String> ids = ConfigEdit.constraintIds(running.config());
            if (!ids.contains(id)) {
                throw ConfigEdit.refused("no constraint '" + id + "' is configured" + ConfigEdit.suggestion(id, ids)
                        + (ids.isEmpty() ? " (there are none)" : ""));
            }
            return apply(
                    client,
                    running,
                    ConfigEdit.rebuild(running.config(), running.config().groups(), c -> !c.equals(id)),
                    "removed constraint " + id + ": ");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the constraints.")
    static final class ConstraintList extends Hastack.Sub {
        @Override
        public Integer call() {
            JsonNode config = root().client().get("/config");
            JsonNode c = config.path("constraints");
            List<String[]> rows = new ArrayList<>();
            for (JsonNode l : c.path("locations")) {
                int score = Score.parse(l.path("score").asText());
                String kind = score == -Score.INFINITY ? "ban" : score >= 0 ? "prefer" : "avoid";
                rows.add(new String[] {
                    l.path("id").asText(),
                    kind,
                    l.path("group").asText()
                            + (kind.equals("ban") ? " from " : " on ")
                            + l.path("node").asText()
                            + (kind.equals("ban") ? "" : " (score " + Score.format(Math.abs(score)) + ")")
                });
            }
            for (JsonNode l : c.path("colocations")) {
                int score = Score.parse(l.path("score").asText());
                rows.add(new String[] {
                    l.path("id").asText(),
                    score >= 0 ? "together" : "apart",
                    l.path("group").asText() + " with " + l.path("with").asText() + " (score "
                            + Score.format(Math.abs(score)) + ")"
                });
            }
            for (JsonNode l : c.path("orders")) {
                rows.add(new String[] {
                    l.path("id").asText(),
                    "order",
                    l.path("first").asText() + " then " + l.path("then").asText() + " ("
                            + l.path("kind").asText() + ")"
                });
            }
            StringBuilder sb = new StringBuilder();
            if (rows.isEmpty()) {
                sb.append("no constraints (configuration version ")
                        .append(config.path("version").asLong())
                        .append(")\n");
            } else {
                int width = Math.max(
                        2, rows.stream().mapToInt(r -> r[0].length()).max().orElse(2));
                sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-8s  %s%n", "ID", "KIND", "WHAT"));
                rows.forEach(
                        r -> sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-8s  %s%n", r[0], r[1], r[2])));
            }
            return root().print(c, sb.toString());
        }
    }
}
