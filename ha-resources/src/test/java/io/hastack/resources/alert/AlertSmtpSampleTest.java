package io.hastack.resources.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import io.hastack.testkit.InProcessCluster;
import io.hastack.testsupport.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pacemaker's SMTP sample alert agent (Debian's pacemaker-common), unchanged, through a real
 * failover. The sample mails each event with {@code sendmail -t -r}; here that is Debian's Postfix,
 * a private instance of it (its own configuration and queue in a temporary directory, no listening
 * port) that relays every mail to an SMTP receiver in this test. The sample is configured only by
 * alert attributes, as Pacemaker's {@code <instance_attributes>} configure it: {@code MAIL_CONFIG}
 * points Postfix's {@code sendmail} at the private instance, {@code email_sender} is the sender.
 */
@Tag("functional")
class AlertSmtpSampleTest {
    private static final Path SAMPLE = Path.of("/usr/share/pacemaker/alerts/alert_smtp.sh.sample");
    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path SENDMAIL = Path.of("/usr/sbin/sendmail");
    private static final String RECIPIENT = "ops@example.test";
    private static final String SENDER = "hastack@example.test";

    private final InProcessCluster cluster = new InProcessCluster();
    private AlertFailover failover;
    private SmtpReceiver smtp;
    private PrivatePostfix postfix;

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (failover != null) {
                failover.alerts.forEach(Alerts::close);
            }
            cluster.close();
        } finally {
            try {
                if (postfix != null) {
                    postfix.close();
                }
            } finally {
                if (smtp != null) {
                    smtp.close();
                }
            }
        }
    }

    @Test
    void pacemakersSmtpSampleMailsTheEventsOfAFailover() throws Exception {
        Prerequisites.requireExecutable(SAMPLE, "pacemaker-common");
        Prerequisites.requireExecutable(POSTFIX, "postfix");
        Prerequisites.requireExecutable(SENDMAIL, "postfix");
        Prerequisites.requireRoot("a private Postfix instance (the SMTP sample's sendmail) needs root");
        smtp = new SmtpReceiver();
        postfix = PrivatePostfix.start(smtp.port());

        failover = new AlertFailover(cluster)
                .run(n -> List.of(AlertSpec.of("smtp", new AlertSpec.Executable(SAMPLE))
                        .withRecipients(List.of(RECIPIENT))
                        .withAttributes(Map.of("MAIL_CONFIG", postfix.config().toString(), "email_sender", SENDER))));
        NodeId active = failover.active();
        NodeId survivor = failover.survivor();

        String started = "Resource operation 'start' for 'web' on '" + survivor.value() + "': OK";
        String lost = "Node '" + active.value() + "' is now 'lost'";
        InProcessCluster.waitUntil(
                () -> smtp.withSubject(started).isPresent()
                        && smtp.withSubject(lost).isPresent(),
                "mails with the subjects \"" + started + "\" and \"" + lost + "\" ("
                        + smtp.mails().size() + " mails so far; Postfix's log: " + postfix.log() + ")");
        Mail mail = smtp.withSubject(started).orElseThrow();
        assertEquals("<" + SENDER + ">", mail.sender(), "the envelope sender is email_sender (sendmail -r)");
        assertEquals(List.of("<" + RECIPIENT + ">"), mail.recipients(), "the recipient is the alert's");
        assertTrue(mail.header("To").contains(RECIPIENT), mail.text());
        assertTrue(mail.text().contains("CRM_alert_rsc=web"), "the body lists the alert's variables: " + mail.text());
        assertTrue(mail.text().contains("CRM_alert_task=start"), mail.text());
        assertEquals(0, failover.alertsOf(survivor).counts().failed(), "the sample exited 0 each time");
    }

    @Test
    void theReceiverTakesAMailAsPostfixSendsIt() throws Exception {
        // The receiver itself, without Postfix: a dot-stuffed line, two recipients, two mails.
        try (SmtpReceiver receiver = new SmtpReceiver();
                Socket s = new Socket(InetAddress.getLoopbackAddress(), receiver.port())) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("220"));
            for (String line : List.of("EHLO client", "MAIL FROM:<a@x>", "RCPT TO:<b@y>", "RCPT TO:<c@y>", "DATA")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = in.readLine();
                assertTrue(reply.startsWith(line.equals("DATA") ? "354" : "250"), line + " -> " + reply);
            }
            out.write("Subject: one\r\n\r\n..dot\r\n.\r\nMAIL FROM:<d@x>\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("250"));
            assertTrue(in.readLine().startsWith("250"));
            InProcessCluster.waitUntil(() -> receiver.mails().size() == 1, "one mail");
            Mail mail = receiver.mails().get(0);
            assertEquals("<a@x>", mail.sender());
            assertEquals(List.of("<b@y>", "<c@y>"), mail.recipients());
            assertEquals("one", mail.header("Subject"));
            assertEquals("Subject: one\n\n.dot\n", mail.text());
            assertTrue(receiver.withSubject("two").isEmpty());
        }
    }

    /** One mail as received: envelope sender, envelope recipients, and the text (lines joined by \n). */
    record Mail(String sender, List<String> recipients, String text) {
        /** The value of header {@code name}, or "" if the mail has none. */
        String header(String name) {
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty()) {
                    return "";
                }
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return "";
        }
    }

    /** An SMTP server on the loopback that keeps every mail it is given (no authentication, no TLS). */
    static final class SmtpReceiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final List<Mail> mails = new CopyOnWriteArrayList<>();
        private final List<Socket> clients = new CopyOnWriteArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "smtp-receiver");

        SmtpReceiver() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<Mail> mails() {
            return mails;
        }

        java.util.Optional<Mail> withSubject(String part) {
            return mails.stream()
                    .filter(m -> m.header("Subject").contains(part))
                    .findFirst();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    clients.add(s);
                    Thread t = new Thread(() -> serve(s), "smtp-session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                reply(out, "220 receiver ESMTP");
                String sender = "";
                List<String> recipients = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                    switch (verb) {
                        case "EHLO", "HELO" -> reply(out, "250 receiver");
                        case "MAIL" -> {
                            sender = line.substring(line.indexOf(':') + 1).trim();
                            recipients = new ArrayList<>();
                            reply(out, "250 ok");
                        }
                        case "RCPT" -> {
                            recipients.add(line.substring(line.indexOf(':') + 1).trim());
                            reply(out, "250 ok");
                        }
                        case "DATA" -> {
                            reply(out, "354 end with a line of a single dot");
                            StringBuilder text = new StringBuilder();
                            while ((line = in.readLine()) != null && !line.equals(".")) {
                                text.append(line.startsWith(".") ? line.substring(1) : line)
                                        .append('\n');
                            }
                            mails.add(new Mail(sender, List.copyOf(recipients), text.toString()));
                            reply(out, "250 ok: queued");
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye");
                            return;
                        }
                        default -> reply(out, "250 ok"); // RSET, NOOP
                    }
                }
            } catch (IOException e) {
                // the client went away, or the receiver closed
            }
        }

        private static void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : clients) {
                s.close();
            }
            try {
                acceptor.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A Postfix instance of its own: configuration, queue and data in a temporary directory, no
     * listening port ({@code master_service_disable = inet}), every mail relayed to 127.0.0.1:port,
     * its master daemon in the foreground as this JVM's child, its log in the directory.
     */
    static final class PrivatePostfix implements AutoCloseable {
        private final Path dir;
        private final Process master;

        private PrivatePostfix(Path dir, Process master) {
            this.dir = dir;
            this.master = master;
        }

        static PrivatePostfix start(int relayPort) throws IOException, InterruptedException {
            // Postfix's daemons run as the user postfix and must reach the queue: not JUnit's 0700
            // temporary directory, one of its own that others may traverse.
            Path dir = Files.createTempDirectory(
                    "hastack-postfix",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.createDirectory(dir.resolve("queue"));
            Path data = Files.createDirectory(dir.resolve("data"));
            UserPrincipal owner =
                    dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
            Files.setOwner(data, owner);
            // Debian's pristine master.cf: the system's may be changed, or absent ("No configuration").
            Files.copy(Path.of("/usr/share/postfix/master.cf.dist"), dir.resolve("master.cf"));
            Files.writeString(
                    dir.resolve("main.cf"),
                    String.join(
                            "\n",
                            "compatibility_level = 3.6",
                            "queue_directory = " + dir.resolve("queue"),
                            "data_directory = " + data,
                            "command_directory = /usr/sbin",
                            "daemon_directory = /usr/lib/postfix/sbin",
                            "mail_owner = postfix",
                            "setgid_group = postdrop",
                            "inet_interfaces = loopback-only",
                            "master_service_disable = inet",
                            "mydestination =",
                            "myhostname = node.example.test",
                            "relayhost = [127.0.0.1]:" + relayPort,
                            "maillog_file = /dev/stdout",
                            ""));
            Process master = new ProcessBuilder(POSTFIX.toString(), "-c", dir.toString(), "start-fg")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("postfix.log").toFile())
                    .start();
            PrivatePostfix postfix = new PrivatePostfix(dir, master);
            try {
                InProcessCluster.waitUntil(() -> !master.isAlive() || postfix.status() == 0, "Postfix to start");
                if (!master.isAlive()) {
                    throw new IllegalStateException("Postfix did not start: " + postfix.log());
                }
                return postfix;
            } catch (RuntimeException | Error e) {
                String log = postfix.log();
                postfix.close(); // nothing of it may outlive the test
                throw new IllegalStateException("Postfix did not start; its log: " + log, e);
            }
        }

        Path config() {
            return dir;
        }

        private int status() {
            try {
                return postfix("status");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** Runs {@code postfix -c DIR command}: its exit status, or -1 if it took over 30 s (then killed). */
        private int postfix(String command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(POSTFIX.toString(), "-c", dir.toString(), command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (p.waitFor(30, TimeUnit.SECONDS)) {
                return p.exitValue();
            }
            p.destroyForcibly();
            return -1;
        }

        String log() {
            try {
                return Files.readString(dir.resolve("postfix.log"));
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** Stops the master and all its daemons, and removes the directory. */
        @Override
        public void close() throws IOException {
            List<ProcessHandle> daemons = master.descendants().toList();
            boolean outlived = false;
            try {
                if (master.isAlive()) {
                    postfix("stop");
                }
                if (!master.waitFor(30, TimeUnit.SECONDS)) {
                    master.destroyForcibly();
                }
                for (ProcessHandle d : daemons) {
                    try {
                        d.onExit().get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        outlived = true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // Whatever happened above: nothing of this instance outlives the test.
                master.destroyForcibly();
                daemons.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            if (outlived) {
                throw new IllegalStateException("a Postfix daemon outlived its master by 30 s");
            }
        }
    }
}
