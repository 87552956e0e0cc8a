package io.hastack.membership.jgroups;

import io.hastack.core.model.NodeId;
import io.hastack.core.security.Refusals;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.auth.AuthToken;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.AuthHeader;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.NameCache;

/**
 * JGroups' {@link AUTH}, judging who may join or merge by name: a joiner, and the coordinator of a
 * partition that merges or answers, must claim a valid node name ({@link NodeNameToken}) that is
 * configured, the name its discovery announced, from a configured address (TCP); a joiner must not
 * claim the name of a live member (that member is then asked to prove it is alive, so a restarted
 * node gets in as soon as its old incarnation is gone). A refused joiner gets the reason in its
 * join response; the refusal is counted and logged (rate-limited).
 */
final class NameGate extends AUTH {
    private static final short ID = 1096;

    static {
        if (ClassConfigurator.getProtocolId(NameGate.class) == 0) {
            ClassConfigurator.addProtocol(ID, NameGate.class);
        }
    }

    /** What to check against; set by the membership before the channel connects. */
    record Rules(Set<NodeId> admitted, List<InetSocketAddress> hosts) {}

    private volatile Rules rules = new Rules(Set.of(), List.of());
    private volatile Refusals refusals;
    private volatile Consumer<Address> verify = a -> {};
    private volatile View view;

    NameGate(String self) {
        setAuthToken(new NodeNameToken(self));
        getAuthToken().setAuth(this);
    }

    void rules(Rules rules) {
        this.rules = rules;
    }

    void refusals(Refusals refusals) {
        this.refusals = refusals;
    }

    /** How to ask the membership to check that a member is alive. */
    void onDuplicate(Consumer<Address> verify) {
        this.verify = verify;
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
        }
        return super.up(evt);
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
        }
        return super.down(evt);
    }

    @Override
    protected boolean handleAuthHeader(GMS.GmsHeader gms, AuthHeader auth, Message msg) {
        if (!needsAuthentication(msg, gms)) {
            return true;
        }
        Address who = msg.getSrc();
        Optional<String[]> refusal = judge(gms.getType(), who, auth.getToken());
        if (refusal.isEmpty()) {
            return true;
        }
        String reason = refusal.get()[0];
        String detail = refusal.get()[1];
        Refusals r = refusals;
        if (r != null) {
            r.refuse(reason, detail);
        }
        sendRejectionMessage(gms.getType(), who, "refused by " + local_addr + ": " + detail);
        return false;
    }

    /** Empty if {@code who} may do what a GMS message of {@code type} asks, else reason and detail. */
    private Optional<String[]> judge(byte type, Address who, AuthToken token) {
        String claimed = token instanceof NodeNameToken t ? t.node() : null;
        String what = switch (type) {
            case GMS.GmsHeader.JOIN_REQ, GMS.GmsHeader.JOIN_REQ_WITH_STATE_TRANSFER -> "join";
            case GMS.GmsHeader.JOIN_RSP -> "join response";
            default -> "merge";
        };
        if (claimed == null) {
            return refuse("no node name", what + " from " + who + " carries no node name");
        }
        NodeId node;
        try {
            node = NodeId.of(claimed);
        } catch (IllegalArgumentException e) {
            return refuse("invalid name", what + " from " + who + ": " + e.getMessage());
        }
        String announced = NameCache.get(who);
        if (announced != null && !announced.equals(claimed)) {
            return refuse(
                    "invalid name",
                    what + " from " + who + " claims node " + claimed + " but announced itself as " + announced);
        }
        Rules current = rules;
        if (!current.admitted().isEmpty() && !current.admitted().contains(node)) {
            return refuse(
                    "unknown node",
                    what + " from " + who + ": node " + claimed + " is not in the configured node list "
                            + current.admitted());
        }
        if (!current.hosts().isEmpty()) {
            Object physical = down_prot.down(new Event(Event.GET_PHYSICAL_ADDRESS, who));
            if (physical instanceof IpAddress ip) {
                InetSocketAddress at = new InetSocketAddress(ip.getIpAddress(), ip.getPort());
                if (!current.hosts().contains(at)) {
                    return refuse(
                            "unknown address",
                            what + " from node " + claimed + " at " + at + ", which is not a configured node address "
                                    + current.hosts());
                }
            }
            // An address not known yet (a merge from a partition this node has not discovered) is let
            // through: the seal already proves a key holder; the address check catches misconfiguration.
        }
        View v = view;
        if (v != null && (type == GMS.GmsHeader.JOIN_REQ || type == GMS.GmsHeader.JOIN_REQ_WITH_STATE_TRANSFER)) {
            for (Address member : v.getMembers()) {
                if (!member.equals(who) && claimed.equals(NameCache.get(member))) {
                    verify.accept(member);
                    return refuse(
                            "name in use",
                            "join from " + who + " claims node " + claimed + ", which is the live member " + member
                                    + " (checking that it is alive; a restarted node gets in once its old"
                                    + " incarnation is gone)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Empty if merge information from {@code sender} may count: else why not. The sender's name (the
     * one it gives, {@code claimed}, and the one it announced) and the name of the creator of the
     * view it reports must not be outside the configured node list; a name not known yet passes.
     */
    Optional<String> mergeOutsider(Address sender, String claimed, Address creator) {
        Set<NodeId> admitted = rules.admitted();
        if (admitted.isEmpty()) {
            return Optional.empty();
        }
        for (String name : new String[] {claimed, NameCache.get(sender)}) {
            if (name != null && !admits(admitted, name)) {
                return Optional.of("node " + name + " is not in the configured node list " + admitted);
            }
        }
        String made = creator == null || creator.equals(sender) ? null : NameCache.get(creator);
        if (made != null && !admits(admitted, made)) {
            return Optional.of(
                    "its view was made by node " + made + ", which is not in the configured node list " + admitted);
        }
        return Optional.empty();
    }

    private static boolean admits(Set<NodeId> admitted, String name) {
        try {
            return admitted.contains(NodeId.of(name));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Counts and logs (rate-limited) a refusal made outside a join or merge request. */
    void count(String reason, String detail) {
        Refusals r = refusals;
        if (r != null) {
            r.refuse(reason, detail);
        }
    }

    private static Optional<String[]> refuse(String reason, String detail) {
        return Optional.of(new String[] {reason, detail});
    }
}
