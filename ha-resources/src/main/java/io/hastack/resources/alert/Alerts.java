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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured alerts for a node's events, as Pacemaker's executor does: each alert that
 * selects the event's kind is called once per recipient (an executable, without a shell, with the
 * event in {@code CRM_alert_*}; see {@link Alert#environment}), or the event is posted as JSON to
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
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ha-alert");
        t.setDaemon(true);
        return t;
    });
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

    /** Calls that ended well, failed (an exit status other than 0, an HTTP error), and timed out. */
    public record Counts(long delivered, long failed, long timedOut) {}

    /** What the calls so far came to. */
    public Counts counts() {
        return new Counts(delivered.get(), failed.get(), timedOut.get());
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
                        Map<String, String> env = alert.environment(spec, recipient, seq, version, nodeId, zone);
                        submit(() -> run(spec, exe, recipient, env));
                    }
                }
            }
        }
    }

    private void submit(Runnable call) {
        try {
            calls.execute(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("alerts are closed; dropping one");
        }
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
                LOG.warn("alert {} (webhook {}) answered HTTP {}", spec.id(), hook.url(), response.statusCode());
            }
        } catch (java.net.http.HttpTimeoutException e) {
            timedOut.incrementAndGet();
            LOG.warn(
                    "alert {} (webhook {}) did not answer within {} ms",
                    spec.id(),
                    hook.url(),
                    spec.timeout().toMillis());
        } catch (java.io.IOException e) {
            failed.incrementAndGet();
            LOG.warn("alert {} (webhook {}) failed: {}", spec.id(), hook.url(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** Waits for running calls up to the longest timeout (as Pacemaker drains them at shutdown), then stops. */
    @Override
    public void close() {
        calls.shutdown();
        long wait = specs.stream().mapToLong(s -> s.timeout().toMillis()).max().orElse(0) + 1000;
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
