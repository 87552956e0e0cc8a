package io.hastack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.NodeId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class VotesTest {
    private static List<NodeId> ids(String... names) {
        return Stream.of(names).map(NodeId::of).toList();
    }

    @Test
    void countsOnlyConfiguredMembers() {
        List<NodeId> cluster = ids("a", "b", "c");
        Votes two = Votes.of(cluster, ids("a", "b", "stranger"));
        assertEquals(2, two.present().size());
        assertTrue(two.isMajority());
        assertFalse(two.isTie());
        assertEquals("2 of 3 votes [a, b]", two.toString());

        Votes one = Votes.of(cluster, ids("c", "x", "y"));
        assertFalse(one.isMajority());
        assertFalse(one.isTie(), "strangers carry no votes");
    }

    @Test
    void halfTheVotesIsATie() {
        assertTrue(Votes.of(ids("a", "b"), ids("a")).isTie());
        assertTrue(Votes.of(ids("a", "b", "c", "d"), ids("c", "d")).isTie());
        assertFalse(Votes.of(ids("a", "b", "c", "d"), ids("c", "d")).isMajority());
        assertTrue(Votes.of(ids("a", "b"), ids("a", "b")).isMajority());
        assertFalse(Votes.of(List.of(), ids("a")).isTie());
    }
}
