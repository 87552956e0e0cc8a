package io.hastack.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.spi.check.ServiceCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A group's service check closes its failover's timeline: after the group's last start on a node,
 * the node asks the check until it answers and records {@code SERVICE_ANSWERING}. The "service" is
 * the witness: it answers on a node once both resources run there, and only from the third ask on
 * (a service that takes a moment to warm up).
 */
@Tag("functional")
class ServiceCheckTest {
    private static final GroupId GROUP = GroupId.of("web-group");

    private final InProcessCluster cluster = new InProcessCluster();
    private final Map<NodeId, AtomicInteger> asks = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void theServiceAnswersOnTheNodeThatTookTheGroupAfterItsLastStart() {
        cluster.serviceCheck(GROUP, node -> new ServiceCheck() {
            @Override
            public String target() {
                return "witness:" + node;
            }

            @Override
            public boolean answers(Duration timeout) {
                boolean runs = cluster.witness.runningOn("app").contains(node)
                        && cluster.witness.runningOn("web").contains(node);
                return runs
                        && asks.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet() >= 3;
            }
        });
        ClusterConfig config = ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(ResourceGroup.of(
                        "web-group",
                        ResourceSpec.builder("app", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build(),
                        ResourceSpec.builder("web", "witness")
                                .monitorInterval(Duration.ofMillis(200))
                                .build()))
                .build();
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.start(n, config);
        }
        cluster.awaitView(3);
        NodeId first = await().atMost(InProcessCluster.WAIT)
                .until(() -> answered(null), e -> e != null)
                .node();

        cluster.crash(first.value());

        HaEvent answer = await().atMost(InProcessCluster.WAIT).until(() -> answered(first), e -> e != null);
        NodeId survivor = answer.node();
        assertEquals(cluster.witness.runningOn("web"), java.util.Set.of(survivor));
        EventData.ServiceAnswering data = (EventData.ServiceAnswering) answer.data();
        assertEquals(GROUP, data.group());
        assertEquals("witness:" + survivor, data.target());
        assertEquals("web-group", answer.subject());
        // After the last start there: the answer's time minus its delay is no earlier than that start.
        Instant lastStart = new java.util.ArrayList<>(cluster.events)
                .stream()
                        .filter(e -> e.node().equals(survivor)
                                && e.data() instanceof EventData.ActionSucceeded a
                                && a.action() == io.hastack.core.spi.plan.ActionType.START)
                        .map(HaEvent::time)
                        .max(Instant::compareTo)
                        .orElseThrow();
        assertTrue(!answer.time().isBefore(lastStart), answer + " before " + lastStart);
        assertTrue(asks.get(survivor).get() >= 3, "asked until it answered: " + asks);
        // One answer per start: it stays one while the check would have gone on asking.
        await().during(Duration.ofMillis(600))
                .atMost(InProcessCluster.WAIT)
                .until(() -> new java.util.ArrayList<>(cluster.events)
                                .stream()
                                        .filter(e ->
                                                e.node().equals(survivor) && e.type() == HaEvent.Type.SERVICE_ANSWERING)
                                        .count()
                        == 1);
    }

    /** The first SERVICE_ANSWERING of a node other than {@code not}, or null. */
    private HaEvent answered(NodeId not) {
        return new java.util.ArrayList<>(cluster.events)
                .stream()
                        .filter(e -> e.type() == HaEvent.Type.SERVICE_ANSWERING
                                && !e.node().equals(not))
                        .findFirst()
                        .orElse(null);
    }
}
