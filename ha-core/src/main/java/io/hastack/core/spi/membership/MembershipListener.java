package io.hastack.core.spi.membership;

import io.hastack.core.model.NodeId;

/**
 * Receives what a {@link Membership} observes. Calls come one at a time, in the order the
 * membership observed them, from the membership's own threads; an implementation should hand work
 * off rather than block. A message may arrive from a node before or after the view that adds or
 * removes it.
 */
public interface MembershipListener {
    /** A new view was installed (including the first one, after joining). */
    default void viewChanged(View view) {}

    /** {@code from} sent {@code payload} to this node or to all nodes. */
    default void messageReceived(NodeId from, byte[] payload) {}

    /**
     * The failure detector suspects {@code node}. This is a hint for timelines and logs: only a new
     * view removes a node.
     */
    default void memberSuspected(NodeId node) {}

    /**
     * The membership has evidence that {@code node}'s process has exited, not merely gone silent:
     * for JGroups, its kernel closed its connections (FD_SOCK2), which a frozen or cut-off process's
     * kernel does not do. Its groups may then start elsewhere without waiting for its lease. Only
     * evidence that a live process cannot produce qualifies ({@code docs/design/leases.md}).
     *
     * @param evidence what was observed, for logs
     */
    default void memberCrashed(NodeId node, String evidence) {}
}
