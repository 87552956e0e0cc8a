package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeChange;
import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.QuorumKeeper.Quorum;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quorum rule while the node list changes, checked exhaustively for small clusters with the
 * real {@link QuorumKeeper}: for every change of one node, every way to split the nodes into two
 * partitions (and nodes that are down), and every configuration each partition can act on, the two
 * partitions are never both quorate unless both needed the quorum device's tie-break (which grants
 * at most one of two disjoint claims). See {@code docs/design/node-list-changes.md}.
 */
class NodeListQuorumTest {
    /** The three configurations a node can hold around one change. */
    private enum Holds {
        OLD,
        JOINT,
        NEW
    }

    /** How a partition came out. */
    private enum Outcome {
        NOT_QUORATE,
        MAJORITY,
        TIE
    }

    private static List<NodeId> names(int n) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(NodeId.of("n" + i));
        }
        return out;
    }

    private static ClusterConfig config(List<NodeId> nodes, List<NodeId> previous) {
        return ClusterConfig.builder()
                .nodes(nodes.stream().map(NodeId::value).toArray(String[]::new))
                .previousNodes(previous)
                .build();
    }

    /** Decides quorum for a partition of {@code members} holding {@code config}, by the real keeper. */
    private static Outcome decide(ClusterConfig config, Set<NodeId> members) {
        ScriptedQuorumDevice device = new ScriptedQuorumDevice(); // the worst case: it grants every claim
        NodeId self = members.iterator().next();
        QuorumKeeper keeper = new QuorumKeeper(
                self, LiveConfig.of(config), Optional.of(device), Runnable::run, new ImmediateQuorumHost());
        List<NodeId> sorted = members.stream()
                .sorted(java.util.Comparator.comparing(NodeId::value))
                .toList();
        keeper.evaluate(new View(new ViewId(sorted.get(0), 1), sorted, false));
        if (keeper.state() != Quorum.QUORATE) {
            assertFalse(keeper.sustains(members), "a partition without quorum sustains no lease");
            return Outcome.NOT_QUORATE;
        }
        assertTrue(keeper.sustains(members), "a quorate partition sustains its own lease");
        return !device.calls.isEmpty() ? Outcome.TIE : Outcome.MAJORITY;
    }

    @Test
    void twoDisjointPartitionsAreNeverBothQuorateWithoutBothClaimingTheTie() {
        int checked = 0;
        for (int n = 1; n <= 5; n++) {
            List<NodeId> old = names(n);
            List<List<NodeId>> afters = new ArrayList<>();
            afters.add(names(n + 1));
            if (n >= 3) { // the coordinator refuses to shrink a cluster of two
                for (NodeId gone : old) {
                    afters.add(old.stream().filter(x -> !x.equals(gone)).toList());
                }
            }
            for (List<NodeId> after : afters) {
                checked += checkAllSplits(old, after);
            }
        }
        assertTrue(checked > 10_000, "checked " + checked + " pairs of partitions");
    }

    /** Every split of the nodes of both lists into two partitions and nodes that are down. */
    private static int checkAllSplits(List<NodeId> old, List<NodeId> after) {
        NodeChange change = NodeChange.between(old, after).orElseThrow();
        java.util.Map<Holds, ClusterConfig> held = java.util.Map.of(
                Holds.OLD, config(old, List.of()),
                Holds.JOINT, config(after, old),
                Holds.NEW, config(after, List.of()));
        List<NodeId> all = new ArrayList<>(old);
        after.stream().filter(x -> !all.contains(x)).forEach(all::add);
        int checked = 0;
        int splits = (int) Math.pow(3, all.size());
        for (int code = 0; code < splits; code++) {
            Set<NodeId> p1 = new java.util.HashSet<>();
            Set<NodeId> p2 = new java.util.HashSet<>();
            int c = code;
            for (NodeId node : all) {
                switch (c % 3) {
                    case 1 -> p1.add(node);
                    case 2 -> p2.add(node);
                    default -> {} // down
                }
                c /= 3;
            }
            if (p1.isEmpty() || p2.isEmpty()) {
                continue;
            }
            for (Holds h1 : Holds.values()) {
                for (Holds h2 : Holds.values()) {
                    if (!possible(change, old, p1, h1, h2) || !possible(change, old, p2, h2, h1)) {
                        continue;
                    }
                    Outcome o1 = decide(held.get(h1), p1);
                    Outcome o2 = decide(held.get(h2), p2);
                    boolean both = o1 != Outcome.NOT_QUORATE && o2 != Outcome.NOT_QUORATE;
                    assertFalse(
                            both && !(o1 == Outcome.TIE && o2 == Outcome.TIE),
                            "change " + change.describe() + " of " + old + ": " + p1 + " holding " + h1 + " is " + o1
                                    + " and " + p2 + " holding " + h2 + " is " + o2);
                    checked++;
                }
            }
        }
        return checked;
    }

    /**
     * True if partition {@code p} can act on configuration {@code h} (the newest its members hold)
     * while the other partition acts on {@code otherHolds}: a node added never held the old list, a
     * node removed never held a newer one, and the change is committed (NEW) only once fewer than
     * half of the old list are not known to hold at least the joint configuration.
     */
    private static boolean possible(NodeChange change, List<NodeId> old, Set<NodeId> p, Holds h, Holds otherHolds) {
        NodeId changed = change.node();
        if (h == Holds.OLD && change.added() && p.contains(changed)) {
            return false;
        }
        if (h != Holds.OLD && !change.added() && p.equals(Set.of(changed))) {
            return false; // the removed node alone holds only the old list
        }
        if (h == Holds.OLD && (otherHolds == Holds.NEW)) {
            // committed: fewer than half of the old list were not known to hold the joint list or newer
            return p.size() * 2 < old.size();
        }
        return true;
    }

    @Test
    void theJointRuleNeedsAStrictMajorityOfTheOldListAndNoTieOfIt() {
        List<NodeId> old = names(4);
        ClusterConfig joint = config(names(5), old);
        assertEquals(
                Outcome.NOT_QUORATE,
                decide(joint, Set.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n5"))),
                "3 of 5 in the new list, but only half of the old one");
        assertEquals(Outcome.MAJORITY, decide(joint, Set.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"))));
        assertEquals(
                Outcome.TIE,
                decide(config(names(4), names(3)), Set.of(NodeId.of("n1"), NodeId.of("n2"))),
                "2 of the old 3 and half of the new 4: the device decides");
    }
}
