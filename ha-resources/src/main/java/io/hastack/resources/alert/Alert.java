package io.hastack.resources.alert;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.runtime.EventData;
import io.hastack.core.runtime.HaEvent;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.plan.ActionType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One event as alert agents get it: its kind, the node it is about, and the fields Pacemaker passes
 * for that kind (without the {@code CRM_alert_} prefix: {@code desc}, {@code task}, {@code rsc},
 * {@code interval}, {@code rc}, {@code target_rc}, {@code status}, {@code exec_time}).
 *
 * @param kind the kind
 * @param node the node the event is about (the lost or joined node, the fenced node, the node that
 *     ran the operation)
 * @param fields the kind's fields, in Pacemaker's names
 * @param time when it happened
 */
public record Alert(AlertSpec.Kind kind, NodeId node, Map<String, String> fields, Instant time) {
    /** Copies the fields. */
    public Alert {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * The alerts {@code event} makes, as Pacemaker's would: a node lost or joined (one per node), a
     * fence that succeeded or failed, a start or stop that ended, a monitor that failed (with the
     * resource's monitor interval from {@code monitorInterval}). Other events make none.
     */
    public static List<Alert> of(HaEvent event, Function<ResourceId, Duration> monitorInterval) {
        List<Alert> out = new ArrayList<>();
        Instant t = event.time();
        EventData d = event.data();
        if (d instanceof EventData.ViewInstalled v) {
            v.left().forEach(n -> out.add(new Alert(AlertSpec.Kind.NODE, n, Map.of("desc", "lost"), t)));
            v.joined().forEach(n -> out.add(new Alert(AlertSpec.Kind.NODE, n, Map.of("desc", "member"), t)));
        } else if (d instanceof EventData.NodeFenced f) {
            out.add(fencing(event, f.node(), 0, "OK (" + f.confirmation() + ")"));
        } else if (d instanceof EventData.FenceFailed f) {
            out.add(fencing(event, f.node(), 1, "Error (" + f.failure() + ")"));
        } else if (d instanceof EventData.ActionSucceeded a && task(a.action()).isPresent()) {
            out.add(resource(
                    event,
                    a.resource(),
                    task(a.action()).get(),
                    Duration.ZERO,
                    Optional.of(a.outcome()),
                    false,
                    a.took()));
        } else if (d instanceof EventData.ActionFailed a && task(a.action()).isPresent()) {
            out.add(resource(
                    event,
                    a.resource(),
                    task(a.action()).get(),
                    Duration.ZERO,
                    a.outcome(),
                    a.timedOut(),
                    Duration.ZERO));
        } else if (d instanceof EventData.MonitorFailed m) {
            out.add(resource(
                    event,
                    m.resource(),
                    "monitor",
                    monitorInterval.apply(m.resource()),
                    Optional.of(m.outcome()),
                    m.timedOut(),
                    Duration.ZERO));
        }
        return out;
    }

    private static Optional<String> task(ActionType type) {
        return switch (type) {
            case START -> Optional.of("start");
            case STOP -> Optional.of("stop");
            default -> Optional.empty();
        };
    }

    private static Alert fencing(HaEvent event, NodeId target, int rc, String result) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("task", "st_notify_fence");
        f.put("rc", Integer.toString(rc));
        f.put(
                "desc",
                "Operation reboot of " + target + " by " + event.node() + " for hastack@" + event.node() + ": "
                        + result);
        return new Alert(AlertSpec.Kind.FENCING, target, f, event.time());
    }

    /**
     * An operation's alert, with Pacemaker's operation status ({@code CRM_alert_status}): 0 (done: the
     * agent answered, {@code desc} says what), 2 (timed out: {@code desc} "Timed Out"), or 4 (error:
     * no agent was called, {@code desc} "Error").
     */
    private static Alert resource(
            HaEvent event,
            ResourceId r,
            String task,
            Duration interval,
            Optional<AgentOutcome> outcome,
            boolean timedOut,
            Duration took) {
        ExecStatus status = timedOut ? ExecStatus.TIMED_OUT : outcome.isPresent() ? ExecStatus.DONE : ExecStatus.ERROR;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("rsc", r.value());
        f.put("task", task);
        f.put("interval", Long.toString(interval.toMillis()));
        f.put("rc", Integer.toString(outcome.map(o -> o.result().ocfCode()).orElse(1)));
        f.put("target_rc", "0");
        f.put("status", Integer.toString(status.code));
        f.put("exec_time", Long.toString(took.toMillis()));
        f.put("desc", status == ExecStatus.DONE ? describe(outcome.orElseThrow().result()) : status.description);
        return new Alert(AlertSpec.Kind.RESOURCE, event.node(), f, event.time());
    }

    /** Pacemaker's operation status ({@code enum pcmk_exec_status}), the values alerts can carry. */
    private enum ExecStatus {
        DONE(0, "complete"),
        TIMED_OUT(2, "Timed Out"),
        ERROR(4, "Error");

        final int code;
        final String description;

        ExecStatus(int code, String description) {
            this.code = code;
            this.description = description;
        }
    }

    /** Pacemaker's text for an OCF result. */
    static String describe(AgentResult result) {
        return switch (result.ocfCode()) {
            case 0 -> "OK";
            case 1 -> "Error occurred";
            case 2 -> "Invalid parameter";
            case 3 -> "Unimplemented";
            case 4 -> "Insufficient privileges";
            case 5 -> "Not installed";
            case 6 -> "Not configured";
            case 7 -> "Not running";
            default -> "Unknown result " + result.ocfCode();
        };
    }

    /**
     * The environment of an alert agent for this alert: {@code CRM_alert_*}, and the same under
     * {@code CRM_notify_*} as Pacemaker 2.1 also sets.
     *
     * @param recipient the recipient, or "" for none
     * @param sequence this call's number on this node
     * @param nodeId the node's number (its place in the node list, from 1; 0 if not in it)
     */
    public Map<String, String> environment(
            AlertSpec spec, String recipient, long sequence, String version, int nodeId, java.time.ZoneId zone) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("kind", kind.externalName());
        e.put("version", version);
        e.put("recipient", recipient);
        e.put("node", node.value());
        e.put("nodeid", Integer.toString(nodeId));
        e.put("node_sequence", Long.toString(sequence));
        e.put("timestamp", AlertTime.format(spec.timestampFormat(), time, zone));
        e.put("timestamp_epoch", Long.toString(time.getEpochSecond()));
        e.put("timestamp_usec", String.format(java.util.Locale.ROOT, "%06d", time.getNano() / 1000));
        e.putAll(fields);
        Map<String, String> env = new LinkedHashMap<>();
        e.forEach((k, v) -> env.put("CRM_alert_" + k, v));
        e.forEach((k, v) -> env.put("CRM_notify_" + k, v));
        return env;
    }
}
