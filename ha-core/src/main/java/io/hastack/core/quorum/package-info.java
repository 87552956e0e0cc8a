/**
 * Quorum devices HA Stack ships: {@link io.hastack.core.quorum.FileQuorumDevice}, a {@link
 * io.hastack.core.spi.quorum.QuorumDevice} on storage every node shares. See {@code docs/safety.md}.
 */
package io.hastack.core.quorum;
