package io.hastack.membership.zookeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The ZooKeeper identity the quorum device authenticates as (ZooKeeper's {@code digest} scheme),
 * read from a file readable by the node's account only, holding one line {@code user:password}.
 * Every znode the device creates then carries an ACL that gives that identity, and no one else,
 * every right: another client cannot read, claim the tie or take epochs. Every node of a cluster
 * uses the same identity. Immutable; {@link #toString()} never shows the password.
 */
public final class ZooKeeperAuth {
    private final String user;
    private final String password;

    private ZooKeeperAuth(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /**
     * The identity {@code user} with {@code password}.
     *
     * @throws IllegalArgumentException if either is empty or the user contains ':'
     */
    public static ZooKeeperAuth of(String user, String password) {
        if (user == null || user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException(
                    "ZooKeeper user must be non-empty and contain no ':', was '" + user + "'");
        }
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException(
                    "ZooKeeper password of user " + user + " must have at least 12 characters");
        }
        return new ZooKeeperAuth(user, password);
    }

    /**
     * Reads {@code user:password} from {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: missing, readable by other
     *     accounts, not one {@code user:password} line
     */
    public static ZooKeeperAuth load(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("ZooKeeper credentials file must not be null");
        }
        String text;
        try {
            io.hastack.core.security.PrivateFiles.requirePrivate(file, "ZooKeeper credentials file");
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("ZooKeeper credentials file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("ZooKeeper credentials file " + file + " cannot be read: " + e, e);
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || text.contains("\n")) {
            throw new IllegalArgumentException(
                    "ZooKeeper credentials file " + file + " must hold one line 'user:password'");
        }
        return of(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The user. */
    public String user() {
        return user;
    }

    /** What the client sends to authenticate ({@code digest} scheme). */
    byte[] authBytes() {
        return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    /** The ACL of every znode the device creates: all rights to this identity only. */
    List<ACL> acl() {
        try {
            String digest = DigestAuthenticationProvider.generateDigest(user + ":" + password);
            // a mutable list: ZooKeeper asks it contains(null), which List.of refuses
            return new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is not available for ZooKeeper's digest", e);
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperAuth[digest " + user + "]";
    }
}
