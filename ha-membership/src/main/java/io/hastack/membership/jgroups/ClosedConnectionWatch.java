package io.hastack.membership.jgroups;

import java.util.List;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;

/**
 * FD_SOCK2 that also says when the established connection to the member it watches was closed by
 * the other end: evidence that the member's process exited (its kernel closed its sockets), which
 * a frozen process or a cut-off host does not produce. FD_SOCK2 suspects a member for other reasons
 * too (a connection attempt that fails or times out, as to a frozen or unreachable member); only a
 * close of a connection that was established counts here (see {@code docs/design/leases.md}).
 */
final class ClosedConnectionWatch extends FD_SOCK2 {
    /** Protocol ids above 1000 are free for applications. */
    private static final short ID = 1093;

    static {
        if (ClassConfigurator.getProtocolId(ClosedConnectionWatch.class) == 0) {
            ClassConfigurator.addProtocol(ID, ClosedConnectionWatch.class);
        }
    }

    private volatile Consumer<Address> sink = a -> {};
    private volatile List<Address> viewMembers = List.of();

    /** Tells {@code sink} of each member whose watched connection its end closed. */
    void onClosed(Consumer<Address> sink) {
        this.sink = sink;
    }

    @Override
    protected void handleView(View v) {
        viewMembers = List.copyOf(v.getMembers());
        super.handleView(v);
    }

    @Override
    public void connectionClosed(Connection conn) {
        Address peer = conn == null ? null : conn.peerAddress();
        // Read before FD_SOCK2 moves on to the next member: "member [physical-address CONNECTED]".
        String watched = getPingDest();
        if (peer != null && !shutting_down) {
            for (Address m : viewMembers) {
                if (watched.equals(m + " [" + peer + " CONNECTED]")) {
                    sink.accept(m);
                    break;
                }
            }
        }
        super.connectionClosed(conn);
    }
}
