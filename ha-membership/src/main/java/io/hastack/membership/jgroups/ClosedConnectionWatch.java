package io.hastack.membership.jgroups;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.blocks.cs.NioServer;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.stack.IpAddress;

/**
 * FD_SOCK2 that also says when the member it watches has surely exited: the established
 * connection to it was closed, and its failure-detection port and its transport's port now refuse
 * connections (its kernel closed its listening sockets: the process is gone). A frozen process or a cut-off host produces
 * neither; nor can anyone who merely reaches the port: FD_SOCK2 trusts the address a connecting
 * client claims, so a stranger could replace the watched connection and close it, but it cannot
 * make the member's own port refuse connections while the member runs. FD_SOCK2 suspects a member
 * for other reasons too (a connection attempt that fails or times out); only this counts as a
 * confirmed exit (see {@code docs/design/leases.md}). Its server reads no message longer than 64
 * KiB (FD_SOCK2's own are a few bytes).
 */
final class ClosedConnectionWatch extends FD_SOCK2 {
    /** Protocol ids above 1000 are free for applications. */
    private static final short ID = 1093;

    private static final int MAX_LENGTH = 64 << 10;
    /** How long one check of the member's port may take; a refusal comes back at once. */
    private static final int CHECK_TIMEOUT_MILLIS = 500;
    /** How many times the port is tried, and how far apart. */
    private static final int CHECK_ATTEMPTS = 5;

    private static final int CHECK_PAUSE_MILLIS = 40;

    static {
        if (ClassConfigurator.getProtocolId(ClosedConnectionWatch.class) == 0) {
            ClassConfigurator.addProtocol(ID, ClosedConnectionWatch.class);
        }
    }

    private volatile Consumer<Address> sink = a -> {};
    private final java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
    private volatile List<Address> viewMembers = List.of();
    private final ExecutorService checks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hastack-exit-check");
        t.setDaemon(true);
        return t;
    });

    /** Tells {@code sink} of each member whose watched connection closed and whose port refuses. */
    void onClosed(Consumer<Address> sink) {
        this.sink = sink;
    }

    @Override
    protected NioServer createServer(int[] ports) {
        NioServer server = super.createServer(ports);
        if (server != null) {
            server.setMaxLength(MAX_LENGTH);
        }
        return server;
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
                    if (peer instanceof IpAddress port) {
                        checks.execute(() -> confirmExit(m, port));
                    }
                    break;
                }
            }
        }
        super.connectionClosed(conn);
    }

    /** How many closes of the watched connection were checked so far (tests). */
    int checked() {
        return checked.get();
    }

    /**
     * Tells the sink of {@code member} if its failure-detection port {@code port} refuses a
     * connection. A process being killed may close the watched connection a moment before its
     * listening socket, so an accepted connection is tried again a few times, {@value
     * #CHECK_PAUSE_MILLIS} ms apart; a running (or frozen) process accepts every time.
     */
    private void confirmExit(Address member, IpAddress port) {
        try {
            InetSocketAddress transport = transportOf(member, port);
            for (int attempt = 0; attempt < CHECK_ATTEMPTS && !shutting_down; attempt++) {
                // Both of its listening sockets: a firewall rule rejecting one port is no exit.
                if (refuses(member, new InetSocketAddress(port.getIpAddress(), port.getPort()))
                        && refuses(member, transport)) {
                    sink.accept(member);
                    return;
                }
                Thread.sleep(CHECK_PAUSE_MILLIS);
            }
            log.debug("%s: %s's port %s still accepts connections: not an exit", local_addr, member, port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            checked.incrementAndGet();
        }
    }

    /**
     * The address of {@code member}'s transport (its cluster port), as this node's transport knows
     * it; else the failure-detection port less this protocol's offset, where the stack put it.
     */
    private InetSocketAddress transportOf(Address member, IpAddress fdPort) {
        org.jgroups.PhysicalAddress known = getTransport().getPhysicalAddressFromCache(member);
        if (known instanceof IpAddress ip) {
            return new InetSocketAddress(ip.getIpAddress(), ip.getPort());
        }
        return new InetSocketAddress(fdPort.getIpAddress(), fdPort.getPort() - getOffset());
    }

    private boolean refuses(Address member, InetSocketAddress port) {
        try (Socket probe = new Socket()) {
            probe.connect(port, CHECK_TIMEOUT_MILLIS);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            log.debug("%s: %s's port %s did not answer (%s): not an exit", local_addr, member, port, other);
            return false;
        }
    }

    @Override
    public void stop() {
        checks.shutdownNow();
        super.stop();
    }
}
