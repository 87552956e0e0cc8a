package io.hastack.membership.jgroups;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.conf.ClassConfigurator;

/**
 * The node name a member claims when it joins or merges, carried in JGroups' {@code AUTH} header
 * and judged by {@link NameGate}. Carries no secret: what proves membership is the cluster key
 * ({@link SealedEncrypt}); this says who the member says it is. Public with a public constructor
 * because JGroups creates tokens reflectively.
 */
public final class NodeNameToken extends AuthToken {
    private static final short MAGIC = 1902;

    static {
        if (ClassConfigurator.getMagicNumber(NodeNameToken.class) == -1) {
            ClassConfigurator.add(MAGIC, NodeNameToken.class);
        }
    }

    private String node = "";

    /** For JGroups. */
    public NodeNameToken() {}

    NodeNameToken(String node) {
        this.node = node;
    }

    /** The claimed node name. */
    String node() {
        return node;
    }

    @Override
    public String getName() {
        return "hastack-node-name";
    }

    @Override
    public int size() {
        return 2 + node.length() * 3;
    }

    /** Never used: {@link NameGate} judges tokens itself, with the reason it refuses. */
    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return false;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeUTF(node);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        node = in.readUTF();
    }

    @Override
    public String toString() {
        return "node " + node;
    }
}
