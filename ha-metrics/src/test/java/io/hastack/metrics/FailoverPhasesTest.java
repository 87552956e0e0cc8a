package io.hastack.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.membership.ViewId;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The phases of failovers told by made-up events, each timed from the failover's start. */
@Tag("unit")
class FailoverPhasesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final ViewId BEFORE = new ViewId(N1, 2);
    private static final ViewId AFTER = new ViewId(N2, 3);
    private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");
    private static final ResourceId WEB = ResourceId.of("web");

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final FailoverPhases phases = new FailoverPhases(registry, "n2");

    private void at(long millis, EventData data) {
        phases.onEvent(new HaEvent(T0.plusMillis(millis), N2, data, "", ""));
    }

    private double phase(String name) {
        Timer t = registry.find("hastack.failover.phase").tag("phase", name).timer();
        if (t == null) {
            return -1;
        }
        assertEquals(1, t.count(), name + " once per failover");
        return t.totalTime(TimeUnit.MILLISECONDS);
    }

    private static EventData succeeded(ActionType type) {
        return new EventData.ActionSucceeded(type, WEB, Duration.ofMillis(3), AgentOutcome.success(), false);
    }

    private static EventData plan() {
        return new EventData.PlanComputed(
                AFTER,
                List.of(),
                List.of(new Action(ActionType.START, N2, GroupId.of("g"), WEB, "n1 left", 1)),
                List.of(),
                Duration.ofNanos(300_000));
    }

    @Test
    void aMemberRemovedOnSuspicionAndFencedShowsEveryPhaseOfTheCoordinator() {
        at(0, new EventData.ViewInstalled(BEFORE, List.of(N1, N2, N3), List.of(), List.of()));
        at(1000, new EventData.MemberSuspected(N1));
        at(1300, new EventData.ViewInstalled(AFTER, List.of(N2, N3), List.of(N1), List.of()));
        at(1310, new EventData.TakeoverWait(AFTER, List.of(N1), Duration.ofSeconds(4)));
        at(1800, new EventData.NodeFenced(N1, "crashed"));
        at(1810, plan());
        at(1820, succeeded(ActionType.STOP));
        at(1830, succeeded(ActionType.START));
        at(1840, new EventData.Converged(AFTER, List.of(), Duration.ofNanos(100_000)));

        assertEquals(0, phase("detected"));
        assertEquals(300, phase("view"));
        assertEquals(800, phase("fence"));
        assertEquals(800, phase("verified"), "a confirmed fence is a confirmed death");
        assertEquals(800, phase("lease"), "the fence of the only node waited for ends the wait early");
        assertEquals(810, phase("plan"));
        assertEquals(820, phase("stop"));
        assertEquals(830, phase("start"));
        assertEquals(840, phase("converged"));
        assertEquals(-1, phase("answering"), "no answer yet");
        at(1900, new EventData.ServiceAnswering(GroupId.of("g"), "http://127.0.0.1:8080/", Duration.ofMillis(70)));
        assertEquals(900, phase("answering"), "the service's answer after convergence ends its failover");
        at(2500, new EventData.ServiceAnswering(GroupId.of("g"), "http://127.0.0.1:8080/", Duration.ofMillis(5)));
        assertEquals(900, phase("answering"), "a later answer (a restart in place) is not this failover's");
        assertEquals(-1, phase("quorum"), "the decision did not change");
        assertEquals(4000, registry.get("hastack.failover.lease.wait").timer().totalTime(TimeUnit.MILLISECONDS));
        assertEquals(1, registry.get("hastack.failovers").counter().count());
    }

    @Test
    void aLeaseWaitNotCutShortEndsWhenAnnouncedAndADeathOfAMemberStartsAFailover() {
        at(0, new EventData.ViewInstalled(BEFORE, List.of(N1, N2, N3), List.of(), List.of()));
        at(1000, new EventData.DeathConfirmed(N1, "its process exited"));
        at(1100, new EventData.ViewInstalled(AFTER, List.of(N2, N3), List.of(N1), List.of()));
        at(1110, new EventData.TakeoverWait(AFTER, List.of(N1, N3), Duration.ofMillis(500)));
        at(1200, new EventData.DeathConfirmed(N1, "declared dead"));
        assertEquals(-1, phase("lease"), "n3's lease is still awaited");
        at(1700, plan());
        at(1750, new EventData.Converged(AFTER, List.of(), Duration.ZERO));

        assertEquals(0, phase("detected"));
        assertEquals(0, phase("verified"));
        assertEquals(100, phase("view"));
        assertEquals(610, phase("lease"), "the wait's announced end, recorded at the next event after it");
        assertEquals(700, phase("plan"));
        assertEquals(750, phase("converged"));
        assertEquals(1, registry.get("hastack.failovers").counter().count());
    }

    @Test
    void anAnswerAfterAFailoverThatStartedNothingHereIsNotItsPhase() {
        at(0, new EventData.ViewInstalled(BEFORE, List.of(N1, N2, N3), List.of(), List.of()));
        at(1000, new EventData.MemberSuspected(N1));
        at(1300, new EventData.ViewInstalled(AFTER, List.of(N2, N3), List.of(N1), List.of()));
        at(1310, plan());
        at(1340, new EventData.Converged(AFTER, List.of(), Duration.ZERO));
        at(1400, new EventData.ServiceAnswering(GroupId.of("g"), "http://127.0.0.1:8080/", Duration.ofMillis(5)));
        assertEquals(-1, phase("answering"), "the start was elsewhere; this answer is of something else");
    }

    @Test
    void aLateDeathNoticeOfANodeNoLongerInTheViewStartsNoFailover() {
        at(0, new EventData.ViewInstalled(AFTER, List.of(N2, N3), List.of(), List.of()));
        at(100, new EventData.DeathConfirmed(N1, "declared dead by n3"));
        assertNull(registry.find("hastack.failovers").counter());
        assertNull(registry.find("hastack.failover.phase").timer());
    }
}
