package io.hastack.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code hastack} command line: a node's status, history and events, and the operator's
 * commands, through the node's admin API ({@link io.hastack.server.api.AdminServer}). {@code
 * hastack --help} lists the commands; every command has {@code --help}. Exit codes: {@value
 * #EXIT_OK} done, {@value #EXIT_REFUSED} the cluster refused the request, {@value #EXIT_USAGE} a
 * usage error, {@value #EXIT_UNREACHABLE} the node cannot be reached or failed.
 */
@Command(
        name = "hastack",
        mixinStandardHelpOptions = true,
        versionProvider = Hastack.Version.class,
        description = "Operates a running HA Stack cluster through a node's admin API.",
        subcommands = {
            Hastack.Status.class,
            Hastack.History.class,
            Hastack.Events.class,
            Hastack.Why.class,
            Hastack.Simulate.class,
            Hastack.Node.class,
            Hastack.Cluster.class,
            Hastack.Resource.class,
            ConfigCommands.GroupCommands.class,
            ConfigCommands.ConstraintCommands.class,
            ConfigCommands.Config.class,
            Hastack.Completion.class,
            CommandLine.HelpCommand.class
        })
public final class Hastack implements Callable<Integer> {
    /** Done. */
    public static final int EXIT_OK = 0;
    /** The cluster refused the request (a 4xx answer). */
    public static final int EXIT_REFUSED = 1;
    /** A usage error: a bad option or argument, an unreadable token file. */
    public static final int EXIT_USAGE = 2;
    /** The node cannot be reached, or it failed (a 5xx answer). */
    public static final int EXIT_UNREACHABLE = 3;

    /** The admin API's address unless {@code --url} or {@code HASTACK_URL} says otherwise. */
    public static final String DEFAULT_URL = "http://127.0.0.1:7870";
    /** The token file unless {@code --token-file} or {@code HASTACK_TOKEN_FILE} says otherwise. */
    public static final String DEFAULT_TOKEN_FILE = "/etc/hastack/admin.token";

    private static final Map<String, String> EXIT_CODES = exitCodes();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "The node's admin API (default: $HASTACK_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description =
                    "The file holding the admin token (default: $HASTACK_TOKEN_FILE, else " + DEFAULT_TOKEN_FILE + ").")
    Path tokenFile;

    @Option(
            names = "--cacert",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "PEM certificate(s) to trust for an https:// URL (a self-signed node certificate).")
    Path caCert;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON answer.")
    boolean json;

    private final Map<String, String> env;
    private final ObjectMapper mapper = new ObjectMapper();

    /** A command line that reads its defaults from {@code env} ({@code HASTACK_URL}, {@code HASTACK_TOKEN_FILE}). */
    public Hastack(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Runs {@code hastack} and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), out, err));
    }

    /**
     * Runs {@code hastack} with {@code args}, printing to {@code out} and {@code err}.
     *
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(env);
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command line, with the exit codes in every command's help. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new Hastack(env));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException c) {
                cmd.getErr().println("hastack: " + c.getMessage());
                return c.exitCode();
            }
            cmd.getErr().println("hastack: unexpected failure: " + e);
            return EXIT_UNREACHABLE;
        });
        List<CommandLine> all = new ArrayList<>();
        collect(cl, all);
        for (CommandLine c : all) {
            c.getCommandSpec()
                    .usageMessage()
                    .exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(EXIT_CODES);
        }
        return cl;
    }

    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        cl.getSubcommands().values().forEach(c -> collect(c, all));
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + EXIT_OK, "done");
        m.put(" " + EXIT_REFUSED, "the cluster refused the request (unknown node or group, wrong token, ...)");
        m.put(" " + EXIT_USAGE, "usage error: a bad option or argument, an unreadable token file");
        m.put(" " + EXIT_UNREACHABLE, "cannot reach the node, or the node failed to answer");
        return m;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command (see hastack --help)");
    }

    // ---- what every command needs ----

    /** The client for the URL and token the options or the environment give. */
    ApiClient client() {
        return new ApiClient(baseUri(), token(), Optional.ofNullable(caCert));
    }

    private URI baseUri() {
        String source = url != null ? "--url" : env.containsKey("HASTACK_URL") ? "HASTACK_URL" : "the default";
        String text = url != null ? url : env.getOrDefault("HASTACK_URL", DEFAULT_URL);
        try {
            URI uri = new URI(text.strip());
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(
                    EXIT_USAGE,
                    "the URL '" + text + "' (from " + source + ") is not usable: " + e.getReason()
                            + "; give the node's admin API as --url http://HOST:PORT (e.g. " + DEFAULT_URL + ")");
        }
    }

    private String token() {
        String source = tokenFile != null
                ? "--token-file"
                : env.containsKey("HASTACK_TOKEN_FILE") ? "HASTACK_TOKEN_FILE" : "the default";
        Path file = tokenFile != null ? tokenFile : Path.of(env.getOrDefault("HASTACK_TOKEN_FILE", DEFAULT_TOKEN_FILE));
        String how = "; give the node's admin token file with --token-file FILE or the environment variable"
                + " HASTACK_TOKEN_FILE";
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new CliException(EXIT_USAGE, "the token file " + file + " (from " + source + ") is empty" + how);
            }
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new CliException(
                        EXIT_USAGE,
                        "the token file " + file + " (from " + source + ") does not hold a token (one word of"
                                + " printable characters)" + how);
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new CliException(
                    EXIT_USAGE,
                    "cannot read the token file " + file + " (from " + source + "): it does not exist" + how);
        } catch (AccessDeniedException e) {
            throw new CliException(
                    EXIT_USAGE,
                    "cannot read the token file " + file + " (from " + source + "): permission denied; run as the"
                            + " node's account, or" + how.substring(1));
        } catch (IOException e) {
            throw new CliException(
                    EXIT_USAGE,
                    "cannot read the token file " + file + " (from " + source + "): " + e.getMessage() + how);
        }
    }

    /** Prints {@code answer} as JSON if {@code --json}, else {@code text}. */
    int print(JsonNode answer, String text) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(text);
        }
        out.flush();
        return EXIT_OK;
    }

    static ObjectNode body() {
        return JsonNodeFactory.instance.objectNode();
    }

    static String seg(String s) {
        return ApiClient.encode(s);
    }

    /** A subcommand: reaches the root's options. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Hastack root() {
            return (Hastack) spec.root().userObject();
        }
    }

    /** A command that only groups subcommands. */
    abstract static class Group extends Sub {
        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "give a subcommand: " + String.join(", ", spec.subcommands().keySet()));
        }
    }

    // ---- the commands ----

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Shows the cluster as the node sees it (all members on the coordinator).")
    static final class Status extends Sub {
        @Option(names = "--watch", description = "Redraw every second until Ctrl-C.")
        boolean watch;

        @Override
        public Integer call() {
            Hastack root = root();
            ApiClient client = root.client();
            if (!watch) {
                JsonNode s = client.get("/status");
                return root.print(s, StatusText.status(s));
            }
            PrintWriter out = spec.commandLine().getOut();
            while (!Thread.currentThread().isInterrupted()) {
                String screen;
                try {
                    JsonNode s = client.get("/status");
                    screen = root.json ? s.toString() + "\n" : StatusText.status(s);
                } catch (CliException e) {
                    screen = "hastack: " + e.getMessage() + "\n";
                }
                out.print((root.json ? "" : "\033[H\033[2J") + Instant.now() + "\n" + screen);
                out.flush();
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // asked to end: the watch ends quietly
                }
            }
            return EXIT_OK;
        }
    }

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Prints the node's latest events, oldest first.")
    static final class History extends Sub {
        @Option(names = "--limit", paramLabel = "N", description = "How many (1-1000, default 100).")
        Integer limit;

        @Override
        public Integer call() {
            JsonNode h = root().client().get("/history" + (limit == null ? "" : "?limit=" + limit));
            List<String> lines = new ArrayList<>();
            h.path("events").forEach(e -> lines.add(StatusText.event(e).stripTrailing()));
            return root().print(h, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
        }
    }

    @Command(
            name = "events",
            mixinStandardHelpOptions = true,
            description = "Follows the node's events as they happen, one per line, until Ctrl-C.")
    static final class Events extends Sub {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            boolean json = root().json;
            root().client().stream("/events", e -> {
                out.print(json ? e + "\n" : StatusText.event(e));
                out.flush();
            });
            return EXIT_OK;
        }
    }

    @Command(
            name = "why",
            mixinStandardHelpOptions = true,
            description = "Shows the placement scores behind where GROUP runs (ask the coordinator).")
    static final class Why extends Sub {
        @Parameters(paramLabel = "GROUP", description = "The group.")
        String group;

        @Override
        public Integer call() {
            JsonNode w = root().client().get("/why/" + seg(group));
            return root().print(w, StatusText.why(w));
        }
    }

    @Command(
            name = "simulate",
            mixinStandardHelpOptions = true,
            description = {
                "Shows what the cluster would do after EVENTs, from its live state, changing nothing"
                        + " (ask the coordinator).",
                "Events: 'node-fails N' (crash), 'node-leaves N' (clean shutdown), 'standby N',"
                        + " 'monitor-fails R on N'."
            })
    static final class Simulate extends Sub {
        @Parameters(paramLabel = "EVENT", arity = "1..*", description = "An event, quoted: \"node-fails node1\".")
        List<String> events;

        @Option(names = "--scores", description = "Also show the placement scores behind every plan.")
        boolean scores;

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.node.ObjectNode b = body();
            com.fasterxml.jackson.databind.node.ArrayNode list = b.putArray("events");
            events.forEach(list::add);
            b.put("scores", scores);
            JsonNode s = root().client().post("/simulate", b);
            return root().print(s, s.path("text").asText());
        }
    }

    @Command(
            name = "node",
            mixinStandardHelpOptions = true,
            description = "Node commands: standby, maintenance, declare-dead; add and remove a node.",
            subcommands = {
                NodeStandby.class,
                NodeUnstandby.class,
                NodeMaintenance.class,
                NodeUnmaintenance.class,
                NodeDeclareDead.class,
                NodeAdd.class,
                NodeRemove.class
            })
    static final class Node extends Group {}

    /** A node flag turned on or off; Admin acts on the node that serves the request. */
    abstract static class NodeFlag extends Sub {
        @Parameters(
                paramLabel = "NODE",
                description = "The node: the one --url reaches, or another member, which is sent the order.")
        String node;

        abstract String flag();

        abstract boolean on();

        @Override
        public Integer call() {
            JsonNode a = root().client().post("/nodes/" + seg(node) + "/" + flag(), body().put("on", on()));
            return root().print(
                            a,
                            node + ": " + flag() + " " + (on() ? "on" : "off")
                                    + (a.has("sentTo")
                                            ? " (sent to " + a.path("sentTo").asText() + ")\n"
                                            : " (now " + a.path("status").asText() + ")\n"));
        }
    }

    @Command(
            name = "standby",
            mixinStandardHelpOptions = true,
            description = "Puts NODE in standby: its groups move away, nothing starts on it.")
    static final class NodeStandby extends NodeFlag {
        @Override
        String flag() {
            return "standby";
        }

        @Override
        boolean on() {
            return true;
        }
    }

    @Command(name = "unstandby", mixinStandardHelpOptions = true, description = "Takes NODE out of standby.")
    static final class NodeUnstandby extends NodeFlag {
        @Override
        String flag() {
            return "standby";
        }

        @Override
        boolean on() {
            return false;
        }
    }

    @Command(
            name = "maintenance",
            mixinStandardHelpOptions = true,
            description = "Puts NODE in maintenance: what runs there is left alone, nothing new is placed there.")
    static final class NodeMaintenance extends NodeFlag {
        @Override
        String flag() {
            return "maintenance";
        }

        @Override
        boolean on() {
            return true;
        }
    }

    @Command(name = "unmaintenance", mixinStandardHelpOptions = true, description = "Takes NODE out of maintenance.")
    static final class NodeUnmaintenance extends NodeFlag {
        @Override
        String flag() {
            return "maintenance";
        }

        @Override
        boolean on() {
            return false;
        }
    }

    @Command(
            name = "declare-dead",
            mixinStandardHelpOptions = true,
            description = "Declares NODE dead (it is known to be down: powered off, VM destroyed): its groups"
                    + " start elsewhere at once. Declaring a live node dead can run its groups twice.")
    static final class NodeDeclareDead extends Sub {
        @Parameters(paramLabel = "NODE", description = "The dead node (not the one --url reaches).")
        String node;

        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "What shows it is down.")
        String reason;

        @Override
        public Integer call() {
            JsonNode a = root().client().post("/nodes/" + seg(node) + "/declare-dead", body().put("reason", reason));
            return root().print(a, node + ": declared dead; told " + a.path("sentTo") + "\n");
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Adds NODE at the end of the cluster's node list, reached at --address (Admin.addNode). The"
                        + " coordinator refuses it while another change of the node list is being committed, or"
                        + " if the members are not a strict majority of both lists.",
                "Once the change is committed (hastack status no longer shows 'node list: changing'), every node's"
                        + " file lists NODE: start NODE with a copy of one (hastack config show > cluster.yaml)."
            })
    static final class NodeAdd extends Sub {
        @Parameters(paramLabel = "NODE", description = "The new node's name.")
        String node;

        @Option(
                names = "--address",
                paramLabel = "HOST:PORT",
                required = true,
                description = "Where the new node's membership listens (its entry under 'nodes' in the file),"
                        + " e.g. 10.0.0.4:7800.")
        String address;

        @Override
        public Integer call() {
            nodeName(spec, node);
            String normalized;
            try {
                normalized = io.hastack.server.config.ConfigFile.normalizeAddress(address);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--address: " + e.getMessage());
            }
            JsonNode a = root().client().post("/nodes/" + seg(node) + "/add", body().put("address", normalized));
            return root().print(
                            a,
                            "added node " + node + " at " + normalized + ": " + nodeList(a) + "then start " + node
                                    + " with a copy of a node's configuration file (hastack config show), once the"
                                    + " change is committed\n");
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Removes NODE from the cluster's node list (Admin.removeNode). Stop NODE first (SIGTERM hands its"
                        + " groups over), and run this against another node's API.",
                "Refused while NODE is a member, for a cluster of two nodes, while a location constraint names"
                        + " NODE (remove it first), and while another change of the node list is being committed."
            })
    static final class NodeRemove extends Sub {
        @Parameters(paramLabel = "NODE", description = "The node, stopped.")
        String node;

        @Override
        public Integer call() {
            nodeName(spec, node);
            JsonNode a = root().client().post("/nodes/" + seg(node) + "/remove", body());
            return root().print(a, "removed node " + node + ": " + nodeList(a));
        }
    }

    /** Refuses a node name the cluster could never hold, before asking the node (a usage error). */
    private static void nodeName(CommandSpec spec, String name) {
        try {
            io.hastack.core.model.NodeId.of(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "NODE '" + name + "': " + e.getMessage());
        }
    }

    /** The version an add or remove made and the node list it holds, one line each. */
    private static String nodeList(JsonNode a) {
        List<String> nodes = new ArrayList<>();
        a.path("nodes").forEach(n -> nodes.add(n.asText()));
        List<String> previous = new ArrayList<>();
        a.path("previousNodes").forEach(n -> previous.add(n.asText()));
        return "configuration version " + a.path("version").asLong() + " (hash "
                + a.path("hash").asText() + ")\n"
                + "  node list " + nodes
                + (previous.isEmpty()
                        ? "\n"
                        : ", changing from " + previous + " until every node of both lists holds this version\n");
    }

    @Command(
            name = "cluster",
            mixinStandardHelpOptions = true,
            description = "Cluster commands: maintenance on|off.",
            subcommands = {ClusterMaintenance.class})
    static final class Cluster extends Group {}

    /** on or off. */
    enum OnOff {
        on,
        off
    }

    @Command(
            name = "maintenance",
            mixinStandardHelpOptions = true,
            description = "Switches the cluster's maintenance mode: while on, nothing is started or stopped anywhere.")
    static final class ClusterMaintenance extends Sub {
        @Parameters(paramLabel = "on|off", description = "on or off.")
        OnOff state;

        @Override
        public Integer call() {
            JsonNode a = root().client().post("/cluster/maintenance", body().put("on", state == OnOff.on));
            return root().print(
                            a,
                            "cluster maintenance " + state + " (ordered at "
                                    + a.path("issued").asText() + ")\n");
        }
    }

    @Command(
            name = "resource",
            mixinStandardHelpOptions = true,
            description = "Resource commands: create, update, delete, enable, disable, show; and a group's move,"
                    + " ban, clear, and cleanup.",
            subcommands = {
                ConfigCommands.ResourceCreate.class,
                ConfigCommands.ResourceUpdate.class,
                ConfigCommands.ResourceDelete.class,
                ConfigCommands.ResourceEnable.class,
                ConfigCommands.ResourceDisable.class,
                ConfigCommands.ResourceShow.class,
                ResourceMove.class,
                ResourceBan.class,
                ResourceClear.class,
                ResourceCleanup.class
            })
    static final class Resource extends Group {}

    /** A move or a ban. */
    abstract static class Order extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group.")
        String group;

        @Parameters(index = "1", paramLabel = "NODE", description = "The node.")
        String node;

        @Option(
                names = "--lifetime",
                paramLabel = "DURATION",
                description = "How long it holds, e.g. 10m, 2h (1s to 365d); until cleared if not given.")
        String lifetime;

        abstract boolean ban();

        @Override
        public Integer call() {
            ObjectNode body = body().put("node", node);
            if (lifetime != null) {
                body.put("lifetime", lifetime);
            }
            JsonNode a = root().client().post("/groups/" + seg(group) + (ban() ? "/ban" : "/move"), body);
            String until =
                    a.path("until").isTextual() ? " until " + a.path("until").asText() : " until cleared";
            return root().print(
                            a,
                            (ban() ? "banned " + group + " from " : "moved " + group + " to ") + node + until + "\n");
        }
    }

    @Command(
            name = "move",
            mixinStandardHelpOptions = true,
            description = "Moves GROUP to NODE (+INFINITY there) until cleared or its lifetime ends.")
    static final class ResourceMove extends Order {
        @Override
        boolean ban() {
            return false;
        }
    }

    @Command(
            name = "ban",
            mixinStandardHelpOptions = true,
            description = "Bans GROUP from NODE (-INFINITY there) until cleared or its lifetime ends.")
    static final class ResourceBan extends Order {
        @Override
        boolean ban() {
            return true;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Clears the move or ban of GROUP.")
    static final class ResourceClear extends Sub {
        @Parameters(paramLabel = "GROUP", description = "The group.")
        String group;

        @Override
        public Integer call() {
            JsonNode a = root().client().post("/groups/" + seg(group) + "/clear", body());
            return root().print(a, "cleared the move or ban of " + group + "\n");
        }
    }

    @Command(
            name = "cleanup",
            mixinStandardHelpOptions = true,
            description = "Forgets the failures of RESOURCE (every resource if none is given) on every node and"
                    + " probes it again.")
    static final class ResourceCleanup extends Sub {
        @Parameters(paramLabel = "RESOURCE", arity = "0..1", description = "The resource; all if not given.")
        String resource;

        @Override
        public Integer call() {
            JsonNode a = root().client()
                    .post(resource == null ? "/resources/cleanup" : "/resources/" + seg(resource) + "/cleanup", body());
            return root().print(
                            a,
                            "cleanup of " + (resource == null ? "every resource" : resource) + " sent to "
                                    + a.path("sentTo") + "\n");
        }
    }

    @Command(
            name = "completion",
            mixinStandardHelpOptions = true,
            description = "Prints a bash completion script: source <(hastack completion)")
    static final class Completion extends Sub {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(AutoComplete.bash("hastack", spec.root().commandLine()));
            out.flush();
            return EXIT_OK;
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Hastack.class.getPackage().getImplementationVersion();
            return new String[] {"hastack " + (v == null ? "(development build)" : v)};
        }
    }
}
