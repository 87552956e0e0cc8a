package io.hastack.server;

import io.hastack.core.runtime.HaNode;
import io.hastack.metrics.HaMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * A node daemon's meters ({@link HaMetrics} and the JVM's memory, GC, threads and CPU), kept in
 * two registries: Prometheus' (scraped through the admin API, {@link #scrape}) and JMX's (MBeans
 * under the domain {@code hastack}, for JConsole, VisualVM or an application server's console).
 */
public final class NodeMetrics implements AutoCloseable {
    /** The JMX domain of the MBeans. */
    public static final String JMX_DOMAIN = "hastack";

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JmxMeterRegistry jmx = new JmxMeterRegistry(
            new JmxConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String domain() {
                    return JMX_DOMAIN;
                }

                @Override
                public Duration step() {
                    return Duration.ofSeconds(10);
                }
            },
            Clock.SYSTEM);
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * Binds {@code node}'s meters and the JVM's to both registries, and follows the node's events and
     * monitor results.
     */
    public NodeMetrics(HaNode node) {
        this(node, true);
    }

    /**
     * As {@link #NodeMetrics(HaNode)}, with the JVM's meters only if {@code jvm} (one set per JVM:
     * nodes that share a JVM, in tests, would register the same MBeans twice).
     */
    public NodeMetrics(HaNode node, boolean jvm) {
        registry.add(prometheus);
        registry.add(jmx);
        HaMetrics metrics = new HaMetrics(node);
        metrics.bindTo(registry);
        if (jvm) {
            new JvmMemoryMetrics().bindTo(registry);
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
        }
        node.addListener(metrics, Runnable::run);
        node.addMonitorListener(metrics, Runnable::run);
    }

    /** The meters in Prometheus' text format. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** Unregisters the MBeans. */
    @Override
    public void close() {
        gc.close();
        registry.close();
        jmx.close();
        prometheus.close();
    }
}
