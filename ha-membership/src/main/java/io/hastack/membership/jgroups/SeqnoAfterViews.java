package io.hastack.membership.jgroups;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.NakAckHeader2;

/**
 * NAKACK2 that tells the members its highest multicast sequence number twice after each view
 * change: {@link #FIRST_MILLIS} and {@link #SECOND_MILLIS} after it. A member that lacks that
 * message asks for it again (NAKACK2's own "last message dropped" rule) while the cluster is
 * quiet, instead of at the next multicast.
 *
 * <p>Why: a multicast sent around a view change can be dropped by members that do not count the
 * sender as a member yet (a merge, where JGroups logs "dropped message from non-member"), and
 * NAKACK2's own resend of the highest number, one retransmission interval later, can be dropped
 * the same way. The merged view's digest then expects that message, and nothing shows it is
 * missing until the sender multicasts again: the node's own messages go to one member each, and
 * STABLE's gossip repairs it only after two of its rounds (seconds). The next multicast was the
 * sender's next view, when it took over as coordinator after a crash: every member held it until
 * the gap was repaired, 100-260 ms later (two retransmission intervals), on the failover's path
 * (docs/performance.md, scenario 6, runs 76 and 77). Keeps NAKACK2's protocol id, so the stack is the same on the
 * wire; the announcements are NAKACK2's own {@code HIGHEST_SEQNO} messages.
 */
final class SeqnoAfterViews extends NAKACK2 {
    /** The first announcement after a view: once every member has installed it, as a rule. */
    static final long FIRST_MILLIS = 500;

    /** The second: for members that installed the view late, on a loaded machine. */
    static final long SECOND_MILLIS = 2_500;

    private final List<Future<?>> announcements = new ArrayList<>();

    /** Announcements sent (tests). */
    private final AtomicLong announced = new AtomicLong();

    SeqnoAfterViews() {
        setId(ClassConfigurator.getProtocolId(NAKACK2.class));
    }

    @Override
    public Object down(Event evt) {
        Object result = super.down(evt);
        if (evt.getType() == Event.VIEW_CHANGE && timer != null) {
            synchronized (announcements) {
                announcements.removeIf(Future::isDone);
                for (long delay : new long[] {FIRST_MILLIS, SECOND_MILLIS}) {
                    Future<?> f = timer.schedule(this::announce, delay, TimeUnit.MILLISECONDS, false);
                    if (f != null) { // null once the timer is shut down
                        announcements.add(f);
                    }
                }
            }
        }
        return result;
    }

    /** Multicasts the highest sequence number sent, if any was. */
    private void announce() {
        long highest = getCurrentSeqno();
        if (highest <= 0 || !is_server) {
            return;
        }
        Message m = new EmptyMessage(null)
                .putHeader(id, NakAckHeader2.createHighestSeqnoHeader(highest))
                .setFlag(Message.Flag.OOB, Message.Flag.NO_FC)
                .setFlag(Message.TransientFlag.DONT_LOOPBACK, Message.TransientFlag.DONT_BLOCK);
        down_prot.down(m);
        announced.incrementAndGet();
    }

    @Override
    public void stop() {
        synchronized (announcements) {
            announcements.forEach(f -> f.cancel(false));
            announcements.clear();
        }
        super.stop();
    }

    /** How many announcements are still to come (tests). */
    int pending() {
        synchronized (announcements) {
            return (int) announcements.stream().filter(f -> !f.isDone()).count();
        }
    }

    /** How many announcements went out (tests). */
    long announced() {
        return announced.get();
    }
}
