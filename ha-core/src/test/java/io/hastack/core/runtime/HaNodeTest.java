package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.MoreExecutors;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.runtime.Messages.Execute;
import io.hastack.core.runtime.Messages.Message;
import io.hastack.core.runtime.Messages.NodeReport;
import io.hastack.core.runtime.Messages.PlanId;
import io.hastack.core.runtime.Messages.Probe;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One real node whose peers are scripted by the test: the test plays the coordinator (n1) and
 * checks what the node (n2) does with plans from the right and the wrong view.
 */
@Tag("unit")
class HaNodeTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final long WAIT_SECONDS =
            io.hastack.testsupport.Timing.seconds(30).toSeconds();

    private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    private final BlockingQueue<HaEvent> events = new LinkedBlockingQueue<>();
    private final ScriptedMembership membership = new ScriptedMembership(N2);
    private final java.util.concurrent.CountDownLatch slowStart = new java.util.concurrent.CountDownLatch(1);
    private HaNode node;

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.halt();
        }
    }

    /** Records each call; validate fails when the resource has parameter invalid=yes. */
    private final class RecordingAgent implements ResourceAgent {
        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata("recording", "", List.of());
        }

        @Override
        public AgentOutcome validate(AgentContext ctx) {
            return ctx.parameter("invalid").isPresent()
                    ? AgentOutcome.of(AgentResult.ERR_CONFIGURED, "parameter 'invalid' is set")
                    : AgentOutcome.success();
        }

        @Override
        public AgentOutcome start(AgentContext ctx) {
            calls.add("start " + ctx.resource());
            if (ctx.parameter("slow").isPresent()) {
                try {
                    slowStart.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome stop(AgentContext ctx) {
            calls.add("stop " + ctx.resource());
            return AgentOutcome.success();
        }

        @Override
        public AgentOutcome monitor(AgentContext ctx) {
            return AgentOutcome.notRunning("");
        }
    }

    /** A recording agent whose metadata declares its parameters: port (required), bind, argv.N. */
    private final class DeclaringAgent implements ResourceAgent {
        private final RecordingAgent recording = new RecordingAgent();

        @Override
        public AgentMetadata metadata() {
            return new AgentMetadata(
                    "declaring",
                    "",
                    List.of(
                            new AgentMetadata.Parameter("port", true, "", "the port"),
                            new AgentMetadata.Parameter("bind", false, "127.0.0.1", "the address"),
                            new AgentMetadata.Parameter("argv.N", false, "", "argument N")));
        }

        @Override
        public AgentOutcome validate(AgentContext ctx) {
            return recording.validate(ctx);
        }

        @Override
        public AgentOutcome start(AgentContext ctx) {
            return recording.start(ctx);
        }

        @Override
        public AgentOutcome stop(AgentContext ctx) {
            return recording.stop(ctx);
        }

        @Override
        public AgentOutcome monitor(AgentContext ctx) {
            return recording.monitor(ctx);
        }
    }

    private static ClusterConfig config(ResourceSpec spec) {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .group(new ResourceGroup(GroupId.of("g"), List.of(spec)))
                .build();
    }

    /** The pause detector's monotonic clock: still unless a test moves it. */
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();

    private final com.google.common.base.Ticker ticker = new com.google.common.base.Ticker() {
        @Override
        public long read() {
            return nanos.get();
        }
    };

    /** The node under test (n2), not started: recording agents, a 1 s pause bound, the test's ticker. */
    private HaNode newNode(ClusterConfig config) {
        return HaNode.builder()
                .config(config)
                .membership(membership)
                .agents(AgentRegistry.builder()
                        .register("recording", s -> new RecordingAgent())
                        .register("declaring", s -> new DeclaringAgent())
                        .build())
                .settings(NodeSettings.builder()
                        .clusterKey(membership.key)
                        .pauseBound(java.time.Duration.ofSeconds(1))
                        .build())
                .ticker(ticker)
                .build();
    }

    private HaNode start(ClusterConfig config) {
        node = newNode(config);
        node.addListener(events::add, MoreExecutors.directExecutor());
        node.start();
        return node;
    }

    private static View view(long sequence, NodeId... members) {
        return new View(new ViewId(members[0], sequence), List.of(members), false);
    }

    private Execute startPlan(ViewId view) {
        return new Execute(
                new PlanId(view, 1),
                List.of(new Action(ActionType.START, N2, GroupId.of("g"), ResourceId.of("r"), "test")),
                node.config().hash());
    }

    private HaEvent awaitEvent(HaEvent.Type type) throws InterruptedException {
        while (true) {
            HaEvent e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(e, "no " + type + " event");
            if (e.type() == type) {
                return e;
            }
        }
    }

    private Message awaitSent(NodeId to) throws Exception {
        while (true) {
            ScriptedMembership.Sent s = membership.sent.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(s, "nothing sent to " + to);
            if (to.equals(s.to())) {
                return membership.read(s.payload());
            }
        }
    }

    /**
     * Regression (issue 12): status() was a round trip to the event thread, so a listener on a
     * direct executor (which addListener's Javadoc offers) that asked for it froze that thread for
     * 10 s and got an exception. It is now a read of a published snapshot.
     */
    @Test
    void aListenerOnTheEventThreadCanAskForTheStatus() throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        node = newNode(config(ResourceSpec.builder("r", "recording").build()));
        node.addListener(
                e -> {
                    if (e.type() == HaEvent.Type.VIEW_INSTALLED) {
                        try {
                            seen.add(node.status());
                        } catch (RuntimeException failed) {
                            seen.add(failed);
                        }
                    }
                },
                MoreExecutors.directExecutor());
        node.addListener(events::add, MoreExecutors.directExecutor());
        node.start();
        View current = view(5, N1, N2, N3);
        membership.install(current);
        Object answer = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(answer instanceof ClusterStatus, String.valueOf(answer));
        assertEquals(
                java.util.Optional.of(current),
                ((ClusterStatus) answer).view(),
                "a listener sees at least what the event tells");
        // The event thread was not held: the next event (the report to the coordinator) follows.
        membership.deliverFrom(N1, new Messages.Probe(current.id()));
        assertTrue(awaitSent(N1) instanceof NodeReport);
        assertEquals(java.util.Optional.of(current), node.status().view(), "published after the view's turn");
    }

    /**
     * A coordinator shares a new view's first picture one share interval after the view, not as it
     * takes the view in: sent then, the shares went out between its probes and the members' reports
     * (at 9 nodes 8 more sealed sends on the failover's path, before the plan). The picture still
     * reaches every member.
     */
    @Test
    void aCoordinatorSharesANewViewsFirstPictureAfterAnIntervalNotWithItsProbes() throws Exception {
        BlockingQueue<List<ScriptedMembership.Sent>> sentByTheView = new LinkedBlockingQueue<>();
        node = newNode(config(ResourceSpec.builder("r", "recording").build()));
        node.addListener(
                e -> {
                    if (e.type() == HaEvent.Type.VIEW_INSTALLED) {
                        sentByTheView.add(List.copyOf(membership.sent)); // on the event thread
                    }
                },
                MoreExecutors.directExecutor());
        node.start();
        nanos.set(java.util.concurrent.TimeUnit.SECONDS.toNanos(10)); // the interval counts from the view
        membership.install(view(5, N2, N1, N3)); // n2 coordinates

        List<ScriptedMembership.Sent> byTheView = sentByTheView.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(byTheView, "no view event");
        List<Message> taken = new java.util.ArrayList<>();
        for (ScriptedMembership.Sent s : byTheView) {
            taken.add(membership.read(s.payload()));
        }
        assertTrue(taken.stream().anyMatch(m -> m instanceof Probe), "the probes go out with the view: " + taken);
        assertTrue(
                taken.stream().noneMatch(m -> m instanceof Messages.StatusShare),
                "no share while the view is taken in: " + taken);
        java.util.Set<NodeId> shared = new java.util.HashSet<>();
        while (shared.size() < 2) {
            ScriptedMembership.Sent s = membership.sent.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(s, "the picture was shared with " + shared + " only");
            if (membership.read(s.payload()) instanceof Messages.StatusShare) {
                shared.add(s.to());
            }
        }
        assertEquals(java.util.Set.of(N1, N3), shared);
    }

    /**
     * Lease requests and answers, five per lease time to every member, go without acknowledgement
     * ({@code Membership.sendPeriodic}); a lost one costs nothing. Everything else stays reliable.
     */
    @Test
    void sendsLeaseRequestsAndAnswersAsPeriodicMessagesAndNothingElse() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        View current = view(5, N1, N2);
        membership.install(current);
        ScriptedMembership.Sent request = membership.periodic.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(request, "the node asks for its lease");
        Messages.LeasePing own = (Messages.LeasePing) membership.read(request.payload());
        assertEquals(current.id(), own.view());

        membership.deliverFrom(
                N1,
                new Messages.LeasePing(
                        current.id(),
                        7,
                        own.leaseMillis(),
                        own.configVersion(),
                        own.configHash(),
                        own.nodes(),
                        own.previousNodes()));
        Messages.LeasePong answer = null;
        while (answer == null) {
            ScriptedMembership.Sent next = membership.periodic.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(next, "the node answers N1's request");
            if (membership.read(next.payload()) instanceof Messages.LeasePong pong) {
                answer = pong;
                assertEquals(N1, next.to());
            }
        }
        assertEquals(new Messages.LeasePong(current.id(), 7), answer);
        assertEquals(0, membership.leaseMessagesSentReliably.get(), "no lease message was sent reliably");
        for (ScriptedMembership.Sent sent : membership.periodic) {
            Messages.Message m = membership.read(sent.payload());
            assertTrue(
                    m instanceof Messages.LeasePing || m instanceof Messages.LeasePong,
                    "only lease messages are periodic: " + m);
        }
    }

    @Test
    void refusesAPlanFromAnEarlierViewAndRunsOneFromItsOwn() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        View old = view(4, N1, N2, N3);
        View current = view(5, N1, N2);
        membership.install(current);

        EventData.ViewInstalled installed = (EventData.ViewInstalled)
                awaitEvent(HaEvent.Type.VIEW_INSTALLED).data();
        assertEquals(current.id(), installed.view(), "events carry typed data");
        assertEquals(List.of(N1, N2), installed.members());

        membership.deliverFrom(N1, startPlan(old.id()));
        HaEvent refused = awaitEvent(HaEvent.Type.ACTION_REFUSED);
        assertTrue(refused.detail().contains("refusing plan 1 of view n1#4"), refused.detail());
        assertEquals(
                java.util.Optional.of(new EventData.PlanRef(old.id(), 1)),
                ((EventData.ActionRefused) refused.data()).plan());

        membership.deliverFrom(N1, startPlan(current.id()));
        assertEquals("start r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        EventData.ActionSucceeded started = (EventData.ActionSucceeded)
                awaitEvent(HaEvent.Type.ACTION_SUCCEEDED).data();
        assertEquals(ActionType.START, started.action());
        assertEquals(ResourceId.of("r"), started.resource());
        // The refused plan never ran: the only call is the one from the current view.
        assertTrue(calls.isEmpty(), calls.toString());
        NodeReport done;
        do {
            done = (NodeReport) awaitSent(N1);
        } while (done.completedPlan() == null);
        assertEquals(new PlanId(current.id(), 1), done.completedPlan());
        assertEquals(ResourceState.RUNNING, done.states().get(ResourceId.of("r")));
    }

    @Test
    void refusesAPlanFromAMemberThatDoesNotCoordinate() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        View current = view(5, N1, N2, N3);
        membership.install(current);

        membership.deliverFrom(N3, startPlan(current.id()));
        HaEvent refused = awaitEvent(HaEvent.Type.ACTION_REFUSED);
        assertTrue(refused.detail().contains("from n3"), refused.detail());
        assertTrue(calls.isEmpty(), calls.toString());
    }

    @Test
    void aPlanForAViewNotYetInstalledWaitsForThatView() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        membership.install(view(5, N1, N2, N3));
        View next = view(6, N1, N2);

        membership.deliverFrom(N1, startPlan(next.id()));
        assertEquals(null, calls.poll(200, TimeUnit.MILLISECONDS), "must wait for view 6");

        membership.install(next);
        assertEquals("start r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void answersAProbeWithItsConfigurationHashAndStates() throws Exception {
        ClusterConfig config = config(ResourceSpec.builder("r", "recording").build());
        start(config);
        View current = view(5, N1, N2);
        membership.install(current);

        membership.deliverFrom(N1, new Probe(current.id()));
        NodeReport report = (NodeReport) awaitSent(N1);
        assertEquals(current.id(), report.view());
        assertEquals(config.hash(), report.configHash());
        assertFalse(report.leaving());
        assertTrue(report.states().isEmpty());
    }

    @Test
    void aMoveIsSentToEveryMemberAndReportedUntilClearedAndMaintenanceIsReported() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        View current = view(5, N1, N2, N3);
        membership.install(current);
        io.hastack.core.spi.plan.Move move = node.admin()
                .move(GroupId.of("g"), N3, java.time.Duration.ofMinutes(10))
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(N3, move.node());
        Messages.MoveOrder toN3 = null;
        NodeReport report = null;
        while (toN3 == null || report == null) {
            ScriptedMembership.Sent sent = membership.sent.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(sent, "no move order to n3 or report with the move to n1");
            Message m = membership.read(sent.payload());
            if (sent.to().equals(N3) && m instanceof Messages.MoveOrder order) {
                toN3 = order;
            } else if (sent.to().equals(N1)
                    && m instanceof NodeReport r
                    && !r.moves().isEmpty()) {
                report = r;
            }
        }
        assertEquals(GroupId.of("g"), toN3.group());
        assertEquals(N3, toN3.move().orElseThrow().node());
        assertTrue(toN3.move().orElseThrow().until().isPresent());
        assertEquals(toN3, report.moves().get(0));

        node.admin().clearMove(GroupId.of("g")).get(WAIT_SECONDS, TimeUnit.SECONDS);
        NodeReport cleared =
                awaitReport(r -> r.moves().stream().allMatch(m -> m.move().isEmpty()));
        assertEquals(1, cleared.moves().size());

        node.admin().clusterMaintenance(true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(awaitReport(r -> r.clusterMaintenance().on())
                .clusterMaintenance()
                .on());

        assertEquals(
                io.hastack.core.spi.plan.NodeStatus.MAINTENANCE,
                node.admin().maintenance(true).get(WAIT_SECONDS, TimeUnit.SECONDS),
                "the command answers with the status it made");
        assertTrue(awaitReport(NodeReport::maintenance).maintenance());
        assertEquals(
                io.hastack.core.spi.plan.NodeStatus.MAINTENANCE,
                node.localState().status());
    }

    @Test
    void aMoveToAnUnknownGroupOrNodeOrWithANegativeLifetimeIsRefused() {
        start(config(ResourceSpec.builder("r", "recording").build()));
        assertEquals(
                "no group nope is configured",
                assertThrows(IllegalArgumentException.class, () -> node.admin().move(GroupId.of("nope"), N1))
                        .getMessage());
        assertEquals(
                "cannot move g to n9: it is not in the node list [n1, n2, n3]",
                assertThrows(IllegalArgumentException.class, () -> node.admin().move(GroupId.of("g"), NodeId.of("n9")))
                        .getMessage());
        assertEquals(
                "lifetime of the ban must be positive, was -1 s (allowed: 1 s to 365 d)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> node.admin().ban(GroupId.of("g"), N1, java.time.Duration.ofSeconds(-1)))
                        .getMessage());
        assertEquals(
                "no resource nope is configured",
                assertThrows(IllegalArgumentException.class, () -> node.admin().cleanup(ResourceId.of("nope")))
                        .getMessage());
    }

    @Test
    void onFailFenceWithoutAFenceDeviceIsRefusedWhenTheNodeIsBuilt() {
        ClusterConfig config = config(ResourceSpec.builder("r", "recording")
                .onFail(io.hastack.core.model.Operation.MONITOR, io.hastack.core.model.OnFail.FENCE)
                .build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HaNode.builder()
                        .config(config)
                        .membership(membership)
                        .agents(AgentRegistry.builder()
                                .register("recording", s -> new RecordingAgent())
                                .build())
                        .settings(NodeSettings.forTesting())
                        .build());
        assertEquals(
                "resource r: on-fail of monitor is fence, but the node has no fence device"
                        + " (HaNode.Builder.fenceDevice)",
                e.getMessage());
    }

    private NodeReport awaitReport(java.util.function.Predicate<NodeReport> wanted) throws Exception {
        while (true) {
            Message m = awaitSent(N1);
            if (m instanceof NodeReport r && wanted.test(r)) {
                return r;
            }
        }
    }

    /** Issue 14: a misspelled parameter (not in the agent's metadata) was accepted silently. */
    @Test
    void aParameterTheAgentDoesNotDeclareIsAWarningNamingTheClosestDeclaredOne() {
        start(config(ResourceSpec.builder("r", "declaring")
                .param("port", "8080")
                .param("bnd", "0.0.0.0")
                .param("argv.1", "x")
                .param("colour", "red")
                .build()));
        assertTrue(membership.started, "a warning does not keep the node from starting");
        List<String> warnings = node.parameterWarnings().stream()
                .map(io.hastack.core.spi.agent.UnknownParameter::message)
                .toList();
        assertEquals(
                List.of(
                        "resource r: parameter 'bnd' is not declared by agent 'declaring'; did you mean 'bind'?",
                        "resource r: parameter 'colour' is not declared by agent 'declaring'; its parameters are"
                                + " port, bind, argv.N"),
                warnings);
    }

    @Test
    void aRequiredParameterThatIsMissingStopsTheNodeEvenIfTheAgentsValidateAcceptsIt() {
        HaConfigurationException e = assertThrows(
                HaConfigurationException.class,
                () -> start(config(ResourceSpec.builder("r", "declaring")
                        .param("prot", "8080")
                        .build())));
        assertEquals(
                "node n2 cannot start: resource r on n2: agent 'declaring' requires parameter port, which the"
                        + " resource does not set",
                e.getMessage());
        assertFalse(membership.started);
        assertEquals(
                java.util.Optional.of("port"),
                node.parameterWarnings().get(0).suggestion(),
                "the misspelling is named too");
    }

    @Test
    void aResourceThatFailsValidationStopsTheNodeFromJoining() {
        HaConfigurationException e = assertThrows(
                HaConfigurationException.class,
                () -> start(config(ResourceSpec.builder("r", "recording")
                        .param("invalid", "yes")
                        .build())));
        assertEquals(
                "node n2 cannot start: resource r on n2: validate says ERR_CONFIGURED (parameter 'invalid' is set)",
                e.getMessage());
        assertFalse(membership.started);
        assertEquals(HaNode.State.FAILED, node.state());
        assertEquals(java.util.Optional.of(e), node.failureCause());
        IllegalStateException notRunning = assertThrows(
                IllegalStateException.class, () -> node.awaitRunning(java.time.Duration.ofSeconds(WAIT_SECONDS)));
        assertEquals(e, notRunning.getCause());
    }

    @Test
    void theLifecycleGoesFromNewToRunningToTerminatedOnce() throws Exception {
        node = newNode(config(ResourceSpec.builder("r", "recording").build()));
        assertEquals(HaNode.State.NEW, node.state());
        node.start();
        node.awaitRunning(java.time.Duration.ofSeconds(WAIT_SECONDS));
        assertEquals(HaNode.State.RUNNING, node.state());
        assertEquals(
                "node n2 is RUNNING; it can be started once",
                assertThrows(IllegalStateException.class, node::start).getMessage());
        node.halt();
        node.awaitTerminated(java.time.Duration.ofSeconds(WAIT_SECONDS));
        assertEquals(HaNode.State.TERMINATED, node.state());
        assertEquals(java.util.Optional.empty(), node.failureCause());
    }

    private ClusterConfig config(io.hastack.core.model.NoQuorumPolicy policy) {
        return ClusterConfig.builder()
                .nodes("n1", "n2", "n3")
                .noQuorumPolicy(policy)
                .group(new ResourceGroup(
                        GroupId.of("g"),
                        List.of(ResourceSpec.builder("r", "recording").build())))
                .build();
    }

    /** Starts r in a quorate view, then leaves the node alone: 1 of 3 votes. */
    private void runThenLoseQuorum(io.hastack.core.model.NoQuorumPolicy policy) throws Exception {
        start(config(policy));
        View quorate = view(5, N1, N2);
        membership.install(quorate);
        membership.deliverFrom(N1, startPlan(quorate.id()));
        assertEquals("start r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        membership.install(view(6, N2));
    }

    @Test
    void withNoQuorumPolicyStopANodeAloneStopsItsResources() throws Exception {
        runThenLoseQuorum(io.hastack.core.model.NoQuorumPolicy.STOP);
        assertEquals("stop r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        HaEvent lost = awaitEvent(HaEvent.Type.QUORUM_LOST);
        assertEquals("no quorum: 1 of 3 votes [n2]; no-quorum-policy=stop", lost.detail());
    }

    @Test
    void withNoQuorumPolicyFreezeANodeAloneKeepsWhatRunsButStartsNothing() throws Exception {
        runThenLoseQuorum(io.hastack.core.model.NoQuorumPolicy.FREEZE);
        HaEvent lost = awaitEvent(HaEvent.Type.QUORUM_LOST);
        assertTrue(lost.detail().endsWith("no-quorum-policy=freeze"), lost.detail());
        assertEquals(null, calls.poll(500, TimeUnit.MILLISECONDS), "nothing is stopped");
        assertEquals(ResourceState.RUNNING, node.localState().state(ResourceId.of("r")));
        assertTrue(
                node.status().notes().isEmpty() && node.status().quorum().startsWith("no quorum"),
                node.status().render());
    }

    @Test
    void withNoQuorumPolicyIgnoreANodeAloneStaysQuorate() throws Exception {
        runThenLoseQuorum(io.hastack.core.model.NoQuorumPolicy.IGNORE);
        assertEquals(null, calls.poll(500, TimeUnit.MILLISECONDS), "nothing is stopped");
        assertEquals(
                "quorate by no-quorum-policy=ignore: 1 of 3 votes [n2]",
                node.status().quorum());
    }

    @Test
    void aStallLongerThanTheBoundStopsLocalResourcesBeforeAnythingElse() throws Exception {
        start(config(ResourceSpec.builder("r", "recording").build()));
        View current = view(5, N1, N2);
        membership.install(current);
        membership.deliverFrom(N1, startPlan(current.id()));
        assertEquals("start r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        // A stall shorter than the bound (an ordinary GC pause) changes nothing.
        nanos.addAndGet(java.time.Duration.ofMillis(800).toNanos());
        assertEquals(null, calls.poll(500, TimeUnit.MILLISECONDS));

        // A longer one (SIGSTOP, a huge GC): the node may have been declared dead.
        nanos.addAndGet(java.time.Duration.ofSeconds(10).toNanos());
        assertEquals("stop r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        HaEvent pause = awaitEvent(HaEvent.Type.PAUSE_DETECTED);
        assertTrue(
                pause.detail().startsWith("stalled for 10000 ms, longer than the safe bound of 1000 ms"),
                pause.detail());
    }

    @Test
    void aPlanWhoseActionIsSupersededStillReportsFinished() throws Exception {
        // Regression (found by a 1,000-fault nemesis run): a pause stopped everything while a start
        // was in flight; the start's result was ignored and the plan never reported finished, so the
        // coordinator waited for it forever and never planned again.
        start(config(ResourceSpec.builder("r", "recording").param("slow", "yes").build()));
        View current = view(5, N1, N2);
        membership.install(current);
        membership.deliverFrom(N1, startPlan(current.id()));
        assertEquals("start r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        nanos.addAndGet(java.time.Duration.ofSeconds(10).toNanos()); // a stall: the node stops everything
        awaitEvent(HaEvent.Type.PAUSE_DETECTED);
        slowStart.countDown();
        assertEquals("stop r", calls.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        NodeReport done;
        do {
            done = (NodeReport) awaitSent(N1);
        } while (done.completedPlan() == null);
        assertEquals(new PlanId(current.id(), 1), done.completedPlan());
    }

    @Test
    void aNodeThatCannotJoinIsClosedAndClosesAtOnce() {
        // Regression: a failed join left the node running, and close() waited for a hand-over that
        // could never come (the 2-minute shutdown timeout).
        membership.refuseToStart = true;
        assertThrows(
                io.hastack.core.spi.membership.MembershipException.class,
                () -> start(config(ResourceSpec.builder("r", "recording").build())));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), node::close);
        assertThrows(IllegalStateException.class, node::start);
    }

    @Test
    void aNodeWithoutAClusterKeyIsRefusedUnlessInsecureIsChosen() {
        ClusterConfig config = config(ResourceSpec.builder("r", "recording").build());
        HaNode.Builder builder = HaNode.builder()
                .config(config)
                .membership(membership)
                .agents(AgentRegistry.builder()
                        .register("recording", s -> new RecordingAgent())
                        .build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("no cluster key"), e.getMessage());
        assertTrue(e.getMessage().contains("insecure()"), e.getMessage());
        builder.settings(NodeSettings.builder().insecure().build()).build();
    }

    @Test
    void anUnknownAgentTypeIsRejectedWhenTheNodeIsBuilt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HaNode.builder()
                        .config(config(ResourceSpec.builder("r", "nginx").build()))
                        .membership(membership)
                        .agents(AgentRegistry.builder()
                                .register("recording", s -> new RecordingAgent())
                                .build())
                        .settings(NodeSettings.forTesting())
                        .build());
        assertEquals("resource r: unknown agent type 'nginx'; known types: [recording]", e.getMessage());
    }
}
