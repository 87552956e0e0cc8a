package io.hastack.core.spi.membership;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.Refusals;
import java.util.Collection;
import java.util.Optional;

/**
 * A group membership service: joins the cluster, reports views and carries messages between
 * members. Implementations are thread-safe.
 */
public interface Membership extends AutoCloseable {
    /** This node's identifier. */
    NodeId localNode();

    /**
     * Joins the cluster and starts delivering to {@code listener}; returns once the first view is
     * installed. Called at most once.
     *
     * @throws MembershipException if the cluster cannot be joined
     */
    void start(MembershipListener listener);

    /** The current view, or empty before {@link #start} returned and after {@link #close}. */
    Optional<View> currentView();

    /**
     * Sends {@code payload} to {@code node}, asynchronously and reliably while both are in the same
     * view. Sending to a node that is not a member is dropped with a log line.
     */
    void send(NodeId node, byte[] payload);

    /**
     * Sends {@code payload}, one of a periodic series that its next message supersedes, to {@code
     * node}: like {@link #send}, but without acknowledgement or retransmission, so it may be lost
     * (with a broken connection, or one that cannot be made yet at a join or merge) and may overtake
     * a message sent before it that had to be sent again. The membership lease's requests and
     * answers go this way: five per lease time, a lost one costs nothing but a later renewal (see
     * {@code docs/design/leases.md}), and an acknowledgement for each made an idle node send about
     * 60 % and receive about 40 % more messages. Reliable by default.
     */
    default void sendPeriodic(NodeId node, byte[] payload) {
        send(node, payload);
    }

    /** Sends {@code payload} to every member, this node included. */
    void broadcast(byte[] payload);

    /**
     * The longest stall of this node (GC pause, SIGSTOP) that cannot make the others remove it from
     * the view by their heartbeats, if the implementation knows it. A node that stalled longer must
     * assume it was declared dead. (A failure detector that suspects sooner may remove it sooner:
     * {@link #quickestRemoval}.)
     */
    default Optional<java.time.Duration> pauseTolerance() {
        return Optional.empty();
    }

    /**
     * The shortest time in which another member may remove this node from its view after this node
     * stops answering, by any path of the implementation's failure detection (a suspicion that needs
     * no heartbeat timeout included), if the implementation knows it: a stall of this node shorter
     * than that cannot get it removed. A tie claim for several nodes stands on its members' answers
     * for no longer ({@code docs/design/quorum-device.md}). Unknown by default (the claim then uses
     * {@link #pauseTolerance}, or else the lease time).
     */
    default Optional<java.time.Duration> quickestRemoval() {
        return Optional.empty();
    }

    /**
     * Asks the membership to check {@code node} now, as if its failure detector suspected it (an
     * external monitor said it is dead): a node that does not answer is removed without waiting for
     * the heartbeat timeout. A hint: a node that answers stays. Does nothing by default.
     */
    default void suspect(NodeId node) {}

    /**
     * {@code node}'s death is confirmed (another member saw its process exit, or an operator or
     * host monitor declared it dead): this member may remove it from the view without the
     * verification a suspicion gets, if it is the one that would decide the removal (the
     * coordinator, or the member next in line when the coordinator is the dead one). Does nothing
     * by default.
     */
    default void removeConfirmed(NodeId node) {}

    /**
     * Only nodes named in {@code nodes} may be members: the membership refuses any other name, and a
     * second address claiming a name that is a member, and reports both in {@link #refused()}.
     * Called before {@link #start} and when the configured node list changes. Does nothing by
     * default (a membership that cannot refuse).
     */
    default void admit(Collection<NodeId> nodes) {}

    /**
     * Where the configured nodes are reached ({@link io.hastack.core.model.ClusterConfig#addresses()},
     * {@code host:port} for TCP), when the configuration names them: called before {@link #start}
     * and when the node list changes at run time, so that a node added is looked for and admitted
     * at its address. An address the membership cannot use is logged and ignored. Does nothing by
     * default (a membership that finds nodes itself).
     */
    default void locate(java.util.Map<NodeId, String> addresses) {}

    /** What the membership refused so far (joins, names, frames), by reason. */
    default Refusals.Snapshot refused() {
        return Refusals.Snapshot.EMPTY;
    }

    /** Leaves the cluster gracefully; idempotent. */
    @Override
    void close();
}
