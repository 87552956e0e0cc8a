package io.hastack.membership.jgroups;

import java.util.Collection;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.VERIFY_SUSPECT2;

/**
 * JGroups' VERIFY_SUSPECT2 that looks at its suspects only while it has some. VERIFY_SUSPECT2
 * looks every verify timeout from the channel's start to its end, whether or not anyone is
 * suspected: on an idle node a timer task and a pool thread woke 5 times a second (10 with a
 * 100 ms timeout) for nothing. This one starts looking when a member is suspected: first when that
 * suspicion is due, then every quarter of the timeout (at least every {@value #MIN_LOOK_MS} ms),
 * and stops once no suspicion is left. So an unanswered suspicion is passed on when it is due, or at
 * most a quarter of the timeout later, instead of up to a whole timeout later. What it checks, and
 * how, is VERIFY_SUSPECT2's; it keeps VERIFY_SUSPECT2's protocol id, so its messages are the same
 * on the wire.
 */
final class QuietVerifySuspect extends VERIFY_SUSPECT2 {
    /** The shortest interval between two looks at the suspects, in ms. */
    static final long MIN_LOOK_MS = 10;

    /** The looks while someone is suspected; null while no one is. Guarded by {@code this}. */
    private Future<?> looks;

    /** How often a suspicion started the looks. Guarded by {@code this}. */
    private long lookStarts;

    /** How often a suspect answered (tests). Guarded by {@code this}. */
    private long answers;

    QuietVerifySuspect() {
        setId(ClassConfigurator.getProtocolId(VERIFY_SUSPECT2.class));
    }

    /**
     * Starts without VERIFY_SUSPECT2's look every timeout: the first suspicion starts the looks (or
     * one left from before a restart).
     */
    @Override
    public synchronized void start() {
        running = true;
        lookIfSuspected();
    }

    @Override
    public synchronized void stop() {
        super.stop();
        stopLooking();
    }

    @Override
    protected synchronized void addSuspects(Collection<Address> list) {
        super.addSuspects(list);
        lookIfSuspected();
    }

    @Override
    public void unsuspect(Address mbr) {
        synchronized (this) {
            answers++;
        }
        super.unsuspect(mbr);
    }

    /** Passes on the suspicions that are due (VERIFY_SUSPECT2's look), and stops once none is left. */
    @Override
    public void run() {
        super.run();
        synchronized (this) {
            if (suspects.isEmpty()) {
                stopLooking();
            }
        }
    }

    /** How often a suspicion started the looks (tests). */
    synchronized long lookStarts() {
        return lookStarts;
    }

    /** How often a suspect answered, or was cleared otherwise ({@link #unsuspect}; tests). */
    synchronized long answers() {
        return answers;
    }

    /** True while it looks at its suspects (tests). */
    synchronized boolean looking() {
        return looks != null;
    }

    /** Called under {@code this}. */
    private void lookIfSuspected() {
        if (running && looks == null && !suspects.isEmpty()) {
            long every = Math.max(MIN_LOOK_MS, timeout / 4);
            looks = timer.scheduleAtFixedRate(this, Math.max(MIN_LOOK_MS, timeout), every, TimeUnit.MILLISECONDS);
            lookStarts++;
        }
    }

    /** Called under {@code this}. */
    private void stopLooking() {
        if (looks != null) {
            looks.cancel(false);
            looks = null;
        }
    }
}
