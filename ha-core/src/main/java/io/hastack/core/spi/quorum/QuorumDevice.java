package io.hastack.core.spi.quorum;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import java.util.Set;

/**
 * A third party every node can reach that breaks ties and hands out fencing epochs: the role of
 * corosync-qdevice, or of SBD on shared storage.
 *
 * <p>The device remembers the last <em>winning partition</em> W. A partition P with exactly half the
 * votes {@link #claimTie claims} the tie: it holds it if W ⊆ P; it loses if W and P are disjoint;
 * otherwise (it shares members with W) it replaces W by P with an atomic compare-and-set. Two
 * halves of a split are disjoint, so at most one wins; and a node that merely crashed holds no
 * lease, so its survivor wins at once. A partition with a majority {@link #recordMajority records}
 * itself as W. Calls block (bounded by the device's own timeouts); the runtime makes them off its
 * event thread. Implementations are thread-safe, and safe between processes.
 */
public interface QuorumDevice extends AutoCloseable {
    /**
     * Claims the tie for {@code partition}, a set of nodes with exactly half the votes.
     *
     * @return true if {@code partition} holds the tie now
     * @throws QuorumDeviceException if the device cannot be reached (treat as lost)
     */
    boolean claimTie(Set<NodeId> partition);

    /**
     * Records {@code partition}, which has a majority, as the winning partition.
     *
     * @throws QuorumDeviceException if the device cannot be reached
     */
    void recordMajority(Set<NodeId> partition);

    /**
     * The next fencing epoch of {@code resource}: greater than every epoch this device (or any other
     * instance on the same store, in any partition) handed out for it before. Starts at 1.
     *
     * @throws QuorumDeviceException if the device cannot be reached
     */
    long nextEpoch(ResourceId resource);

    /** A short description for logs and status, e.g. {@code file /shared/ha}. */
    String describe();

    /** Releases the device's resources. */
    @Override
    void close();
}
