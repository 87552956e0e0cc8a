package io.hastack.core.runtime;

import io.hastack.core.model.NodeId;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened on a node, for timelines, metrics, logs and tests. {@link #data()} holds
 * it as typed fields; {@link #subject()} and {@link #detail()} render it for logs and people.
 *
 * @param time when it happened, by the node's clock
 * @param node the node that observed it
 * @param data what happened, typed
 * @param subject what it happened to, as text: a resource, a node or a view; empty if nothing in
 *     particular
 * @param detail a readable description
 */
public record HaEvent(Instant time, NodeId node, EventData data, String subject, String detail) {
    /** Validates the fields. */
    public HaEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(data, "data");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "" : detail;
    }

    /** What kind of event this is: {@code data().type()}. */
    public Type type() {
        return data.type();
    }

    /** Kinds of event. */
    public enum Type {
        /** The node joined the cluster. */
        JOINED,
        /** The failure detector suspects a member (subject: the member). */
        MEMBER_SUSPECTED,
        /** A new view was installed (subject: the view id). */
        VIEW_INSTALLED,
        /** The coordinator heard from every member of the view (subject: the view id). */
        PROBE_COMPLETE,
        /** The coordinator computed a non-empty plan (detail: its summary). */
        PLAN_COMPUTED,
        /** An action began (subject: the resource). */
        ACTION_STARTED,
        /** An action succeeded (subject: the resource). */
        ACTION_SUCCEEDED,
        /** An action failed or timed out (subject: the resource). */
        ACTION_FAILED,
        /** The node refused an action planned in another view. */
        ACTION_REFUSED,
        /** A monitor found a running resource failed (subject: the resource). */
        MONITOR_FAILED,
        /** The coordinator refuses to manage a member whose configuration differs (subject: it). */
        CONFIG_MISMATCH,
        /** This node took a new configuration version (subject: the version; detail: from where). */
        CONFIG_INSTALLED,
        /**
         * A configuration version changed apart from the one that replaced it was dropped: its changes
         * that the winner lacks are lost (subject: the lost version).
         */
        CONFIG_DISCARDED,
        /** This node finished applying a configuration version (stops, swaps, probes) (subject: the version). */
        CONFIG_APPLIED,
        /** This node's partition has quorum (detail: the votes, and how a tie was broken). */
        QUORUM_GAINED,
        /** This node's partition lost quorum (detail: the votes and what the no-quorum-policy does). */
        QUORUM_LOST,
        /**
         * A majority was recorded on the quorum device as the last winning partition (subject: the
         * view): from now on any of its members that is left alone with half the votes can win a tie.
         */
        QUORUM_RECORDED,
        /** The coordinator fenced a node (subject: the node; detail: what the fence device said). */
        NODE_FENCED,
        /** Fencing a node failed; its blocked groups stay blocked (subject: the node). */
        FENCE_FAILED,
        /**
         * This node stalled longer than its safe bound (detail: for how long): it stopped its
         * resources before doing anything else, since the others may have started them already.
         */
        PAUSE_DETECTED,
        /** This node holds its membership lease again, or for the first time in its view (subject: the view). */
        LEASE_GAINED,
        /**
         * This node's membership lease lapsed: it acts no more and stops its resources until it holds
         * the lease again in a current view (detail: whom it heard from).
         */
        LEASE_LOST,
        /**
         * A node's death is confirmed (subject: the node; detail: the evidence: its process exited, a
         * fence, or an external declaration): its groups may start elsewhere at once.
         */
        DEATH_CONFIRMED,
        /**
         * The coordinator holds every start until the leases of nodes removed on suspicion have
         * surely expired (subject: the view; detail: the nodes and how long).
         */
        TAKEOVER_WAIT,
        /** The plan is empty: every group is where it should be (or cannot run, see the notes). */
        CONVERGED,
        /**
         * A group's service check answered after the group started on this node (subject: the group;
         * detail: what was checked, and how long after the start).
         */
        SERVICE_ANSWERING,
        /** The node handed its resources over and is leaving. */
        LEFT
    }

    @Override
    public String toString() {
        return time + " " + node + " " + type() + (subject.isEmpty() ? "" : " " + subject)
                + (detail.isEmpty() ? "" : ": " + detail);
    }
}
