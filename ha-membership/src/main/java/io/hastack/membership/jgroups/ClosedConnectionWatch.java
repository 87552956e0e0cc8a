package io.hastack.membership.jgroups;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    /**
     * Where closes are checked and exits reported (the sink runs here). Its thread starts with the
     * protocol ({@link #start}), not at the first close, in the middle of a failover.
     */
    private final ThreadPoolExecutor checks =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
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
     * Tells the sink of {@code member} if its failure-detection port {@code port} and its
     * transport's port refuse connections ({@link #bothRefuse}).
     */
    private void confirmExit(Address member, IpAddress port) {
        try {
            if (bothRefuse(
                    member, new InetSocketAddress(port.getIpAddress(), port.getPort()), transportOf(member, port))) {
                sink.accept(member);
            } else {
                log.debug("%s: %s's ports %s still accept connections: not an exit", local_addr, member, port);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            checked.incrementAndGet();
        }
    }

    /**
     * True if {@code member}, at the transport address this node knows for it now, has exited: its
     * transport's port and its failure-detection port (the transport's plus this protocol's
     * offset) both refuse connections ({@link #bothRefuse}). False if its address is not known.
     * Blocks for up to a few seconds; not on a protocol or event thread.
     */
    boolean exited(Address member) throws InterruptedException {
        org.jgroups.PhysicalAddress known = getTransport().getPhysicalAddressFromCache(member);
        if (!(known instanceof IpAddress ip)) {
            return false;
        }
        InetSocketAddress transport = new InetSocketAddress(ip.getIpAddress(), ip.getPort());
        InetSocketAddress fd = new InetSocketAddress(ip.getIpAddress(), ip.getPort() + getOffset());
        return bothRefuse(member, fd, transport);
    }

    /**
     * True if both ports refuse a connection: the kernel closed both listening sockets, so the
     * process is gone (a firewall rule rejecting one port is no exit). A process being killed may
     * close the watched connection, and one socket, a moment before the other, so an accepted
     * connection is tried again, {@value #CHECK_PAUSE_MILLIS} ms apart: the failure-detection port
     * {@value #CHECK_ATTEMPTS} times, then the transport's as many times more; a running (or
     * frozen) process accepts every time.
     */
    private boolean bothRefuse(Address member, InetSocketAddress fd, InetSocketAddress transport)
            throws InterruptedException {
        boolean fdRefused = false;
        for (int attempt = 0; attempt < 2 * CHECK_ATTEMPTS && !shutting_down; attempt++) {
            fdRefused = fdRefused || refuses(member, fd);
            if (fdRefused && refuses(member, transport)) {
                return true;
            }
            if (!fdRefused && attempt + 1 >= CHECK_ATTEMPTS) {
                return false;
            }
            Thread.sleep(CHECK_PAUSE_MILLIS);
        }
        return false;
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
    public void start() throws Exception {
        super.start();
        checks.prestartCoreThread();
    }

    @Override
    public void stop() {
        checks.shutdownNow();
        super.stop();
    }
}
