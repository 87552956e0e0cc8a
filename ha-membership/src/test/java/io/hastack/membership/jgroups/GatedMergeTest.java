package io.hastack.membership.jgroups;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.spi.membership.MembershipListener;
import java.time.Duration;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.AddressGenerator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A key holder outside the node list (a node removed while cut off, started again from its old
 * file) whose address sorts first, so that JGroups would let it lead every merge, does not keep a
 * split cluster apart: the configured members ignore its merge information and merge among
 * themselves. Found by the nemesis (seed 38431037712841), where three nodes stayed alone, without
 * quorum, while each refused the removed node's merges.
 */
@Tag("functional")
class GatedMergeTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(30);

    @Test
    void aRemovedNodeWithTheLowestAddressDoesNotKeepTheClusterSplit() throws Exception {
        try (InProcessMembers members = new InProcessMembers("gated-merge")) {
            JGroupsConfig config = members.standard();
            List<JGroupsMembership> nodes = List.of("n1", "n2", "n3").stream()
                    .map(n -> members.start(n, config, new MembershipListener() {}))
                    .toList();
            await().atMost(WAIT).until(() -> nodes.stream().allMatch(m -> InProcessMembers.size(m) == 3));

            // Three partitions of one each.
            for (JGroupsMembership m : nodes) {
                JGroupsFaults.of(m)
                        .isolateFrom(nodes.stream().filter(o -> o != m).toList());
            }
            await().atMost(WAIT).until(() -> nodes.stream().allMatch(m -> InProcessMembers.size(m) == 1));

            // The removed node: the cluster's key, its own (old) node list, the lowest address.
            List<Protocol> stack = config.protocols("n4");
            stack.stream().filter(GMS.class::isInstance).map(GMS.class::cast).forEach(gms -> gms.setMaxJoinAttempts(1));
            try (JChannel removed = new JChannel(stack)) {
                removed.name("n4");
                removed.addAddressGenerator(new AddressGenerator() {
                    @Override
                    @SuppressWarnings("deprecation") // JGroups' interface still requires it
                    public org.jgroups.Address generateAddress() {
                        return new UUID(Long.MIN_VALUE, 1);
                    }
                });
                DISCARD cutOff = removed.getProtocolStack().findProtocol(DISCARD.class);
                cutOff.discardAll(true); // it starts alone, as after the partition that removed it
                removed.connect(members.cluster());
                cutOff.discardAll(false);

                nodes.forEach(m -> JGroupsFaults.of(m).heal());
                await().atMost(WAIT).until(() -> nodes.stream().allMatch(m -> InProcessMembers.size(m) == 3));
                // The three may merge before the removed node's first merge information (it sends
                // one every merge interval): wait for it to be refused and counted.
                await().atMost(WAIT)
                        .alias("the removed node's merge information or requests were refused and counted")
                        .until(() -> nodes.stream().anyMatch(m -> m.refused().count("unknown node") > 0));
                assertTrue(
                        nodes.stream()
                                .allMatch(m -> m.currentView().orElseThrow().members().stream()
                                        .noneMatch(n -> n.value().equals("n4"))),
                        "the removed node is in no view");
            }
        }
    }
}
