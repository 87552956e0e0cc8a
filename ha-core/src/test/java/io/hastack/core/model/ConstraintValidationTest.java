package io.hastack.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Contradictory or impossible configurations are refused with a message naming the constraint and why. */
@Tag("unit")
class ConstraintValidationTest {
    private static ResourceGroup group(String id) {
        return ResourceGroup.of(id, ResourceSpec.builder(id + "-r", "test").build());
    }

    private static ClusterConfig.Builder base() {
        return ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(group("db"))
                .group(group("app"))
                .group(group("web"));
    }

    private static String refused(ClusterConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void anOrderingCycleIsRefusedNamingItsConstraints() {
        assertEquals(
                "order constraints form a cycle: o1 (db -> app), o2 (app -> web), o3 (web -> db)",
                refused(base().order(OrderConstraint.mandatory("o1", "db", "app"))
                        .order(OrderConstraint.optional("o2", "app", "web"))
                        .order(OrderConstraint.mandatory("o3", "web", "db"))));
    }

    @Test
    void aColocationCycleIsRefused() {
        assertEquals(
                "colocation constraints form a cycle: c1 (db -> app), c2 (app -> db)",
                refused(base().colocation(ColocationConstraint.together("c1", "app", "db", 100))
                        .colocation(ColocationConstraint.apart("c2", "db", "app", 50))));
    }

    @Test
    void colocationWithAGroupPinnedWhereItIsBannedIsRefused() {
        assertEquals(
                "colocation c1 puts app with db, which location db-on-n1 puts on n1, but location app-not-n1"
                        + " bans app from n1",
                refused(base().location(
                                new LocationConstraint("db-on-n1", GroupId.of("db"), NodeId.of("n1"), Score.INFINITY))
                        .location(LocationConstraint.ban("app-not-n1", "app", "n1"))
                        .colocation(ColocationConstraint.together("c1", "app", "db", Score.INFINITY))));
        assertEquals(
                "colocation c2 keeps app apart from db, but locations app-n2 and db-n2 put both on n2",
                refused(base().location(LocationConstraint.prefer("db-n2", "db", "n2", Score.INFINITY))
                        .location(LocationConstraint.prefer("app-n2", "app", "n2", Score.INFINITY))
                        .colocation(ColocationConstraint.apart("c2", "app", "db", Score.INFINITY))));
    }

    @Test
    void aGroupRequiredAndBannedOnOneNodeOrBannedEverywhereIsRefused() {
        assertEquals(
                "location no bans group db from n1, where location yes requires it (+INFINITY)",
                refused(base().location(LocationConstraint.prefer("yes", "db", "n1", Score.INFINITY))
                        .location(LocationConstraint.ban("no", "db", "n1"))));
        assertEquals(
                "location constraints [b1, b2] ban group db from every node: it could never run",
                refused(base().location(LocationConstraint.ban("b1", "db", "n1"))
                        .location(LocationConstraint.ban("b2", "db", "n2"))));
    }

    @Test
    void unknownReferencesAreRefused() {
        assertEquals(
                "location l1: unknown group nope",
                refused(base().location(LocationConstraint.prefer("l1", "nope", "n1", 10))));
        assertEquals(
                "location l1: node n9 is not in the node list [n1, n2]",
                refused(base().location(LocationConstraint.prefer("l1", "db", "n9", 10))));
        assertEquals(
                "colocation c1: unknown group ghost",
                refused(base().colocation(ColocationConstraint.together("c1", "app", "ghost", 10))));
        assertEquals(
                "order o1: unknown group ghost",
                refused(base().order(OrderConstraint.mandatory("o1", "ghost", "app"))));
        assertEquals(
                "constraint id x is used twice",
                refused(base().location(LocationConstraint.prefer("x", "db", "n1", 10))
                        .order(OrderConstraint.mandatory("x", "db", "app"))));
    }

    @Test
    void malformedConstraintsAndOptionsAreRefusedNamingTheField() {
        assertEquals(
                "order o1: group db cannot be ordered after itself",
                refused(() -> OrderConstraint.mandatory("o1", "db", "db")));
        assertEquals(
                "colocation c1: group db cannot be colocated with itself",
                refused(() -> ColocationConstraint.together("c1", "db", "db", 5)));
        assertTrue(refused(() -> new ColocationConstraint("c1", GroupId.of("a"), GroupId.of("b"), 0))
                .startsWith("colocation c1: a score of 0 has no effect"));
        assertEquals(
                "location l1: score must lie within -INFINITY..INFINITY (+-1000000), was 2000000",
                refused(() -> new LocationConstraint("l1", GroupId.of("a"), NodeId.of("n1"), 2_000_000)));
        assertEquals(
                "resource web: failure-timeout must not be negative, was -1 s (allowed: 0 (never) or 1 s to 365 d)",
                refused(() -> ResourceSpec.builder("web", "test").failureTimeout(Duration.ofSeconds(-1))));
        assertEquals(
                "resource web: migration-threshold must be at least 1, was 0",
                refused(() -> ResourceSpec.builder("web", "test").migrationThreshold(0)));
        assertTrue(refused(() -> ResourceSpec.builder("web", "test").onFail(Operation.STOP, OnFail.RESTART))
                .startsWith("resource web: on-fail of stop must be block or fence"));
        assertEquals(
                "'sometimes' is not an on-fail policy (restart, migrate, block, stop, ignore, fence)",
                refused(() -> OnFail.parse("sometimes")));
        assertEquals(
                "group mon: clone-max must be at least 1, was 0",
                refused(() -> ResourceGroup.clone(
                        "mon", 0, ResourceSpec.builder("a", "test").build())));
        assertEquals(
                "colocation c1: group mon is a clone; a clone can be the with-group of a colocation, not the"
                        + " dependent one",
                refused(base().group(ResourceGroup.clone(
                                "mon", 2, ResourceSpec.builder("agent", "test").build()))
                        .colocation(ColocationConstraint.together("c1", "mon", "db", 10))));
        assertTrue(refused(() -> Score.parse("lots")).contains("is not a score"));
    }

    @Test
    void scoresSaturateAndABanWinsOverAnyPreference() {
        assertEquals(Score.INFINITY, Score.add(Score.INFINITY, 5));
        assertEquals(-Score.INFINITY, Score.add(Score.INFINITY, -Score.INFINITY));
        assertEquals(-Score.INFINITY, Score.add(-Score.INFINITY, Score.INFINITY));
        assertEquals(Score.INFINITY, Score.add(900_000, 900_000));
        assertEquals(-5, Score.add(10, -15));
        assertEquals(-Score.INFINITY, Score.parse("-inf"));
        assertEquals("INFINITY", Score.format(Score.INFINITY));
        assertEquals("+100", Score.signed(100));
    }

    @Test
    void aValidConfigurationWithEveryConstraintKindBuildsAndHashesThem() {
        ClusterConfig one = base().location(LocationConstraint.prefer("l1", "db", "n1", 100))
                .colocation(ColocationConstraint.together("c1", "app", "db", Score.INFINITY))
                .order(OrderConstraint.mandatory("o1", "db", "app"))
                .build();
        ClusterConfig other = base().location(LocationConstraint.prefer("l1", "db", "n1", 200))
                .colocation(ColocationConstraint.together("c1", "app", "db", Score.INFINITY))
                .order(OrderConstraint.mandatory("o1", "db", "app"))
                .build();
        assertEquals(
                3,
                one.locations().size() + one.colocations().size() + one.orders().size());
        assertTrue(one.canonicalText().contains("order o1 db then app mandatory"), one.canonicalText());
        assertTrue(!one.hash().equals(other.hash()));
        assertEquals(
                OnFail.MIGRATE, one.onFail(one.resource(ResourceId.of("db-r")).orElseThrow(), Operation.START));
        assertEquals(
                OnFail.RESTART, one.onFail(one.resource(ResourceId.of("db-r")).orElseThrow(), Operation.MONITOR));
    }
}
