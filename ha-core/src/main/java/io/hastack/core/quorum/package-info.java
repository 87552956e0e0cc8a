/**
 * Quorum: which partition may run resources. Extension point: a {@link
 * io.hastack.core.quorum.QuorumDevice} breaks ties between halves (the role of
 * corosync-qdevice or SBD) and hands out fencing epochs; {@link
 * io.hastack.core.quorum.FileQuorumDevice} implements it on storage every node shares. See {@code
 * docs/safety.md}.
 */
package io.hastack.core.quorum;
