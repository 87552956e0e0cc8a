package io.hastack.resources.alert;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaEventListener;
import io.hastack.core.runtime.HaNode;
import io.hastack.resources.Commands;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured alerts for a node's events, as Pacemaker's executor does: each alert that
 * selects the event's kind is called once per recipient (an executable, without a shell, with the
 * event in {@code CRM_alert_*}, see {@link Alert#environment}, and the alert's {@link
 * AlertSpec#attributes()} in its environment, over the node's own), or the event is posted as JSON to
 * its webhook. Calls run on threads of their own, in parallel, never on the node's: a call that
 * outlives its timeout is killed with its descendants; a failure or timeout is logged and counted,
 * and nothing else happens. Register it with {@link HaNode#addListener} (any executor: it only
 * hands the work over).
 */
public final class Alerts implements HaEventListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final List<AlertSpec> specs;
    private final Supplier<ClusterConfig> config;
    private final String version;
    private final ZoneId zone;
    /** Alert calls at once, at most; more wait in a queue of {@link #BACKLOG}, beyond which they are dropped. */
    static final int PARALLEL = 8;

    /** Calls that may wait. */
    static final int BACKLOG = 1000;

    private final AtomicLong dropped = new AtomicLong();
    private final java.util.concurrent.ThreadPoolExecutor calls = new java.util.concurrent.ThreadPoolExecutor(
            PARALLEL,
            PARALLEL,
            30,
            TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(BACKLOG),
            r -> {
                Thread t = new Thread(r, "ha-alert");
                t.setDaemon(true);
                return t;
            },
            (task, pool) -> {
                if (!pool.isShutdown() && dropped.incrementAndGet() % 100 == 1) {
                    LOG.warn("alerts fall behind: {} calls waiting; {} dropped so far", BACKLOG, dropped.get());
                }
            });

    {
        calls.allowCoreThreadTimeOut(true);
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    /**
     * @param config the node's configuration now (node numbers, monitor intervals)
     * @param zone the time zone of {@code CRM_alert_timestamp} (Pacemaker uses local time)
     */
    public Alerts(List<AlertSpec> specs, Supplier<ClusterConfig> config, ZoneId zone) {
        this.specs = List.copyOf(specs);
        this.config = config;
        this.zone = zone;
        String v = Alerts.class.getPackage().getImplementationVersion();
        this.version = "hastack-" + (v == null ? "dev" : v);
    }

    /** The alerts {@code specs} for {@code node}'s events, in the system's time zone. */
    public static Alerts forNode(HaNode node, List<AlertSpec> specs) {
        return new Alerts(specs, () -> node.configuration().config(), ZoneId.systemDefault());
    }

    /**
     * Calls that ended well, failed (an exit status other than 0, an HTTP error), timed out, and
     * were dropped because too many waited.
     */
    public record Counts(long delivered, long failed, long timedOut, long dropped) {}

    /** What the calls so far came to. */
    public Counts counts() {
        return new Counts(delivered.get(), failed.get(), timedOut.get(), dropped.get());
    }

    @Override
    public void onEvent(HaEvent event) {
        if (specs.isEmpty()) {
            return;
        }
        ClusterConfig c = config.get();
        for (Alert alert : Alert.of(
                event, r -> c.resource(r).map(ResourceSpec::monitorInterval).orElse(Duration.ZERO))) {
            int nodeId = c.nodes().indexOf(alert.node()) + 1;
            for (AlertSpec spec : specs) {
                if (!spec.select().contains(alert.kind())) {
                    continue;
                }
                if (spec.target() instanceof AlertSpec.Webhook hook) {
                    long seq = sequence.incrementAndGet();
                    submit(() -> post(spec, hook, alert.environment(spec, "", seq, version, nodeId, zone)));
                } else {
                    AlertSpec.Executable exe = (AlertSpec.Executable) spec.target();
                    for (String recipient : spec.recipients().isEmpty() ? List.of("") : spec.recipients()) {
                        long seq = sequence.incrementAndGet();
                        Map<String, String> env = new LinkedHashMap<>(spec.attributes());
                        env.putAll(alert.environment(spec, recipient, seq, version, nodeId, zone));
                        submit(() -> run(spec, exe, recipient, env));
                    }
                }
            }
        }
    }

    private void submit(Runnable call) {
        calls.execute(call); // beyond the backlog, or once closed: dropped by the pool's handler
    }

    private void run(AlertSpec spec, AlertSpec.Executable exe, String recipient, Map<String, String> env) {
        Commands.Result r = Commands.run(List.of(exe.path().toString()), env, spec.timeout());
        if (r.ok()) {
            delivered.incrementAndGet();
        } else if (r.code() == Commands.Result.TIMED_OUT) {
            timedOut.incrementAndGet();
            LOG.warn(
                    "alert {} ({} for {}) was killed after its timeout of {} ms",
                    spec.id(),
                    exe.path(),
                    recipient.isEmpty() ? "no recipient" : recipient,
                    spec.timeout().toMillis());
        } else {
            failed.incrementAndGet();
            LOG.warn(
                    "alert {} ({} for {}) failed: {}",
                    spec.id(),
                    exe.path(),
                    recipient.isEmpty() ? "no recipient" : recipient,
                    r.describe());
        }
    }

    private void post(AlertSpec spec, AlertSpec.Webhook hook, Map<String, String> env) {
        StringBuilder json = new StringBuilder("{");
        env.forEach((k, v) -> {
            if (k.startsWith("CRM_alert_")) {
                json.append(json.length() > 1 ? "," : "")
                        .append(quote(k.substring("CRM_alert_".length())))
                        .append(':')
                        .append(quote(v));
            }
        });
        json.append('}');
        HttpRequest request = HttpRequest.newBuilder(hook.url())
                .timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.toString()))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
            } else {
                failed.incrementAndGet();
                LOG.warn("alert {} (webhook {}) answered HTTP {}", spec.id(), shown(hook), response.statusCode());
            }
        } catch (java.net.http.HttpTimeoutException e) {
            timedOut.incrementAndGet();
            LOG.warn(
                    "alert {} (webhook {}) did not answer within {} ms",
                    spec.id(),
                    shown(hook),
                    spec.timeout().toMillis());
        } catch (java.io.IOException e) {
            failed.incrementAndGet();
            LOG.warn(
                    "alert {} (webhook {}) failed: {}",
                    spec.id(),
                    shown(hook),
                    e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The webhook without its query and user information, which may hold a secret, for logs. */
    private static String shown(AlertSpec.Webhook hook) {
        java.net.URI u = hook.url();
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + u.getPath();
    }

    /** {@code s} as a JSON string. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Waits a little for running calls (as Pacemaker drains them at shutdown, but at most 5 s, so that
     * a hung alert does not hold a node's shutdown), then stops them.
     */
    @Override
    public void close() {
        calls.shutdown();
        long wait = Math.min(
                5000,
                specs.stream().mapToLong(x -> x.timeout().toMillis()).max().orElse(0) + 1000);
        try {
            if (!calls.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                calls.shutdownNow();
            }
        } catch (InterruptedException e) {
            calls.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** For logs. */
    @Override
    public String toString() {
        return "Alerts" + specs.stream().map(AlertSpec::id).toList();
    }
}
