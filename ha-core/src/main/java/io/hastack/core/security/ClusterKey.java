package io.hastack.core.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every member of a cluster holds: 256 random bits, kept in a file readable by the node's
 * account only (as Corosync's {@code authkey}). Each use gets a key of its own, derived with
 * HMAC-SHA256 under a label ({@link #derive}), so that the membership's encryption key and the
 * message authentication key are never the same bytes. Immutable; {@link #toString()} shows the
 * fingerprint, never the key.
 *
 * <p>Generate one with {@code java -cp ha-core.jar io.hastack.core.security.ClusterKey FILE}, copy it
 * to every node (see {@code docs/security.md} for rotation).
 */
public final class ClusterKey {
    /** The key's length in bytes. */
    public static final int LENGTH = 32;

    private static final String HEADER = "hastack-cluster-key-v1 ";
    private final byte[] key;

    private ClusterKey(byte[] key) {
        this.key = key.clone();
    }

    /** A new random key. */
    public static ClusterKey generate() {
        byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new ClusterKey(bytes);
    }

    /**
     * A key from its 32 bytes (for applications that keep it elsewhere, e.g. a secret store).
     *
     * @throws IllegalArgumentException if {@code bytes} is null or not 32 bytes long
     */
    public static ClusterKey of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("cluster key must be " + LENGTH + " bytes, was "
                    + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        return new ClusterKey(bytes);
    }

    /**
     * Reads a key file written by {@link #writeTo}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it: missing, readable
     *     by other accounts, or not a key
     */
    public static ClusterKey load(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("cluster key file must not be null");
        }
        String text;
        try {
            PrivateFiles.requirePrivate(file, "cluster key file");
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cluster key file " + file + " does not exist (generate one with"
                    + " 'java -cp ha-core.jar io.hastack.core.security.ClusterKey " + file + "')");
        } catch (IOException e) {
            throw new IllegalArgumentException("cluster key file " + file + " cannot be read: " + e, e);
        }
        if (!text.startsWith(HEADER)) {
            throw new IllegalArgumentException("cluster key file " + file + " is not an HA Stack key: it must hold one"
                    + " line '" + HEADER + "<base64 of " + LENGTH + " bytes>'");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.substring(HEADER.length()).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster key file " + file + " holds invalid base64: " + e.getMessage());
        }
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException(
                    "cluster key file " + file + " holds " + bytes.length + " bytes, not " + LENGTH);
        }
        return new ClusterKey(bytes);
    }

    /**
     * Writes this key to a new file readable and writable by its owner only.
     *
     * @throws IllegalArgumentException if the file exists (a key is never overwritten by accident)
     * @throws IOException if it cannot be written
     */
    public void writeTo(Path file) throws IOException {
        byte[] text = (HEADER + Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("cluster key file " + file + " exists; not overwriting a key", e);
        }
        Files.write(file, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A key of {@code length} bytes for one use, derived from this key under {@code label}. */
    public byte[] derive(String label, int length) {
        if (length < 1 || length > 32) {
            throw new IllegalArgumentException("derived key length must be 1-32 bytes, was " + length);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(("hastack/" + label).getBytes(StandardCharsets.UTF_8)), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A short public name of this key, the same on every node that holds it: for logs and status. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(derive("fingerprint", 32));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey k && MessageDigest.isEqual(key, k.key);
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        return "ClusterKey[" + fingerprint() + "]";
    }

    /**
     * Writes a new key to the file named by the only argument.
     *
     * @param args the file to create
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp ha-core.jar io.hastack.core.security.ClusterKey FILE");
            System.exit(2);
        }
        ClusterKey k = generate();
        k.writeTo(Path.of(args[0]));
        System.out.println(
                "wrote cluster key " + k.fingerprint() + " to " + args[0] + "; copy it to every node (mode 600)");
    }
}
