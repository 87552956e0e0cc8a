package io.hastack.resources.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.testkit.InProcessCluster;
import io.hastack.testsupport.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacemaker's SNMP sample alert agent (Debian's pacemaker-common), unchanged, through a real
 * failover: it sends real traps with net-snmp's {@code snmptrap} to a UDP socket here, configured
 * only by alert attributes, as Pacemaker's {@code <instance_attributes>} configure it.
 */
@Tag("functional")
class AlertSnmpSampleTest {
    private static final Path SAMPLES = Path.of("/usr/share/pacemaker/alerts");
    private static final Path SNMPTRAP = Path.of("/usr/bin/snmptrap");
    private static final Path PACEMAKER_MIB = Path.of("/usr/share/snmp/mibs/PCMK-MIB.txt");

    /** PACEMAKER-MIB's root, IANA's enterprise number 32723 for the Pacemaker project. */
    private static final int[] PACEMAKER = {1, 3, 6, 1, 4, 1, 32723};

    @TempDir
    Path dir;

    private final InProcessCluster cluster = new InProcessCluster();
    private AlertFailover failover;
    private TrapReceiver traps;

    @AfterEach
    void tearDown() {
        if (failover != null) {
            failover.alerts.forEach(Alerts::close);
        }
        cluster.close();
        if (traps != null) {
            traps.close();
        }
    }

    @Test
    void pacemakersSnmpSampleSendsTrapsOfPacemakersMibDuringAFailover() throws Exception {
        Path sample = SAMPLES.resolve("alert_snmp.sh.sample");
        Prerequisites.requireExecutable(sample, "pacemaker-common");
        Prerequisites.require(
                Files.isReadable(PACEMAKER_MIB),
                PACEMAKER_MIB + " is not installed (apt-get install pacemaker-common)");
        Prerequisites.requireExecutable(SNMPTRAP, "snmp");
        traps = new TrapReceiver();
        Path persistent = Files.createDirectory(dir.resolve("snmp"));
        // Debian's snmp loads no MIB (its /etc/snmp/snmp.conf says "mibs :") and ships no IETF MIB:
        // load PACEMAKER-MIB, and find the few IETF nodes it and the sample need in the test's stubs.
        String options = "-M +" + mibStubs() + " -m PACEMAKER-MIB:HOST-RESOURCES-MIB";

        failover = new AlertFailover(cluster)
                .run(n -> List.of(AlertSpec.of("snmp", new AlertSpec.Executable(sample))
                        .withRecipients(List.of("udp:127.0.0.1:" + traps.port()))
                        .withAttributes(
                                Map.of("trap_options", options, "trap_snmp_persistent_dir", persistent.toString()))));
        NodeId active = failover.active();
        NodeId survivor = failover.survivor();

        byte[] trapOid = oid(concat(PACEMAKER, 2, 1)); // pacemakerNotificationTrap
        byte[] nodeOid = oid(concat(PACEMAKER, 1, 1)); // pacemakerNotificationNode
        InProcessCluster.waitUntil(
                () -> traps.received().stream()
                        .anyMatch(t -> contains(t, trapOid)
                                && contains(t, nodeOid)
                                && contains(t, octetString(survivor.value()))
                                && contains(t, octetString("web"))
                                && contains(t, octetString("start"))
                                && contains(t, octetString("OK"))),
                "a trap for the start of web on " + survivor + " ("
                        + traps.received().size() + " traps so far)");
        InProcessCluster.waitUntil(
                () -> traps.received().stream()
                        .anyMatch(t -> contains(t, trapOid)
                                && contains(t, octetString(active.value()))
                                && contains(t, octetString("lost"))),
                "a trap for the loss of " + active);
        assertEquals(0, failover.alertsOf(survivor).counts().failed(), "the sample exited 0");
    }

    private static Path mibStubs() {
        try {
            return Path.of(AlertSnmpSampleTest.class.getResource("mibs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] concat(int[] prefix, int... more) {
        int[] all = Arrays.copyOf(prefix, prefix.length + more.length);
        System.arraycopy(more, 0, all, prefix.length, more.length);
        return all;
    }

    /** {@code arcs} as a BER OBJECT IDENTIFIER (tag 6, short length). */
    static byte[] oid(int... arcs) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(40 * arcs[0] + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int groups = 1;
            while ((arc >>> (7 * groups)) != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                body.write(((arc >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
            }
        }
        byte[] b = body.toByteArray();
        byte[] out = new byte[b.length + 2];
        out[0] = 0x06;
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    /** {@code s} as a BER OCTET STRING (tag 4, short length). */
    static byte[] octetString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = 0x04;
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void theBerEncodingOfPacemakersOidIsAsNetSnmpWritesIt() {
        // 1.3 is one byte (40 * 1 + 3); 32723 = 0x7FD3 takes three base-128 digits: 0x81 0xFF 0x53.
        assertArrayEquals(new byte[] {6, 8, 0x2b, 6, 1, 4, 1, (byte) 0x81, (byte) 0xff, 0x53}, oid(PACEMAKER));
        assertTrue(contains(new byte[] {9, 4, 2, 'o', 'k', 9}, octetString("ok")));
        assertFalse(contains(new byte[] {4, 2, 'o'}, octetString("ok")));
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A UDP socket on the loopback that keeps every datagram it gets. */
    private static final class TrapReceiver implements AutoCloseable {
        private final DatagramSocket socket =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final List<byte[]> received = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::receive, "trap-receiver");

        TrapReceiver() throws SocketException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<byte[]> received() {
            return received;
        }

        private void receive() {
            byte[] buffer = new byte[65_535];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(p);
                } catch (IOException e) {
                    return; // closed
                }
                received.add(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
            }
        }

        @Override
        public void close() {
            socket.close();
            join(thread);
        }
    }
}
