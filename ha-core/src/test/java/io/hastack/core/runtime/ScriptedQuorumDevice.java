package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.TieClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A quorum device whose answers a test sets: whether a tie claim holds, what a claim with epochs
 * throws; it records the calls (for the rules a real device follows, see {@code
 * QuorumDeviceContract} and the tests on {@code FileQuorumDevice}).
 */
final class ScriptedQuorumDevice implements QuorumDevice {
    /** Every claim call, by name, in order. */
    final List<String> calls = new ArrayList<>();

    /** What a tie claim answers. */
    boolean tieWon = true;

    /** If set, what a claim with epochs throws. */
    RuntimeException combinedFailure;

    /** Runs as a claim with epochs begins (a test moves its clock there). */
    Runnable onCombined = () -> {};

    /** If set, what a claim with epochs throws as an error (a broken device, a missing class). */
    Error combinedError;

    /** If true, a claim with epochs answers null (a broken device). */
    boolean answersNull;

    /** If set, what a warm-up throws (a device that breaks its promise not to). */
    RuntimeException warmUpFailure;

    @Override
    public void warmUp(Set<NodeId> partition, Set<ResourceId> resources) {
        calls.add("warmUp " + new java.util.TreeSet<>(partition) + " "
                + new java.util.TreeSet<>(
                        resources.stream().map(ResourceId::value).toList()));
        if (warmUpFailure != null) {
            throw warmUpFailure;
        }
    }

    @Override
    public boolean claimTie(Set<NodeId> partition) {
        calls.add("claimTie");
        return tieWon;
    }

    @Override
    public TieClaim claimTieTakingEpochs(Set<NodeId> partition, Set<ResourceId> resources) {
        calls.add("claimTieTakingEpochs");
        onCombined.run();
        if (combinedFailure != null) {
            throw combinedFailure;
        }
        if (answersNull) {
            return null;
        }
        if (combinedError != null) {
            throw combinedError;
        }
        return QuorumDevice.super.claimTieTakingEpochs(partition, resources);
    }

    @Override
    public void recordMajority(Set<NodeId> partition) {}

    @Override
    public long nextEpoch(ResourceId resource) {
        return 1;
    }

    @Override
    public String describe() {
        return "scripted device";
    }

    @Override
    public void close() {}
}
