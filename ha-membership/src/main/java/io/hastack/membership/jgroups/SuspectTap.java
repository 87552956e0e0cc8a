package io.hastack.membership.jgroups;

import java.util.Collection;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.stack.Protocol;

/**
 * Sits between the failure detectors and VERIFY_SUSPECT2 and reports every raw suspicion, before
 * it is verified, so that a failover timeline can show when a failure was first detected. Passes
 * every event on unchanged.
 */
final class SuspectTap extends Protocol {
    private volatile Consumer<Address> sink = a -> {};

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
