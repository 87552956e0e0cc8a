/**
 * Benchmarks: many trials, percentiles, and a baseline measured in the same run. {@link
 * io.hastack.examples.bench.FailoverComparison} compares HA Stack's failover with Apache Curator's
 * {@code LeaderLatch} ({@link io.hastack.examples.bench.CuratorCandidate} on a {@link
 * io.hastack.examples.bench.BenchZooKeeper}) phase by phase, under the same faults ({@link
 * io.hastack.examples.bench.Scenario}); {@link io.hastack.examples.bench.Phases} reads the phases
 * from the recorded events, {@link io.hastack.examples.bench.Results} summarizes them and writes the
 * CSV, {@link io.hastack.examples.bench.Plots} draws them. {@link
 * io.hastack.examples.bench.FailoverBenchmark} times failover after a SIGKILL between two node JVMs
 * against a slower verification setting; {@link io.hastack.examples.bench.PlanningBenchmark} times
 * the planner on a large cluster.
 */
package io.hastack.examples.bench;
