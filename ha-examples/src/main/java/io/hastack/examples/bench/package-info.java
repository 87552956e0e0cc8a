/**
 * Benchmarks: many trials, percentiles, and a baseline measured in the same run. {@link
 * io.hastack.examples.bench.FailoverBenchmark} times failover after a SIGKILL between two node JVMs.
 */
package io.hastack.examples.bench;
