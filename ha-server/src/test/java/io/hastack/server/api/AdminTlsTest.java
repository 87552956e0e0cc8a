package io.hastack.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.server.cli.Hastack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTPS with a PKCS12 keystore made by keytool: the CLI trusts the node's
 * self-signed certificate with --cacert and fails, saying so, without it; a wrong keystore password,
 * a keystore readable by others and a non-loopback address without TLS are refused at once, naming
 * the file or the address.
 */
@Tag("functional")
class AdminTlsTest {
    private static final String PASSWORD = "keystore-pass-42";

    @TempDir
    Path dir;

    private ApiCluster api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    private void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void private600(Path file) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theCliTrustsTheNodesCertificateWithCacert() throws Exception {
        Path keystore = dir.resolve("admin.p12");
        Path cert = dir.resolve("admin.pem");
        Path password = dir.resolve("admin.pass");
        keytool(
                "-genkeypair",
                "-alias",
                "hastack",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD,
                "-noprompt");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "hastack",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                cert.toString());
        Files.writeString(password, PASSWORD + "\n");
        private600(password);

        api = new ApiCluster(dir, 3);
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-r--r--"));
        AdminSettings.Tls tls = new AdminSettings.Tls(keystore, password);
        AdminSettings settings = AdminSettings.of(api.tokenFile).withPort(0).withTls(tls);
        IllegalArgumentException open =
                assertThrows(IllegalArgumentException.class, () -> new AdminServer(api.cluster.node("n1"), settings));
        assertTrue(open.getMessage().contains("chmod 600 " + keystore), open.getMessage());
        private600(keystore);

        AdminServer https = new AdminServer(api.cluster.node("n1"), settings);
        https.start();
        try {
            assertTrue(
                    https.uri().toString().startsWith("https://127.0.0.1:"),
                    https.uri().toString());
            String[] base = {"--url", https.uri().toString(), "--token-file", api.tokenFile.toString()};
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Hastack.run(
                    concat(base, "--cacert", cert.toString(), "status"),
                    Map.of(),
                    new PrintWriter(out),
                    new PrintWriter(err));
            assertEquals(0, code, err.toString());
            assertTrue(out.toString().startsWith("Cluster status from n1"), out.toString());

            StringWriter err2 = new StringWriter();
            int untrusted = Hastack.run(
                    concat(base, "status"), Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err2));
            assertEquals(Hastack.EXIT_UNREACHABLE, untrusted, err2.toString());
            assertTrue(err2.toString().contains("--cacert"), err2.toString());
        } finally {
            https.close();
        }

        Files.writeString(password, "wrong-password\n");
        IllegalArgumentException wrong =
                assertThrows(IllegalArgumentException.class, () -> new AdminServer(api.cluster.node("n1"), settings));
        assertTrue(wrong.getMessage().contains("admin TLS keystore " + keystore), wrong.getMessage());
    }

    @Test
    void aNetworkAddressNeedsTlsAndABadTokenFileIsNamed() throws Exception {
        api = new ApiCluster(dir, 3);
        AdminSettings network = AdminSettings.of(api.tokenFile).withPort(0).withBind("192.0.2.1");
        IllegalArgumentException clear =
                assertThrows(IllegalArgumentException.class, () -> new AdminServer(api.cluster.node("n1"), network));
        assertTrue(clear.getMessage().contains("192.0.2.1 is not a loopback address"), clear.getMessage());

        Path shortToken = dir.resolve("short.token");
        Files.writeString(shortToken, "abc\n");
        private600(shortToken);
        IllegalArgumentException tooShort = assertThrows(
                IllegalArgumentException.class,
                () -> new AdminServer(api.cluster.node("n1"), AdminSettings.of(shortToken)));
        assertTrue(tooShort.getMessage().contains("has 3 characters: use at least 16"), tooShort.getMessage());

        Path missing = dir.resolve("missing.token");
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class,
                () -> new AdminServer(api.cluster.node("n1"), AdminSettings.of(missing)));
        assertTrue(none.getMessage().contains("admin token file " + missing + " does not exist"), none.getMessage());

        Path open = dir.resolve("open.token");
        Files.writeString(open, "open-token-0123456789abcdef\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException readable = assertThrows(
                IllegalArgumentException.class, () -> new AdminServer(api.cluster.node("n1"), AdminSettings.of(open)));
        assertTrue(readable.getMessage().contains("chmod 600 " + open), readable.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
