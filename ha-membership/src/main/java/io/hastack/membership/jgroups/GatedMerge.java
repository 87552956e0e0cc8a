package io.hastack.membership.jgroups;

import java.util.Optional;
import org.jgroups.Address;
import org.jgroups.PhysicalAddress;
import org.jgroups.ViewId;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.MERGE3;

/**
 * JGroups' MERGE3 that takes merge information only from members the {@link NameGate} would admit.
 *
 * <p>MERGE3's coordinators collect every member's view id, and GMS lets the coordinator with the
 * lowest address among the subgroups lead the merge. A key holder whose name is not in the node
 * list (a node removed while it was cut off, and started again from its old file) is refused by
 * the name gate when it leads; but while its address is the lowest, every coordinator waits for it
 * to lead, and the cluster's partitions never merge again: found by the nemesis, three nodes each
 * alone, without quorum, their groups stopped. So information from such a member, or about a view
 * it created, is dropped here, counted as a refusal, and it never takes part in a merge. It keeps
 * MERGE3's protocol id, so its messages are the same on the wire.
 */
final class GatedMerge extends MERGE3 {
    private volatile NameGate gate;

    GatedMerge() {
        setId(ClassConfigurator.getProtocolId(MERGE3.class));
    }

    @Override
    public void init() throws Exception {
        super.init();
        gate = getProtocolStack() == null ? null : getProtocolStack().findProtocol(NameGate.class);
    }

    @Override
    protected void addInfo(Address sender, ViewId viewId, String logicalName, PhysicalAddress physicalAddr) {
        NameGate g = gate;
        if (g != null && sender != null && !sender.equals(local_addr)) {
            Optional<String> outsider =
                    g.mergeOutsider(sender, logicalName, viewId == null ? null : viewId.getCreator());
            if (outsider.isPresent()) {
                g.count("unknown node", "merge information from " + sender + " ignored: " + outsider.get());
                return;
            }
        }
        super.addInfo(sender, viewId, logicalName, physicalAddr);
    }
}
