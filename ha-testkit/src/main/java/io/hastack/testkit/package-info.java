/**
 * A test kit for HA Stack clusters in one JVM, in the spirit of curator-test: {@link
 * io.hastack.testkit.InProcessCluster} runs nodes on the in-process JGroups stack with a
 * shared file quorum device and fault switches (crash, partition, heal); {@link
 * io.hastack.testkit.Witness} is an external observer whose agents record every start,
 * stop and epoch and whose faults (failing monitor, failing or hanging stop, hanging start) are
 * switched at run time. Used by the tests and the nemesis.
 */
package io.hastack.testkit;
