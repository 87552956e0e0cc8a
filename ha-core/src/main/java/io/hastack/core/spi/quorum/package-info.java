/**
 * Extension point: a quorum device ({@link io.hastack.core.spi.quorum.QuorumDevice}) breaks ties
 * between halves of a cluster (the role of corosync-qdevice or SBD) and hands out fencing epochs.
 * HA Stack ships a file device ({@code io.hastack.core.quorum.FileQuorumDevice}) and a ZooKeeper
 * one ({@code ha-membership}). See {@code docs/safety.md}.
 */
package io.hastack.core.spi.quorum;
