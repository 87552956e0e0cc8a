package io.hastack.core.runtime;

import java.util.Locale;

/**
 * The kinds of cluster message a node sends and receives, one per message of the protocol; {@link
 * MessageCodec}'s table names the kind of each message (a test checks that every kind has exactly
 * one message). A closed set: metrics tag by it without growing.
 */
public enum MessageKind {
    /** The coordinator asks what runs on a member. */
    PROBE,
    /** A member says what runs there. */
    NODE_REPORT,
    /** The coordinator sends a member its actions of a plan. */
    EXECUTE,
    /** The coordinator lets a leaving member go. */
    LEAVE_GRANTED,
    /** A cleanup of a resource's failures. */
    CLEANUP,
    /** A move or an unmove of a group. */
    MOVE_ORDER,
    /** The coordinator announces where the groups run. */
    PLACEMENT,
    /** Cluster maintenance mode switched on or off. */
    MAINTENANCE_ORDER,
    /** A lease request to the other members. */
    LEASE_PING,
    /** A lease grant in answer to a ping. */
    LEASE_PONG,
    /** A member passes on that a node is dead. */
    DEATH_NOTICE,
    /** A configuration change proposed to the coordinator. */
    CONFIG_PROPOSAL,
    /** The coordinator's answer to a configuration proposal. */
    CONFIG_VERDICT,
    /** A configuration version to install. */
    CONFIG_INSTALL,
    /** A request for a newer configuration version. */
    CONFIG_REQUEST,
    /** The coordinator's whole-cluster picture, for the other members' status queries. */
    STATUS_SHARE,
    /** A node standby or maintenance order. */
    NODE_ORDER;

    /** The kind's name in lower case ({@code node_report}), as metrics tag it. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
