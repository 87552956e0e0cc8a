package io.hastack.membership.jgroups;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes JGroups' coordinator code through a crash once, on throwaway in-memory channels, before a
 * node's first failover. In a two-node cluster the survivor of a crash has never coordinated: GMS
 * makes it coordinator, builds the view and casts it, and each protocol takes the view in, all for
 * the first time in the failover (~10 ms of the path, {@code docs/performance.md}, scenario 1).
 *
 * <p>Each round forms a cluster of two channels on JGroups' in-memory transport, under a random
 * cluster name (nothing else in the JVM shares it, and nothing leaves the process), with the
 * protocols of the node's own stack above its transport ({@link JGroupsConfig#rehearsalProtocols}).
 * The first channel falls silent (its {@code DISCARD} drops everything), and the second is handed
 * its removal as {@link JGroupsMembership} hands a confirmed exit to GMS: a suspicion passed up from
 * VERIFY_SUSPECT2. It becomes coordinator and installs the view of itself alone. Then both channels
 * close. Nothing is logged above debug; a round that fails is logged at debug and ends the
 * rehearsal.
 */
final class GmsRehearsal {
    private static final Logger LOG = LoggerFactory.getLogger(GmsRehearsal.class);
    /** How long a round waits for a view before it gives up. */
    private static final long VIEW_WAIT_MS = 5_000;

    private GmsRehearsal() {}

    /**
     * Runs up to {@code rounds} rounds on the calling thread; returns how many ended with the
     * survivor coordinating a view of itself alone. Never throws: a failed round ends the
     * rehearsal.
     */
    static int run(JGroupsConfig config, int rounds) {
        int done = 0;
        for (int i = 0; i < rounds; i++) {
            try {
                if (!round(config)) {
                    LOG.debug("GMS rehearsal: round {} did not end in a view of the survivor alone", i);
                    return done;
                }
                done++;
            } catch (Exception e) {
                LOG.debug("GMS rehearsal: round {} failed", i, e);
                return done;
            } catch (LinkageError | AssertionError e) {
                LOG.debug("GMS rehearsal: round {} failed", i, e);
                return done;
            }
        }
        return done;
    }

    private static boolean round(JGroupsConfig config) throws Exception {
        String cluster = "hastack-rehearsal-" + UUID.randomUUID();
        JChannel dying = null;
        JChannel survivor = null;
        try {
            dying = new JChannel(config.rehearsalProtocols()).name("rehearsal-a");
            survivor = new JChannel(config.rehearsalProtocols()).name("rehearsal-b");
            CountDownLatch both = new CountDownLatch(1);
            CountDownLatch alone = new CountDownLatch(1);
            JChannel s = survivor;
            survivor.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(View v) {
                    if (v.size() == 2) {
                        both.countDown();
                    } else if (v.size() == 1 && v.getCoord().equals(s.getAddress())) {
                        alone.countDown();
                    }
                }
            });
            dying.connect(cluster);
            survivor.connect(cluster);
            if (!both.await(VIEW_WAIT_MS, TimeUnit.MILLISECONDS)) {
                return false;
            }
            Address gone = dying.getAddress();
            DISCARD silence = dying.getProtocolStack().findProtocol(DISCARD.class);
            silence.discardAll(true);
            // As JGroupsMembership.removeNow hands GMS a confirmed exit.
            VERIFY_SUSPECT2 verify = survivor.getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
            Protocol above = verify.getUpProtocol();
            above.up(new Event(Event.SUSPECT, List.of(gone)));
            return alone.await(VIEW_WAIT_MS, TimeUnit.MILLISECONDS);
        } finally {
            if (survivor != null) {
                survivor.close();
            }
            if (dying != null) {
                dying.close();
            }
        }
    }
}
