package io.hastack.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.VersionedConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which versions with another node list a node takes ({@link Participant#nodeListStep}). */
class NodeListStepTest {
    private static ClusterConfig nodes(List<String> previous, String... names) {
        return ClusterConfig.builder()
                .nodes(names)
                .previousNodes(previous.stream().map(NodeId::of).toList())
                .build();
    }

    @Test
    void versionsMadeByTheProtocolAreTakenEvenSeveralChangesLater() {
        VersionedConfig v0 = VersionedConfig.initial(nodes(List.of(), "a", "b", "c"));
        VersionedConfig joint = v0.next(nodes(List.of("a", "b", "c"), "a", "b", "c", "d"));
        VersionedConfig committed = joint.next(nodes(List.of(), "a", "b", "c", "d"));
        VersionedConfig joint2 = committed.next(nodes(List.of("a", "b", "c", "d"), "a", "b", "c", "d", "e"));
        VersionedConfig committed2 = joint2.next(nodes(List.of(), "a", "b", "c", "d", "e"));

        assertEquals(Optional.empty(), Participant.nodeListStep(v0, joint));
        assertEquals(Optional.empty(), Participant.nodeListStep(v0, committed), "a node that was away");
        assertEquals(Optional.empty(), Participant.nodeListStep(v0, committed2), "two changes behind");
        assertEquals(Optional.empty(), Participant.nodeListStep(committed, committed2));
        // Without the lineage (a file written elsewhere), only the joint version of one change counts.
        VersionedConfig bareJoint = VersionedConfig.of(7, joint.config());
        assertEquals(Optional.empty(), Participant.nodeListStep(v0, bareJoint));
    }

    @Test
    void aNodeListEditedByHandIsNotTaken() {
        VersionedConfig v0 = VersionedConfig.initial(nodes(List.of(), "a", "b", "c"));
        VersionedConfig edited = VersionedConfig.of(5, nodes(List.of(), "a", "b", "c", "d"));
        Optional<String> refusal = Participant.nodeListStep(v0, edited);
        assertTrue(refusal.isPresent() && refusal.get().contains("was not made from version 0"), refusal.toString());
        VersionedConfig twoAtOnce = VersionedConfig.of(5, nodes(List.of(), "a", "b", "c", "d", "e"));
        assertTrue(Participant.nodeListStep(v0, twoAtOnce).isPresent(), "two nodes at once");
        VersionedConfig sameList = VersionedConfig.of(5, nodes(List.of(), "a", "b", "c"));
        assertEquals(Optional.empty(), Participant.nodeListStep(v0, sameList), "the same list");
        VersionedConfig jointOfAnother = VersionedConfig.of(5, nodes(List.of("a", "b"), "a", "b", "d"));
        assertTrue(Participant.nodeListStep(v0, jointOfAnother).isPresent(), "a change from another list");
    }
}
