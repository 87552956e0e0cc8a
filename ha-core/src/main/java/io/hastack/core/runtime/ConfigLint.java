package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a configuration against the timings it will run with, as {@code crm_verify} and
 * Pacemaker's documentation warn: for each group, the worst-case recovery time (its RTO budget)
 * against an optional target, and the contradictions between timeouts, intervals and the
 * membership's timings. A pure function: the same input gives the same findings.
 */
public final class ConfigLint {
    /** A heartbeat timeout below this is likely shorter than a full GC pause of a loaded JVM. */
    static final Duration LIKELY_GC_PAUSE = Duration.ofSeconds(1);

    private ConfigLint() {}

    /**
     * The timings a configuration runs with.
     *
     * @param heartbeatInterval how often members heartbeat (and the failure detector looks)
     * @param heartbeatTimeout the silence after which a member is suspected
     * @param verifyTimeout how long a suspicion is verified
     * @param leaseTime how long a node's membership lease lasts (its pause bound)
     * @param fenceTimeout how long a fence may take; empty without a fence device
     */
    public record Timings(
            Duration heartbeatInterval,
            Duration heartbeatTimeout,
            Duration verifyTimeout,
            Duration leaseTime,
            Optional<Duration> fenceTimeout) {
        /** Checks the fields. */
        public Timings {
            Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
            Objects.requireNonNull(verifyTimeout, "verifyTimeout");
            Objects.requireNonNull(leaseTime, "leaseTime");
            Objects.requireNonNull(fenceTimeout, "fenceTimeout");
        }
    }

    /**
     * One finding.
     *
     * @param warning true for a contradiction or a missed target, false for information (a budget)
     * @param subject what it is about ({@code group web}, {@code resource db}, {@code membership})
     * @param message what is wrong or what it comes to, and what to do
     */
    public record Finding(boolean warning, String subject, String message) {
        @Override
        public String toString() {
            return (warning ? "warning: " : "") + subject + ": " + message;
        }
    }

    /**
     * A group's worst-case recovery time, in its parts.
     *
     * @param nodeFailure a node that hangs: the later of its detection (heartbeat timeout and
     *     interval, then verification) and the lease wait (which runs from the node's last grant,
     *     so alongside the detection), then the fence and the group's starts, one after the other
     * @param resourceFailure a resource that fails in place: the monitor interval and timeout + the
     *     group's stops + its starts
     */
    public record Budget(Duration nodeFailure, Duration resourceFailure) {
        /** The worse of the two. */
        public Duration worst() {
            return nodeFailure.compareTo(resourceFailure) >= 0 ? nodeFailure : resourceFailure;
        }
    }

    /**
     * The findings for {@code config}: every group's budget (information, or a warning above its
     * target in {@code rto}), then the contradictions.
     *
     * @param advised the timeouts each resource's agent advises (its metadata), used where the
     *     resource sets none
     */
    public static List<Finding> check(
            ClusterConfig config,
            Timings timings,
            Map<GroupId, Duration> rto,
            Function<ResourceSpec, Map<Operation, Duration>> advised) {
        List<Finding> out = new ArrayList<>();
        for (ResourceGroup g : config.groups()) {
            Budget b = budget(g, timings, advised);
            String parts = "node failure " + ms(b.nodeFailure()) + " (the later of detection " + ms(detection(timings))
                    + " and the lease wait " + ms(leaseWait(timings)) + ", then"
                    + timings.fenceTimeout().map(f -> " fence " + ms(f) + " +").orElse("") + " starts "
                    + ms(sum(g, Operation.START, advised)) + "), resource failure " + ms(b.resourceFailure());
            Duration target = rto.get(g.id());
            if (target != null && b.worst().compareTo(target) > 0) {
                out.add(new Finding(
                        true,
                        "group " + g.id(),
                        "worst-case recovery " + ms(b.worst()) + " exceeds its rto " + ms(target) + ": " + parts
                                + "; shorten the timeouts that dominate, or raise the rto"));
            } else {
                out.add(new Finding(
                        false,
                        "group " + g.id(),
                        "worst-case recovery " + ms(b.worst()) + (target == null ? "" : " (rto " + ms(target) + ")")
                                + ": " + parts));
            }
        }
        if (timings.heartbeatTimeout().compareTo(LIKELY_GC_PAUSE) < 0) {
            out.add(new Finding(
                    true,
                    "membership",
                    "heartbeat-timeout " + ms(timings.heartbeatTimeout()) + " is below " + ms(LIKELY_GC_PAUSE)
                            + ", shorter than a full GC pause of a loaded JVM: such a pause would remove the node and"
                            + " fail its groups over; raise it, or keep the heap small and the GC concurrent"));
        }
        Map<ResourceId, Duration> longStops = new java.util.LinkedHashMap<>();
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec r : g.resources()) {
                contradictions(config, r, timings, advised.apply(r), out, longStops);
            }
        }
        if (!longStops.isEmpty()) {
            out.add(longStops(longStops, timings));
        }
        return out;
    }

    /**
     * One warning for every stop timeout longer than the lease (Pacemaker's default of 20 s is, so
     * a resource left at the defaults would otherwise warn once each).
     */
    private static Finding longStops(Map<ResourceId, Duration> longStops, Timings timings) {
        List<String> ids = longStops.keySet().stream().map(ResourceId::value).toList();
        String subject = ids.size() == 1
                ? "resource " + ids.get(0)
                : "resources " + String.join(", ", ids.subList(0, Math.min(5, ids.size())))
                        + (ids.size() > 5 ? " and " + (ids.size() - 5) + " more" : "");
        Duration longest = longStops.values().stream().max(Duration::compareTo).orElseThrow();
        boolean same = longStops.values().stream().allMatch(longest::equals);
        return new Finding(
                true,
                subject,
                (same
                                ? "stop timeout " + ms(longest) + (ids.size() == 1 ? " is" : " of each is")
                                : "stop timeouts up to " + ms(longest) + " are")
                        + " longer than the membership lease " + ms(timings.leaseTime())
                        + ": a node cut off while stopping one loses its lease first, and its watchdog kills the"
                        + " resource without the orderly stop; shorten the stop timeouts (timeouts: {stop: ...}) or"
                        + " accept the kill");
    }

    private static void contradictions(
            ClusterConfig config,
            ResourceSpec r,
            Timings timings,
            Map<Operation, Duration> advised,
            List<Finding> out,
            Map<ResourceId, Duration> longStops) {
        String subject = "resource " + r.id();
        Duration monitor = r.timeout(Operation.MONITOR, advised);
        if (r.monitorInterval().compareTo(monitor) < 0) {
            out.add(new Finding(
                    true,
                    subject,
                    "monitor-interval " + ms(r.monitorInterval()) + " is shorter than its monitor timeout "
                            + ms(monitor) + ": a hung monitor is noticed only after the timeout, so a failure can go"
                            + " unseen for longer than the interval promises; make the interval at least the"
                            + " timeout, or the timeout shorter"));
        }
        Duration failureTimeout = config.failureTimeout(r);
        if (!failureTimeout.isZero()) {
            for (Operation op : List.of(Operation.START, Operation.STOP, Operation.MONITOR)) {
                Duration t = r.timeout(op, advised);
                if (failureTimeout.compareTo(t) < 0) {
                    out.add(new Finding(
                            true,
                            subject,
                            "failure-timeout " + ms(failureTimeout) + " is shorter than its " + op.externalName()
                                    + " timeout " + ms(t) + ": a failure may expire before the operation that"
                                    + " caused it has ended; make it longer than every operation timeout"));
                    break;
                }
            }
        }
        Duration stop = r.timeout(Operation.STOP, advised);
        if (stop.compareTo(timings.leaseTime()) > 0) {
            longStops.put(r.id(), stop);
        }
        if (config.migrationThreshold(r) == 1 && failureTimeout.isZero()) {
            out.add(new Finding(
                    true,
                    subject,
                    "migration-threshold 1 without a failure-timeout: one failure bans the resource from the node"
                            + " until an operator cleans it up (hastack resource cleanup); set a failure-timeout"));
        }
    }

    /** {@code g}'s worst-case recovery times with {@code timings}. */
    public static Budget budget(
            ResourceGroup g, Timings timings, Function<ResourceSpec, Map<Operation, Duration>> advised) {
        Duration starts = sum(g, Operation.START, advised);
        Duration detection = detection(timings);
        Duration lease = leaseWait(timings);
        Duration node = (detection.compareTo(lease) >= 0 ? detection : lease)
                .plus(timings.fenceTimeout().orElse(Duration.ZERO))
                .plus(starts);
        Duration slowestDetection = Duration.ZERO;
        for (ResourceSpec r : g.resources()) {
            Duration d = r.monitorInterval().plus(r.timeout(Operation.MONITOR, advised.apply(r)));
            if (d.compareTo(slowestDetection) > 0) {
                slowestDetection = d;
            }
        }
        // A failed member of an unordered group restarts alone; of an ordered one, with the members after it.
        Duration resource = g.ordered()
                ? slowestDetection.plus(sum(g, Operation.STOP, advised)).plus(starts)
                : slowestDetection.plus(longest(g, Operation.STOP, advised)).plus(longest(g, Operation.START, advised));
        return new Budget(node, resource);
    }

    /** How long a hung node takes to be removed: the heartbeat timeout, one more look, the verification. */
    static Duration detection(Timings timings) {
        return timings.heartbeatTimeout().plus(timings.heartbeatInterval()).plus(timings.verifyTimeout());
    }

    /** What the coordinator waits for a node removed on suspicion: its lease, the drift and the margin. */
    static Duration leaseWait(Timings timings) {
        Duration lease = timings.leaseTime();
        return Duration.ofNanos((long) (lease.toNanos() * (1 + Takeover.DRIFT))).plus(Takeover.margin(lease));
    }

    /**
     * How long {@code op} on every member of {@code g} can take: the sum of their timeouts in an
     * ordered group; in an unordered one, whose members run in parallel ({@link
     * LocalResources#PARALLEL_LIMIT} at once on this machine), the longest timeout once per round.
     */
    private static Duration sum(
            ResourceGroup g, Operation op, Function<ResourceSpec, Map<Operation, Duration>> advised) {
        if (!g.ordered()) {
            int rounds = (g.resources().size() + LocalResources.PARALLEL_LIMIT - 1) / LocalResources.PARALLEL_LIMIT;
            return longest(g, op, advised).multipliedBy(rounds);
        }
        Duration total = Duration.ZERO;
        for (ResourceSpec r : g.resources()) {
            total = total.plus(r.timeout(op, advised.apply(r)));
        }
        return total;
    }

    private static Duration longest(
            ResourceGroup g, Operation op, Function<ResourceSpec, Map<Operation, Duration>> advised) {
        Duration most = Duration.ZERO;
        for (ResourceSpec r : g.resources()) {
            Duration t = r.timeout(op, advised.apply(r));
            most = t.compareTo(most) > 0 ? t : most;
        }
        return most;
    }

    private static String ms(Duration d) {
        return d.toMillis() % 1000 == 0 && d.toMillis() >= 1000 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
