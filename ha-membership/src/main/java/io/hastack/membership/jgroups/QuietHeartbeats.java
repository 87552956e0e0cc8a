package io.hastack.membership.jgroups;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;

/**
 * JGroups' FD_ALL3 that also skips a heartbeat when every other member was sent a message of its
 * own since the last one. A member takes any message from a sender as a sign of life (FD_ALL3's
 * rule, on the receiving side), and FD_ALL3 already skips its next heartbeat after a multicast; but
 * the node's own periodic traffic (the membership lease's requests and answers) is addressed to one
 * member at a time, so an idle node sent both. This one counts a round of messages that reached
 * every other member of the view within one heartbeat interval like a multicast: the next heartbeat
 * is skipped. A round counts only if it is complete between two heartbeat times, so a member still
 * hears from this one at least every two intervals, as with FD_ALL3's multicast rule. It keeps
 * FD_ALL3's protocol id, so its heartbeats are the same on the wire.
 */
final class QuietHeartbeats extends FD_ALL3 {
    /**
     * Guards the round's state. Not {@code this}: FD_ALL3 holds its monitor while it takes its
     * {@code lock} ({@code stop()}), and the first beat runs under that lock (a task due at once runs
     * on the thread that schedules it), so the two in the other order would deadlock.
     */
    private final Object roundLock = new Object();

    /** The other members of the view. Guarded by {@link #roundLock}. */
    private Set<Address> others = Set.of();

    /**
     * The other members sent a message since the last heartbeat time or the last complete round,
     * whichever was later. Guarded by {@link #roundLock}.
     */
    private final Set<Address> sentTo = new HashSet<>();

    /** Rounds that reached every other member (tests). Guarded by {@link #roundLock}. */
    private long rounds;

    QuietHeartbeats() {
        setId(ClassConfigurator.getProtocolId(FD_ALL3.class));
    }

    @Override
    public Object down(Message msg) {
        Address to = msg.getDest();
        if (to != null) {
            synchronized (roundLock) {
                if (others.contains(to) && sentTo.add(to) && sentTo.size() == others.size()) {
                    sentTo.clear();
                    rounds++;
                    mcast_sent.set(true); // FD_ALL3's next heartbeat is skipped, as after a multicast
                }
            }
        }
        return super.down(msg);
    }

    /** Beats every interval as FD_ALL3 does, except that a round starts afresh at each beat. */
    @Override
    protected void startHeartbeatSender() {
        lock.lock();
        try {
            if (!isHeartbeatSenderRunning()) {
                heartbeat_sender = timer.scheduleWithFixedDelay(this::beat, 0, interval, TimeUnit.MILLISECONDS, false);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a heartbeat to every member, unless a multicast or a whole round went out since the last
     * beat (the stack's timer; tests call it too).
     */
    void beat() {
        synchronized (roundLock) {
            sentTo.clear(); // a round counts only if complete between two beats
        }
        if (mcast_sent.compareAndSet(true, false)) {
            return;
        }
        down_prot.down(
                new EmptyMessage().setFlag(Message.TransientFlag.DONT_LOOPBACK).putHeader(id, new HeartbeatHeader()));
        num_heartbeats_sent++;
    }

    @Override
    protected void handleViewChange(View v) {
        Set<Address> now = new HashSet<>(v.getMembers());
        now.remove(local_addr);
        synchronized (roundLock) { // before the heartbeats start: a round counts only the new members
            others = Set.copyOf(now);
            sentTo.clear();
        }
        super.handleViewChange(v);
        synchronized (roundLock) {
            sentTo.clear(); // nor what went to them while the view changed
        }
    }

    /** Stops as FD_ALL3 does, and forgets the round: a restarted channel begins with a heartbeat. */
    @Override
    public synchronized void stop() {
        super.stop();
        synchronized (roundLock) {
            others = Set.of();
            sentTo.clear();
        }
        mcast_sent.set(false);
    }

    /** How many rounds of messages reached every other member (tests). */
    long rounds() {
        synchronized (roundLock) {
            return rounds;
        }
    }

    /** Whether the next heartbeat is skipped, as it stands (tests). */
    boolean skipsNextHeartbeat() {
        return mcast_sent.get();
    }
}
