package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.membership.View;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A quorum keeper's host for tests: posts run at once, nothing is scheduled, and it expects the
 * same resources to start in every view it is asked about. A test may override what it needs.
 */
class ImmediateQuorumHost implements QuorumKeeper.Host {
    private final Set<ResourceId> expected;
    private final List<View> asked;

    /** Expects {@code expected} to start; adds each view it is asked about to {@code asked}. */
    ImmediateQuorumHost(Set<ResourceId> expected, List<View> asked) {
        this.expected = Set.copyOf(expected);
        this.asked = asked;
    }

    /** Expects nothing to start. */
    ImmediateQuorumHost() {
        this(Set.of(), new ArrayList<>());
    }

    @Override
    public void post(Runnable task) {
        task.run();
    }

    @Override
    public void decided(View view, Quorum previous, Quorum now, String text) {}

    @Override
    public void recorded(View view, String detail) {}

    @Override
    public void schedule(Runnable task, Duration delay) {}

    /** Every member answered in every view, for ever. */
    @Override
    public java.util.OptionalLong answeredUntil(View view, Set<NodeId> members) {
        return java.util.OptionalLong.of(Long.MAX_VALUE);
    }

    @Override
    public Set<ResourceId> startsExpectedIn(View view) {
        asked.add(view);
        return expected;
    }
}
