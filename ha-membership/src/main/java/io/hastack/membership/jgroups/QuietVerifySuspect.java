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
 * 100 ms timeout) for nothing. This one starts looking when a member is suspected, every quarter
 * of the timeout (at least every {@value #MIN_LOOK_MS} ms), and stops once no suspicion is left.
 * So a suspicion that is not answered is also passed on a quarter of the timeout after it is due,
 * instead of up to a whole timeout later. What it checks, and how, is VERIFY_SUSPECT2's.
 */
final class QuietVerifySuspect extends VERIFY_SUSPECT2 {
    /** The shortest interval between two looks at the suspects, in ms. */
    static final long MIN_LOOK_MS = 10;

    private static final short ID = 1097;

    static {
        if (ClassConfigurator.getProtocolId(QuietVerifySuspect.class) == 0) {
            ClassConfigurator.addProtocol(ID, QuietVerifySuspect.class);
        }
    }

    /** The looks while someone is suspected; null while no one is. Guarded by {@code this}. */
    private Future<?> looks;

    /** How often a suspicion started the looks. Guarded by {@code this}. */
    private long lookStarts;

    /** Starts without VERIFY_SUSPECT2's look every timeout: the first suspicion starts the looks. */
    @Override
    public synchronized void start() {
        running = true;
    }

    @Override
    public synchronized void stop() {
        super.stop();
        stopLooking();
    }

    @Override
    protected synchronized void addSuspects(Collection<Address> list) {
        super.addSuspects(list);
        if (running && looks == null && !suspects.isEmpty()) {
            long every = Math.max(MIN_LOOK_MS, timeout / 4);
            looks = timer.scheduleAtFixedRate(this, every, every, TimeUnit.MILLISECONDS);
            lookStarts++;
        }
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

    /** True while it looks at its suspects (tests). */
    synchronized boolean looking() {
        return looks != null;
    }

    private void stopLooking() {
        if (looks != null) {
            looks.cancel(false);
            looks = null;
        }
    }
}
