package io.hastack.membership.jgroups;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.ClusterKey;
import io.hastack.core.spi.membership.MembershipListener;
import io.hastack.core.spi.membership.View;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * In-process JGroups members of one test cluster (its own name, one cluster key, the node names
 * n1, n2 and n3 admitted), closed together.
 */
final class InProcessMembers implements AutoCloseable {
    private final ClusterKey key = ClusterKey.generate();
    private final String cluster;
    private final List<JGroupsMembership> started = new ArrayList<>();

    InProcessMembers(String prefix) {
        this.cluster = prefix + "-" + System.nanoTime();
    }

    /** The JGroups cluster name its members join. */
    String cluster() {
        return cluster;
    }

    /** The in-process stack as the tests' nodes run it. */
    JGroupsConfig standard() {
        return JGroupsConfig.inProcess(key);
    }

    /** The in-process stack with heartbeats and merge checks ten minutes apart: the test drives them. */
    JGroupsConfig quiet() {
        return standard().toBuilder()
                .heartbeat(Duration.ofMinutes(10), Duration.ofMinutes(20))
                .mergeInterval(Duration.ofMinutes(10), Duration.ofMinutes(20))
                .build();
    }

    /** Starts member {@code name} with {@code config}, telling {@code listener}. */
    JGroupsMembership start(String name, JGroupsConfig config, MembershipListener listener) {
        JGroupsMembership m = new JGroupsMembership(NodeId.of(name), cluster, config);
        m.admit(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")));
        m.start(listener);
        started.add(m);
        return m;
    }

    /** How many members {@code m}'s current view has (0 before its first). */
    static int size(JGroupsMembership m) {
        return m.currentView().map(View::members).map(List::size).orElse(0);
    }

    @Override
    public void close() {
        started.forEach(JGroupsMembership::close);
    }
}
