package io.hastack.core.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.MoreExecutors;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.quorum.FileQuorumDevice;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-node cluster whose node n1 runs alone, by the quorum device's tie-break, when its peer n2
 * returns: n1 keeps its group running (it carries its lease into the new view until n2 answers)
 * instead of stopping everything; meanwhile it grants n2 no lease, so the device still gives the
 * tie to n1 alone; once n2 answers, n1 answers n2 and records the new majority. Also, a node that
 * joins warms its planner for being alone, acting on nothing. One real node (n1) with a file quorum
 * device; n2 is scripted.
 */
@Tag("unit")
class PeerRejoinTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);
    private static final Duration LEASE = Duration.ofSeconds(1);

    @TempDir
    Path device;

    private final ScriptedMembership membership = new ScriptedMembership(N1);
    private final Queue<HaEvent> events = new ConcurrentLinkedQueue<>();
    private final Queue<String> calls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private HaNode node;

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.halt();
        }
    }

    /** Runs when started, until stopped; every call is recorded. */
    private final class FlagAgent implements ResourceAgent {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("flag", "", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext ctx) {
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext ctx) {
            calls.add("start");
            running.set(true);
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext ctx) {
            calls.add("stop");
            running.set(false);
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext ctx) {
            return running.get() ? AgentOutcome.success() : AgentOutcome.notRunning("");
        }
    }

    private boolean seen(HaEvent.Type type) {
        return events.stream().anyMatch(e -> e.type() == type);
    }

    private boolean answeredN2() {
        return membership.sent.stream().anyMatch(s -> {
            try {
                return N2.equals(s.to()) && membership.read(s.payload()) instanceof Messages.LeasePong;
            } catch (MalformedMessageException e) {
                return false;
            }
        });
    }

    /** Starts n1 with a file device on {@link #device}. */
    private void startNode() {
        startNode(new io.hastack.core.plan.DefaultPlanner(), true);
    }

    /** Starts n1 with {@code planner}, and a file device on {@link #device} if {@code withDevice}. */
    private void startNode(io.hastack.core.spi.plan.Planner planner, boolean withDevice) {
        HaNode.Builder builder = HaNode.builder()
                .config(ClusterConfig.builder()
                        .nodes("n1", "n2")
                        .group(ResourceGroup.of(
                                "g", ResourceSpec.builder("r", "flag").build()))
                        .build())
                .membership(membership)
                .agents(AgentRegistry.builder()
                        .register("flag", s -> new FlagAgent())
                        .build())
                .settings(NodeSettings.builder()
                        .clusterKey(membership.key)
                        .pauseBound(LEASE)
                        .build())
                .planner(planner);
        if (withDevice) {
            builder.quorumDevice(new FileQuorumDevice(device));
        }
        node = builder.build();
        node.addListener(events::add, MoreExecutors.directExecutor());
        node.start();
    }

    /** n1 alone: it wins the tie and starts the group. */
    private void aloneAndRunning() {
        startNode();
        membership.install(new View(new ViewId(N1, 1), List.of(N1), false));
        await().atMost(WAIT).until(running::get);
        await().atMost(WAIT).until(() -> seen(HaEvent.Type.CONVERGED));
    }

    @Test
    void aPeerThatReturnsDoesNotStopWhatTheNodeRanAloneAndCannotTakeTheTieUntilItAnswers() {
        aloneAndRunning();

        // n2 returns but does not answer n1's lease requests yet; it asks n1 for a lease.
        membership.answerLeases = false;
        View both = new View(new ViewId(N1, 2), List.of(N1, N2), false);
        membership.install(both);
        membership.deliverFrom(
                N2, new Messages.LeasePing(both.id(), 1, LEASE.toMillis(), 0, "h0", List.of(N1, N2), List.of()));
        await().during(LEASE.dividedBy(2))
                .atMost(WAIT)
                .until(() -> running.get() && !seen(HaEvent.Type.LEASE_LOST) && !answeredN2());
        assertEquals(List.of("start"), List.copyOf(calls), "nothing stopped");
        assertFalse(seen(HaEvent.Type.QUORUM_RECORDED), "the new majority is not recorded yet");
        assertFalse(
                new FileQuorumDevice(device).claimTie(Set.of(N2)),
                "n2 alone cannot take the tie from n1 while n1 carries its lease");

        // n2 answers: n1 holds its own lease, answers n2's request and records the new majority.
        membership.answerLeases = true;
        await().atMost(WAIT).until(() -> answeredN2() && seen(HaEvent.Type.QUORUM_RECORDED));
        assertTrue(running.get());
        assertEquals(List.of("start"), List.copyOf(calls), "nothing stopped");
        assertTrue(
                new FileQuorumDevice(device).claimTie(Set.of(N2)),
                "with the majority of both recorded, n2 could take the tie (after waiting for n1's lease)");
    }

    @Test
    void aPeerThatNeverAnswersEndsTheCarriedLeaseAfterOneLeaseTime() {
        aloneAndRunning();
        membership.answerLeases = false;
        View both = new View(new ViewId(N1, 2), List.of(N1, N2), false);
        membership.install(both);
        membership.deliverFrom(
                N2, new Messages.LeasePing(both.id(), 1, LEASE.toMillis(), 0, "h0", List.of(N1, N2), List.of()));
        await().atMost(WAIT).until(() -> seen(HaEvent.Type.LEASE_LOST) && !running.get());
        assertEquals(List.of("start", "stop"), List.copyOf(calls), "stopped once the carried lease ended");
        await().atMost(WAIT).until(this::answeredN2); // the carry is over: n2 may hold a lease now
        assertFalse(new FileQuorumDevice(device).claimTie(Set.of(N2)), "nothing recorded without a lease");
    }

    @Test
    void answersFromTheViewBeforeDoNotLetAMemberRecordTheMajorityOfTheNext() {
        startNode();
        View first = new View(new ViewId(N2, 1), List.of(N2, N1), false);
        membership.install(first);
        await().atMost(WAIT).until(() -> seen(HaEvent.Type.QUORUM_RECORDED));
        events.clear();

        // A new view of the same two nodes whose other member does not answer: n1 still holds its
        // lease by n2's answers in the view before, but records nothing for the new view.
        membership.answerLeases = false;
        membership.install(new View(new ViewId(N2, 2), List.of(N2, N1), false));
        await().during(LEASE.dividedBy(2)).atMost(WAIT).until(() -> !seen(HaEvent.Type.QUORUM_RECORDED));
        membership.answerLeases = true;
        await().atMost(WAIT).until(() -> seen(HaEvent.Type.QUORUM_RECORDED));
    }

    @Test
    void aJoiningNodeWarmsItsPlannerForBeingAloneAndActsOnNothing() {
        java.util.concurrent.atomic.AtomicInteger plans = new java.util.concurrent.atomic.AtomicInteger();
        io.hastack.core.plan.DefaultPlanner real = new io.hastack.core.plan.DefaultPlanner();
        startNode(
                (snapshot, now) -> {
                    plans.incrementAndGet();
                    assertEquals(
                            List.of(N1),
                            snapshot.nodes().stream().map(n -> n.node()).toList());
                    return real.plan(snapshot, now);
                },
                false);
        // No view yet: nothing coordinates, yet the planner is run (for n1 alone) and nothing acts on it.
        await().atMost(WAIT).until(() -> plans.get() >= 20);
        assertEquals(List.of(), List.copyOf(calls), "nothing started");
        assertFalse(seen(HaEvent.Type.PLAN_COMPUTED));
        assertTrue(membership.sent.isEmpty(), "nothing sent");
    }
}
