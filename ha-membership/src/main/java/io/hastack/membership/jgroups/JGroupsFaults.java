package io.hastack.membership.jgroups;

import io.hastack.core.spi.membership.MembershipException;
import java.util.Collection;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.util.Util;

/**
 * Faults switched at run time on one member of an in-process cluster, for tests and the nemesis:
 * a crash, a mute, a partition and its healing, a rogue frame. Only the in-process stack
 * ({@link JGroupsConfig#inProcess(io.hastack.core.security.ClusterKey)}) has the fault layer (JGroups' {@code DISCARD}); a production
 * stack has none, and {@link #of} refuses it. Not thread-safe beyond what JGroups' protocols are.
 */
public final class JGroupsFaults {
    private final JGroupsMembership membership;

    private JGroupsFaults(JGroupsMembership membership) {
        this.membership = membership;
    }

    /**
     * The faults of {@code membership}.
     *
     * @throws IllegalArgumentException if its stack has no fault layer (a TCP, production stack)
     */
    public static JGroupsFaults of(JGroupsMembership membership) {
        if (!membership.config().faultInjection()) {
            throw new IllegalArgumentException("the stack of " + membership.localNode() + " ("
                    + membership.config().transport() + ") has no fault layer: faults are for in-process test stacks");
        }
        return new JGroupsFaults(membership);
    }

    /**
     * Closes the channel abruptly, as a crash would: no leave message, so the others must detect
     * the failure.
     */
    public void crash() {
        JChannel ch = membership.channel();
        if (ch != null) {
            try {
                Util.shutdown(ch);
            } catch (Exception e) {
                throw new MembershipException("could not shut down the channel of " + membership.localNode(), e);
            }
        }
        membership.forgetView();
    }

    /**
     * Drops every message this node sends or receives while {@code on} (the node runs but is cut
     * off, as if frozen or unplugged); {@code false} ends it.
     */
    public void mute(boolean on) {
        discard().discardAll(on);
    }

    /**
     * Drops every message between this node and {@code others} (call it on both sides to split the
     * cluster); {@link #heal()} ends it.
     */
    public void isolateFrom(Collection<JGroupsMembership> others) {
        DISCARD discard = discard();
        for (JGroupsMembership o : others) {
            JChannel ch = o.channel();
            if (ch != null && ch.getAddress() != null) {
                discard.addIgnoreMember(ch.getAddress());
            }
        }
    }

    /** Ends every {@link #isolateFrom} of this node. */
    public void heal() {
        discard().resetIgnoredMembers();
    }

    /** Sends {@code frame} as it is to every member, as a rogue or broken sender would. */
    public void sendRaw(byte[] frame) {
        try {
            channel().send(new BytesMessage(null, frame));
        } catch (Exception e) {
            throw new MembershipException("could not send a raw frame from " + membership.localNode(), e);
        }
    }

    private JChannel channel() {
        JChannel ch = membership.channel();
        if (ch == null) {
            throw new IllegalStateException("membership of " + membership.localNode() + " is not started");
        }
        return ch;
    }

    private DISCARD discard() {
        return channel().getProtocolStack().findProtocol(DISCARD.class);
    }
}
