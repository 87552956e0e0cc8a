package io.hastack.server.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how the admin API listens: the bind address, the port, the file holding the bearer
 * token, and TLS if wanted. Immutable.
 *
 * @param bind the address to listen on, {@code 127.0.0.1} by default; any other than a loopback
 *     address needs {@code tls}, so that the token never crosses a network in clear
 * @param port the TCP port, {@link #DEFAULT_PORT} by default; 0 picks a free one (tests)
 * @param tokenFile the file holding the bearer token (mode 600, at least 16 characters)
 * @param tls the keystore to serve HTTPS with, if any
 */
public record AdminSettings(String bind, int port, Path tokenFile, Optional<Tls> tls) {
    /** The admin API's port unless configured otherwise. */
    public static final int DEFAULT_PORT = 7870;
    /** The admin API's address unless configured otherwise: this host only. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /** Validates the fields. */
    public AdminSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(tls, "tls");
        if (bind.isBlank()) {
            throw new IllegalArgumentException("admin bind address must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port " + port + " is out of range 0-65535");
        }
    }

    /** The defaults: {@code 127.0.0.1:7870}, plain HTTP, the token in {@code tokenFile}. */
    public static AdminSettings of(Path tokenFile) {
        return new AdminSettings(DEFAULT_BIND, DEFAULT_PORT, tokenFile, Optional.empty());
    }

    /** These settings with {@code newPort}. */
    public AdminSettings withPort(int newPort) {
        return new AdminSettings(bind, newPort, tokenFile, tls);
    }

    /** These settings with {@code newBind}. */
    public AdminSettings withBind(String newBind) {
        return new AdminSettings(newBind, port, tokenFile, tls);
    }

    /** These settings serving HTTPS with {@code newTls}. */
    public AdminSettings withTls(Tls newTls) {
        return new AdminSettings(bind, port, tokenFile, Optional.of(newTls));
    }

    /**
     * HTTPS for the admin API.
     *
     * @param keystore a PKCS12 keystore with the server's key and certificate (mode 600)
     * @param passwordFile the file holding the keystore's password (mode 600)
     */
    public record Tls(Path keystore, Path passwordFile) {
        /** Validates the fields. */
        public Tls {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
    }
}
