package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.HaNode;
import io.hastack.core.runtime.MessageCounts;
import io.hastack.core.runtime.MessageKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Within a view the coordinator shares its whole-cluster picture with the members at most once
 * per 200 ms ({@code NodeRuntime.SHARE_INTERVAL}), and the last change of a burst still reaches
 * them: a group's move changes the picture with every
 * state change and report, which used to send a share each time.
 */
@Tag("functional")
class StatusShareTest {
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private final InProcessCluster cluster = new InProcessCluster();

    @AfterEach
    void tearDown() {
        cluster.closeAfterCheckingTheWitness();
    }

    private static ResourceSpec witness(String id) {
        return ResourceSpec.builder(id, "witness")
                .monitorInterval(Duration.ofMillis(200))
                .build();
    }

    private static long sharesSent(HaNode node) {
        MessageCounts.Traffic t = node.messageCounts().sent().get(MessageKind.STATUS_SHARE);
        return t == null ? 0 : t.messages();
    }

    @Test
    void aMoveSendsTheMembersAFewSharesAndTheLastPictureReachesThem() throws Exception {
        ResourceGroup group = ResourceGroup.of("web-group", witness("a"), witness("b"), witness("c"), witness("web"));
        ClusterConfig config =
                ClusterConfig.builder().nodes("n1", "n2", "n3").group(group).build();
        cluster.witness.checkExclusiveStarts();
        NODES.forEach(n -> cluster.start(n, config));
        cluster.awaitView(3);
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("web").size() == 1);
        NodeId from = cluster.witness.runningOn("web").iterator().next();
        NodeId to = NODES.stream()
                .map(NodeId::of)
                .filter(n -> !n.equals(from))
                .findFirst()
                .orElseThrow();
        HaNode coordinator = cluster.node(
                cluster.coordinatorStatus().view().orElseThrow().coordinator().value());
        // Every member shows the picture before the move: the share of the start went out.
        await().atMost(InProcessCluster.WAIT)
                .until(() -> NODES.stream()
                        .map(n -> cluster.node(n).status())
                        .allMatch(s -> s.runningOn(ResourceId.of("web")).equals(List.of(from))));

        long start = System.nanoTime();
        long before = sharesSent(coordinator);
        coordinator.admin().move(GroupId.of("web-group"), to).get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        // The move's last picture reaches every member, by a share at the end of its interval.
        await().atMost(InProcessCluster.WAIT)
                .until(() -> NODES.stream()
                        .map(n -> cluster.node(n).status())
                        .allMatch(s -> List.of("a", "b", "c", "web").stream()
                                .allMatch(r -> s.runningOn(ResourceId.of(r)).equals(List.of(to)))));
        long sent = sharesSent(coordinator) - before;
        long elapsed = System.nanoTime() - start;
        // Two members, at most one share each per interval begun, plus the one at the start, and
        // one more for a scheduled share that a busy event thread ran late.
        long bound = 2 * (elapsed / INTERVAL.toNanos() + 3);
        assertTrue(sent <= bound, sent + " shares in " + elapsed / 1_000_000 + " ms; at most " + bound);
        assertTrue(sent >= 2, "the move's picture was shared: " + sent);
    }
}
