/**
 * A Jepsen-style nemesis for HA Stack in one JVM: {@link io.hastack.examples.nemesis.Nemesis} runs a
 * randomized, seeded fault schedule against an in-process cluster and checks safety and recovery;
 * {@link io.hastack.examples.nemesis.NemesisRun} is its command line.
 */
package io.hastack.examples.nemesis;
