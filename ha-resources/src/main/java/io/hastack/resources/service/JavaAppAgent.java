package io.hastack.resources.service;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.process.UserAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A Java application server as a managed process: Apache Tomcat ({@code catalina.sh run} on a
 * private {@code CATALINA_BASE}) or any {@code java -jar} application; healthy when its HTTP
 * health URL answers as expected and, optionally, a JMX attribute has the expected value. Start
 * waits until healthy or fails at its timeout.
 *
 * <p>Tomcat: {@code catalina-base} (required for Tomcat; its {@code conf/} holds the ports),
 * {@code catalina-home} ({@code /usr/share/tomcat10} by default), {@code catalina-opts}
 * ({@code CATALINA_OPTS}), {@code java-home} ({@code JAVA_HOME}). Stopped with SIGTERM, which
 * Tomcat handles as a clean shutdown.
 *
 * <p>Jar: {@code jar} (the application), {@code java} (the JVM; this node's by default),
 * {@code java-option.0}, {@code java-option.1}, ... and {@code arg.0}, {@code arg.1}, ... (each one
 * argument, contiguous). Instead of {@code jar}: {@code classpath} (entries separated by {@code :},
 * each must exist) and {@code main-class}.
 *
 * <p>Both: {@code user} (run the server as this account; the node must run as root; validate
 * checks that the account can read the base or the jar and write Tomcat's {@code logs},
 * {@code work} and {@code temp}, answering {@link AgentResult#ERR_PERM} naming the path if not),
 * {@code status-url}, {@code expect-status}, {@code expect-body} (see
 * {@link HealthCheck}), {@code log}, and for a JMX check all of {@code jmx-url}
 * ({@code service:jmx:rmi:///jndi/rmi://127.0.0.1:PORT/jmxrmi}), {@code jmx-object},
 * {@code jmx-attribute} and {@code jmx-expect} (the attribute's value as text).
 */
public final class JavaAppAgent extends ServiceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "java-app";
    /** Where Debian's tomcat10 package installs Tomcat. */
    public static final String DEFAULT_CATALINA_HOME = "/usr/share/tomcat10";

    private static final List<String> JMX = List.of("jmx-url", "jmx-object", "jmx-attribute", "jmx-expect");
    /** Runs JMX checks, each on a daemon thread of its own. */
    private static final java.util.concurrent.ExecutorService JMX_CHECKS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "ha-jmx-check");
                t.setDaemon(true);
                return t;
            });

    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "Runs Tomcat (catalina.sh run) or a java -jar application, healthy when its health URL (and optionally a"
                    + " JMX attribute) says so.",
            List.of(
                    new AgentMetadata.Parameter("status-url", true, "", "the health URL"),
                    new AgentMetadata.Parameter("catalina-base", false, "", "Tomcat: the private CATALINA_BASE"),
                    new AgentMetadata.Parameter("catalina-home", false, DEFAULT_CATALINA_HOME, "Tomcat: CATALINA_HOME"),
                    new AgentMetadata.Parameter("catalina-opts", false, "", "Tomcat: CATALINA_OPTS"),
                    new AgentMetadata.Parameter("java-home", false, "", "Tomcat: JAVA_HOME"),
                    new AgentMetadata.Parameter("jar", false, "", "jar mode: the application jar"),
                    new AgentMetadata.Parameter("classpath", false, "", "instead of jar: the class path"),
                    new AgentMetadata.Parameter("main-class", false, "", "with classpath: the main class"),
                    new AgentMetadata.Parameter("java", false, "this node's JVM", "jar mode: the java executable"),
                    new AgentMetadata.Parameter("java-option.N", false, "", "jar mode: JVM option N"),
                    new AgentMetadata.Parameter("arg.N", false, "", "jar mode: application argument N"),
                    new AgentMetadata.Parameter("expect-status", false, "200", "the status that means healthy"),
                    new AgentMetadata.Parameter("expect-body", false, "", "text a healthy answer contains"),
                    new AgentMetadata.Parameter("jmx-url", false, "", "JMX service URL for the attribute check"),
                    new AgentMetadata.Parameter("jmx-object", false, "", "the MBean's object name"),
                    new AgentMetadata.Parameter("jmx-attribute", false, "", "the attribute"),
                    new AgentMetadata.Parameter("jmx-expect", false, "", "its healthy value, as text"),
                    new AgentMetadata.Parameter(
                            "user", false, "the node's", "run the server as this user (needs" + " root)"),
                    new AgentMetadata.Parameter("log", false, "", "file for the server's stdout and stderr")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(120),
                    Operation.STOP,
                    Duration.ofSeconds(60),
                    Operation.MONITOR,
                    Duration.ofSeconds(20)));

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    @Override
    protected Map<String, String> command(AgentContext ctx) {
        boolean tomcat = ctx.parameter("catalina-base").isPresent();
        boolean jar = ctx.parameter("jar").isPresent();
        boolean classpath = ctx.parameter("classpath").isPresent();
        if ((tomcat ? 1 : 0) + (jar ? 1 : 0) + (classpath ? 1 : 0) != 1) {
            throw new InvalidParameterException(
                    ctx,
                    "set exactly one of 'catalina-base' (Tomcat), 'jar' (java -jar)"
                            + " and 'classpath' (with 'main-class')");
        }
        Map<String, String> p = tomcat ? tomcat(ctx) : java(ctx);
        ctx.parameter("user").ifPresent(u -> p.put("user", u));
        return p;
    }

    /**
     * What the server's account must be able to use, and how: Tomcat reads its base and writes its
     * {@code logs}, {@code work} and {@code temp} (or the base, where they do not exist yet); a
     * Java application reads its jar or class path entries.
     */
    private static Map<Path, UserAccess.Need> needs(AgentContext ctx) {
        Map<Path, UserAccess.Need> needs = new LinkedHashMap<>();
        ctx.parameter("catalina-base").map(Path::of).ifPresent(base -> {
            needs.put(base.resolve("conf/server.xml"), UserAccess.Need.READ);
            for (String dir : List.of("logs", "work", "temp")) {
                needs.put(Files.isDirectory(base.resolve(dir)) ? base.resolve(dir) : base, UserAccess.Need.WRITE);
            }
        });
        ctx.parameter("jar").map(Path::of).ifPresent(jar -> needs.put(jar, UserAccess.Need.READ));
        ctx.parameter("classpath").ifPresent(cp -> {
            for (String entry : cp.split(":")) {
                needs.put(Path.of(entry), UserAccess.Need.READ);
            }
        });
        return needs;
    }

    private static Map<String, String> tomcat(AgentContext ctx) {
        Path base = existingDirectory(ctx, "catalina-base", Parameters.required(ctx, "catalina-base"));
        if (!Files.isRegularFile(base.resolve("conf/server.xml"))) {
            throw new InvalidParameterException(ctx, "catalina-base " + base + " has no conf/server.xml");
        }
        Path home = existingDirectory(
                ctx, "catalina-home", Parameters.optional(ctx, "catalina-home", DEFAULT_CATALINA_HOME));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("argv.0", home.resolve("bin/catalina.sh").toString());
        p.put("argv.1", "run");
        p.put("env.CATALINA_HOME", home.toString());
        p.put("env.CATALINA_BASE", base.toString());
        p.put("env.CATALINA_TMPDIR", base.resolve("temp").toString());
        ctx.parameter("catalina-opts").ifPresent(o -> p.put("env.CATALINA_OPTS", o));
        ctx.parameter("java-home").ifPresent(j -> p.put("env.JAVA_HOME", j));
        p.put("directory", base.toString());
        return p;
    }

    private static Map<String, String> java(AgentContext ctx) {
        List<String> argv = new ArrayList<>();
        argv.add(Parameters.optional(
                ctx, "java", ProcessHandle.current().info().command().orElse("java")));
        argv.addAll(numbered(ctx, "java-option."));
        if (ctx.parameter("jar").isPresent()) {
            Path jar = Path.of(Parameters.required(ctx, "jar"));
            if (!Files.isRegularFile(jar)) {
                throw new InvalidParameterException(ctx, "jar " + jar + " does not exist");
            }
            argv.add("-jar");
            argv.add(jar.toAbsolutePath().toString());
        } else {
            String classpath = Parameters.required(ctx, "classpath");
            for (String entry : classpath.split(":")) {
                if (!Files.exists(Path.of(entry))) {
                    throw new InvalidParameterException(ctx, "classpath entry " + entry + " does not exist");
                }
            }
            String main = Parameters.required(ctx, "main-class");
            if (!main.matches("[A-Za-z_$][A-Za-z0-9_$.]*")) {
                throw new InvalidParameterException(ctx, "parameter 'main-class' is not a class name: '" + main + "'");
            }
            argv.addAll(List.of("-cp", classpath, main));
        }
        argv.addAll(numbered(ctx, "arg."));
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            p.put("argv." + i, argv.get(i));
        }
        return p;
    }

    /** The values of parameters {@code <prefix>0}, {@code <prefix>1}, ... without gaps. */
    private static List<String> numbered(AgentContext ctx, String prefix) {
        List<String> values = new ArrayList<>();
        long count = ctx.parameters().keySet().stream()
                .filter(k -> k.startsWith(prefix))
                .count();
        for (int i = 0; i < count; i++) {
            int index = i;
            values.add(ctx.parameter(prefix + i)
                    .orElseThrow(() -> new InvalidParameterException(
                            ctx,
                            "parameters " + prefix + "N must be numbered 0, 1, ... without gaps; " + prefix + index
                                    + " is missing")));
        }
        return values;
    }

    private static Path existingDirectory(AgentContext ctx, String name, String value) {
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            throw new InvalidParameterException(ctx, name + " " + dir + " does not exist");
        }
        return dir.toAbsolutePath();
    }

    @Override
    protected Optional<AgentOutcome> extraValidation(AgentContext ctx) {
        Optional<String> user = ctx.parameter("user");
        for (Map.Entry<Path, UserAccess.Need> need : needs(ctx).entrySet()) {
            Optional<String> denied = UserAccess.problem(user, need.getKey(), need.getValue());
            if (denied.isPresent()) {
                return Optional.of(AgentOutcome.of(
                        AgentResult.ERR_PERM,
                        "resource " + ctx.resource() + ": the server"
                                + " runs as " + user.map(u -> "user " + u).orElse("the node's user") + ", but "
                                + denied.get()));
            }
        }
        long set = JMX.stream().filter(n -> ctx.parameter(n).isPresent()).count();
        if (set != 0 && set != JMX.size()) {
            return Optional.of(AgentOutcome.of(
                    AgentResult.ERR_CONFIGURED, "resource " + ctx.resource() + ": a JMX check needs all of " + JMX));
        }
        if (set > 0) {
            try {
                new JMXServiceURL(ctx.parameter("jmx-url").orElseThrow());
                new ObjectName(ctx.parameter("jmx-object").orElseThrow());
            } catch (Exception e) {
                return Optional.of(AgentOutcome.of(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": bad JMX parameter: " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    @Override
    protected Optional<String> healthProblem(AgentContext ctx, Duration limit) {
        Optional<String> http = super.healthProblem(ctx, limit);
        return http.isPresent() ? http : jmxProblem(ctx);
    }

    private Optional<String> jmxProblem(AgentContext ctx) {
        if (ctx.parameter("jmx-url").isEmpty()) {
            return Optional.empty();
        }
        String url = ctx.parameter("jmx-url").get();
        String object = ctx.parameter("jmx-object").orElseThrow();
        String attribute = ctx.parameter("jmx-attribute").orElseThrow();
        String expected = ctx.parameter("jmx-expect").orElseThrow();
        // RMI does not always heed interrupts: bound the call on a thread of its own (not the common
        // pool, where another agent's long task would make this check time out).
        CompletableFuture<String> value = CompletableFuture.supplyAsync(
                () -> {
                    // JMX over RMI deserializes the endpoint's answers (BanJNDI): docs/agents.md says
                    // to point jmx-url only at the managed server on loopback.
                    try (@SuppressWarnings("BanJNDI")
                            JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url), null)) {
                        return String.valueOf(
                                c.getMBeanServerConnection().getAttribute(new ObjectName(object), attribute));
                    } catch (Exception e) {
                        throw new IllegalStateException(e.toString(), e);
                    }
                },
                JMX_CHECKS);
        try {
            long limit = Math.max(1, Math.min(5_000, ctx.remaining().toMillis()));
            String actual = value.get(limit, TimeUnit.MILLISECONDS);
            return actual.equals(expected)
                    ? Optional.empty()
                    : Optional.of(
                            "JMX " + object + " " + attribute + " is '" + actual + "', expected '" + expected + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("JMX check interrupted");
        } catch (Exception e) {
            return Optional.of(
                    "JMX " + url + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.toString()));
        }
    }
}
