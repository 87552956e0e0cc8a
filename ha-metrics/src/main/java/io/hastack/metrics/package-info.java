/**
 * Micrometer meters for an HA Stack node ({@link io.hastack.metrics.HaMetrics}): bind them to any
 * {@code MeterRegistry} (Prometheus, JMX, an application's own). Kept out of {@code ha-core} so that
 * the embeddable library depends on no metrics facade; see {@code docs/metrics.md} for the names.
 */
package io.hastack.metrics;
