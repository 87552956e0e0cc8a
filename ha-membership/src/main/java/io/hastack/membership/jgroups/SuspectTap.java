package io.hastack.membership.jgroups;

import java.util.Collection;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.stack.Protocol;

/**
 * Reports every raw suspicion that passes it, before it is verified, and passes every event on
 * unchanged. Between the failure detectors and VERIFY_SUSPECT2 it tells a failover timeline when a
 * failure was first detected; directly above FD_SOCK2 (below FD_ALL3) it sees only FD_SOCK2's
 * suspicions, which mean that the member's kernel closed its connection: evidence that its process
 * exited ({@link #crashEvidence()}).
 */
final class SuspectTap extends Protocol {
    private volatile Consumer<Address> sink = a -> {};
    private final boolean crashEvidence;

    /** A tap; {@code crashEvidence} if it sits directly above FD_SOCK2. */
    SuspectTap(boolean crashEvidence) {
        this.crashEvidence = crashEvidence;
    }

    /** True if this tap sits directly above FD_SOCK2. */
    boolean crashEvidence() {
        return crashEvidence;
    }

    void onSuspect(Consumer<Address> sink) {
        this.sink = sink;
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.SUSPECT && evt.arg() instanceof Collection<?> suspects) {
            for (Object s : suspects) {
                if (s instanceof Address a) {
                    sink.accept(a);
                }
            }
        }
        return up_prot.up(evt);
    }
}
