package io.hastack.membership.jgroups;

import io.hastack.core.security.ClusterKey;
import io.hastack.core.security.Refusals;
import java.util.Arrays;
import java.util.Iterator;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.MessageBatch;

/**
 * JGroups' {@link SYM_ENCRYPT} with the cluster key and an authenticated cipher: ChaCha20-Poly1305
 * with a random 96-bit nonce per message, so that a message that was not sealed with the key, or was
 * changed on the way, fails to decrypt and is dropped. (SYM_ENCRYPT's default, AES in ECB mode,
 * hides the content but lets a forged or altered message through; AES-GCM needs parameters
 * SYM_ENCRYPT cannot pass.) Placed directly above the transport with {@code SERIALIZE} above it,
 * so every message of every protocol, headers included, is sealed.
 *
 * <p>What is dropped is counted by reason in the membership's {@link Refusals} and logged at most
 * once per interval, never once per message.
 */
@SuppressWarnings("unchecked") // SYM_ENCRYPT's own signatures, inherited
final class SealedEncrypt extends SYM_ENCRYPT {
    /** The authenticated cipher (JDK 11+, SunJCE). */
    static final String CIPHER = "ChaCha20-Poly1305";

    private static final short ID = 1094;

    static {
        if (ClassConfigurator.getProtocolId(SealedEncrypt.class) == 0) {
            ClassConfigurator.addProtocol(ID, SealedEncrypt.class);
        }
    }

    private volatile Refusals refusals;

    SealedEncrypt(ClusterKey key) {
        // Set directly: SYM_ENCRYPT's setSecretKey would replace the transformation with the key's
        // bare algorithm ("ChaCha20", unauthenticated).
        this.secret_key = new SecretKeySpec(key.derive("jgroups-chacha20-poly1305", 32), "ChaCha20");
        this.sym_algorithm = CIPHER;
        this.sym_iv_length = 12;
    }

    /** Where drops are counted. */
    void refusals(Refusals refusals) {
        this.refusals = refusals;
    }

    private void refuse(String reason, Message msg) {
        Refusals r = refusals;
        if (r != null) {
            r.refuse(
                    reason,
                    "message from " + msg.getSrc() + " (" + msg.getLength() + " bytes) could not be opened"
                            + " with the cluster key");
        }
    }

    @Override
    public Object up(Message msg) {
        if (msg.getHeader(id) == null) {
            refuse("not sealed", msg);
            return null;
        }
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            if (msg.getHeader(id) == null) {
                refuse("not sealed", msg);
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            super.up(batch);
        }
    }

    @Override
    protected Message decrypt(Cipher cipher, Message msg) throws Exception {
        EncryptHeader hdr = msg.getHeader(id);
        if (!msg.hasPayload()) {
            refuse("not sealed", msg);
            return null;
        }
        if (!Arrays.equals(hdr.version(), symVersion())) {
            refuse("wrong key", msg);
            return null;
        }
        try {
            return super.decrypt(cipher, msg);
        } catch (Exception e) {
            // AEADBadTagException: not sealed with this key, or altered on the way
            refuse("wrong key", msg);
            return null;
        }
    }
}
