package io.hastack.core.spi.quorum;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

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
 * event thread. Implementations are thread-safe, and safe between processes. The runtime claims
 * through {@link #claimTieInTime}, which a device should implement by asking between its read and
 * its write.
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
     * Claims the tie as {@link #claimTie} does and, if it holds, takes the next epoch of each of
     * {@code resources} (named once each) as {@link #nextEpochs} would, so that the coordinator of a
     * partition that wins a tie can start what it expects to start without a second call to the
     * device: a device may do both in one durable write or one transaction. Epochs taken and not
     * used are harmless (epochs only have to increase). By default, {@link #claimTie} and then, if
     * it holds, {@link #nextEpochs}; a failure of the latter leaves the tie held without epochs.
     *
     * @throws QuorumDeviceException if the device cannot be reached (treat the tie as lost)
     */
    default TieClaim claimTieTakingEpochs(Set<NodeId> partition, Set<ResourceId> resources) {
        if (!claimTie(partition)) {
            return TieClaim.LOST;
        }
        if (resources.isEmpty()) {
            return TieClaim.held(Map.of());
        }
        List<ResourceId> named = List.copyOf(resources);
        try {
            List<Long> epochs = nextEpochs(named);
            if (epochs.size() != named.size()) {
                return TieClaim.held(Map.of()); // a device that miscounts: the plan asks again
            }
            Map<ResourceId, Long> taken = new HashMap<>();
            for (int i = 0; i < named.size(); i++) {
                taken.put(named.get(i), epochs.get(i));
            }
            return TieClaim.held(taken);
        } catch (QuorumDeviceException e) {
            return TieClaim.held(Map.of()); // the plan asks for its epochs again
        }
    }

    /**
     * Claims as {@link #claimTieTakingEpochs} does (as {@link #claimTie} if {@code resources} is
     * empty), but only while {@code inTime} holds: the device asks it after it has read the winning
     * partition and before it writes, where nothing can change the winner unnoticed in between
     * (under its lock, or before each write that is conditional on the version read). If it no
     * longer holds, the device writes nothing and throws {@link ClaimTooLateException}. The runtime
     * claims a tie for a partition of several nodes this way: the claim stands for members that
     * answered in the claiming view, and only for so long (see {@code
     * docs/design/quorum-device.md}). By default, asks {@code inTime} once before the claim, which
     * leaves the device's own delays unchecked: a device that can ask between its read and its
     * write should.
     *
     * @throws ClaimTooLateException if {@code inTime} did not hold when asked
     * @throws QuorumDeviceException if the device cannot be reached (treat the tie as lost)
     */
    default TieClaim claimTieInTime(Set<NodeId> partition, Set<ResourceId> resources, BooleanSupplier inTime) {
        if (!inTime.getAsBoolean()) {
            throw new ClaimTooLateException(
                    "the claim for " + partition + " on " + describe() + " is no longer in time");
        }
        if (resources.isEmpty()) {
            return claimTie(partition) ? TieClaim.held(Map.of()) : TieClaim.LOST;
        }
        return claimTieTakingEpochs(partition, resources);
    }

    /**
     * Runs as much of a {@link #claimTieTakingEpochs claim} for {@code partition} with the epochs of
     * {@code resources} as it can without changing what the device holds (no claim, no epoch), so
     * that a process's first real claim, usually in a failover, does not also load and compile its
     * code. The runtime calls it once, off its event thread, after the node joined. Never throws;
     * by default, nothing.
     */
    default void warmUp(Set<NodeId> partition, Set<ResourceId> resources) {}

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

    /**
     * The next fencing epoch of each of {@code resources}, as {@link #nextEpoch} hands them out: the
     * i-th of the result is {@code resources.get(i)}'s, and a resource named twice gets two, the
     * later one greater. A plan's starts take their epochs in one call, so that a device can take
     * them in one durable write (the file device) or one transaction (ZooKeeper) rather than one per
     * start. By default, one {@link #nextEpoch} after another; a failure part way may leave some
     * epochs taken and unused, which is harmless (epochs only have to increase).
     *
     * @throws QuorumDeviceException if the device cannot be reached
     */
    default List<Long> nextEpochs(List<ResourceId> resources) {
        List<Long> epochs = new ArrayList<>(resources.size());
        for (ResourceId r : resources) {
            epochs.add(nextEpoch(r));
        }
        return List.copyOf(epochs);
    }

    /** A short description for logs and status, e.g. {@code file /shared/ha}. */
    String describe();

    /** Releases the device's resources. */
    @Override
    void close();
}
