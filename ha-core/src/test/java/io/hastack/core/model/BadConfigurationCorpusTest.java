package io.hastack.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.runtime.NodeSettings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: a corpus of bad configurations. Each is refused with an {@link IllegalArgumentException}
 * at the call that takes the bad value (or at {@code build()} when only the whole configuration
 * shows it), with a message naming the field and the reason; never a bare NullPointerException or a
 * "long overflow". Where a builder refused a call, it still builds the good value it held before.
 */
@Tag("unit")
class BadConfigurationCorpusTest {
    private static final Duration THREE_HUNDRED_YEARS =
            ChronoUnit.YEARS.getDuration().multipliedBy(300);
    private static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);
    private static final Duration MAX_SECONDS = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Duration ONE_NS = Duration.ofNanos(1);

    /**
     * One bad configuration.
     *
     * @param name what is bad, for the test report
     * @param bad the call that must be refused
     * @param unchanged checks, after the refusal, that the builder still holds its good value
     * @param fragments what the message must contain: the field and the reason
     */
    record Case(String name, Runnable bad, Runnable unchanged, List<String> fragments) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A good spec builder; every case that refuses a setter must leave it building {@link #goodSpec()}. */
    private static ResourceSpec.Builder goodSpecBuilder() {
        return ResourceSpec.builder("web", "process")
                .param("port", "80")
                .timeout(Operation.START, Duration.ofSeconds(30))
                .monitorInterval(Duration.ofSeconds(5))
                .failureTimeout(Duration.ofMinutes(1))
                .stickiness(5)
                .migrationThreshold(2)
                .onFail(Operation.MONITOR, OnFail.RESTART);
    }

    private static ResourceSpec goodSpec() {
        return goodSpecBuilder().build();
    }

    private static ClusterConfig.Builder goodClusterBuilder() {
        return ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(ResourceGroup.of("g1", goodSpec()))
                .group(ResourceGroup.of(
                        "db", ResourceSpec.builder("pg", "process").build()))
                .failureTimeout(Duration.ofMinutes(10))
                .lastManStanding(Duration.ofSeconds(10))
                .location(LocationConstraint.prefer("l0", "g1", "n1", 100));
    }

    private static NodeSettings.Builder goodSettingsBuilder() {
        return NodeSettings.builder()
                .shutdownTimeout(Duration.ofSeconds(30))
                .fenceTimeout(Duration.ofSeconds(20))
                .pauseBound(Duration.ofSeconds(2));
    }

    /** A refused setter of a spec builder; the builder must still build the good spec. */
    private static Case spec(String name, Consumer<ResourceSpec.Builder> bad, String... fragments) {
        ResourceSpec.Builder b = goodSpecBuilder();
        return new Case(
                "spec: " + name, () -> bad.accept(b), () -> assertEquals(goodSpec(), b.build()), List.of(fragments));
    }

    /** A refused setter of a cluster builder; the builder must still build the good configuration. */
    private static Case cluster(String name, Consumer<ClusterConfig.Builder> bad, String... fragments) {
        ClusterConfig.Builder b = goodClusterBuilder();
        return new Case(
                "cluster: " + name,
                () -> bad.accept(b),
                () -> assertEquals(goodClusterBuilder().build(), b.build()),
                List.of(fragments));
    }

    /** A configuration that only {@code build()} can refuse, as it needs the whole configuration. */
    private static Case build(String name, Supplier<ClusterConfig.Builder> bad, String... fragments) {
        return new Case("build: " + name, () -> bad.get().build(), () -> {}, List.of(fragments));
    }

    /** A refused setter of node settings; the builder must still build the good settings. */
    private static Case settings(String name, Consumer<NodeSettings.Builder> bad, String... fragments) {
        NodeSettings.Builder b = goodSettingsBuilder();
        return new Case(
                "settings: " + name,
                () -> bad.accept(b),
                () -> assertEquals(goodSettingsBuilder().build(), b.build()),
                List.of(fragments));
    }

    /** A refused factory or constructor call, which holds no state. */
    private static Case call(String name, Runnable bad, String... fragments) {
        return new Case(name, bad, () -> {}, List.of(fragments));
    }

    private static ResourceGroup group(String id) {
        return ResourceGroup.of(id, ResourceSpec.builder(id + "-r", "process").build());
    }

    /** Three groups on two nodes, for constraints that only build() can judge. */
    private static ClusterConfig.Builder three() {
        return ClusterConfig.builder()
                .nodes("n1", "n2")
                .group(group("db"))
                .group(group("app"))
                .group(group("web"));
    }

    static Stream<Case> corpus() {
        List<Case> c = new ArrayList<>();

        // Identifiers.
        c.add(call("null node id", () -> NodeId.of(null), "node id must not be null"));
        c.add(call("empty node id", () -> NodeId.of(""), "node id '' is invalid"));
        c.add(call("node id with a space", () -> NodeId.of("node 1"), "node id 'node 1' is invalid"));
        c.add(call("null group id", () -> GroupId.of(null), "group id must not be null"));
        c.add(call(
                "group id starting with '-'",
                () -> GroupId.of("-web"),
                "group id '-web' is invalid",
                "starting with a letter or digit"));
        c.add(call("null resource id", () -> ResourceId.of(null), "resource id must not be null"));
        c.add(call("64-character resource id", () -> ResourceId.of("a".repeat(64)), "resource id", "1-63"));
        c.add(call("resource id with '/'", () -> ResourceId.of("web/1"), "resource id 'web/1' is invalid"));

        // ResourceSpec.builder.
        c.add(call("spec with a null id", () -> ResourceSpec.builder(null, "process"), "resource id must not be null"));
        c.add(call(
                "spec with a null agent type",
                () -> ResourceSpec.builder("web", null),
                "resource web: agent type must not be null"));
        c.add(call(
                "spec with an empty agent type",
                () -> ResourceSpec.builder("web", ""),
                "resource web: agent type must not be empty"));
        c.add(call(
                "agent type with a space",
                () -> ResourceSpec.builder("web", "my agent"),
                "resource web: agent type 'my agent' must not contain white space"));

        // Parameters.
        c.add(spec("null parameter name", b -> b.param(null, "x"), "resource web: parameter name must not be null"));
        c.add(spec(
                "null parameter value",
                b -> b.param("port", null),
                "resource web: value of parameter 'port' must not be null"));
        c.add(spec("empty parameter name", b -> b.param("", "x"), "resource web: parameter name must not be empty"));
        c.add(spec(
                "'=' in a parameter name",
                b -> b.param("a=b", "x"),
                "resource web: parameter name 'a=b' must not contain '='"));
        c.add(spec(
                "white space in a parameter name",
                b -> b.param("my port", "x"),
                "resource web: parameter name 'my port' must not contain white space"));
        c.add(spec(
                "newline in a parameter name",
                b -> b.param("port\n", "x"),
                "resource web: parameter name 'port\\n'",
                "control characters"));
        c.add(spec(
                "NUL in a parameter name",
                b -> b.param("po\0rt", "x"),
                "resource web: parameter name 'po\\u0000rt'",
                "control characters"));
        c.add(spec(
                "NUL in a parameter value",
                b -> b.param("port", "80\0"),
                "resource web: value of parameter 'port' must not contain a NUL character"));
        c.add(spec("null parameter map", b -> b.params(null), "resource web: parameters must not be null"));
        c.add(spec(
                "'=' in one name of a parameter map (none is set)",
                b -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("fine", "1");
                    m.put("x=y", "2");
                    b.params(m);
                },
                "resource web: parameter name 'x=y' must not contain '='"));
        c.add(spec(
                "null value in a parameter map",
                b -> {
                    Map<String, String> m = new HashMap<>();
                    m.put("bind", null);
                    b.params(m);
                },
                "resource web: value of parameter 'bind' must not be null"));

        // Operation timeouts.
        c.add(spec(
                "null operation of a timeout",
                b -> b.timeout(null, Duration.ofSeconds(1)),
                "resource web: operation of a timeout must not be null"));
        c.add(spec(
                "null start timeout",
                b -> b.timeout(Operation.START, null),
                "resource web: start timeout must not be null"));
        c.add(spec(
                "negative start timeout",
                b -> b.timeout(Operation.START, Duration.ofSeconds(-1)),
                "resource web: start timeout must be positive, was -1 s"));
        c.add(spec(
                "zero stop timeout",
                b -> b.timeout(Operation.STOP, Duration.ZERO),
                "resource web: stop timeout must be positive, was 0 s"));
        c.add(spec(
                "1 ns monitor timeout",
                b -> b.timeout(Operation.MONITOR, ONE_NS),
                "resource web: monitor timeout 1 ns is below the minimum of 100 ms"));
        c.add(spec(
                "300-year validate timeout",
                b -> b.timeout(Operation.VALIDATE, THREE_HUNDRED_YEARS),
                "resource web: validate timeout 300 years is above the maximum of 24 h",
                "(allowed: 100 ms to 24 h)"));
        c.add(spec(
                "Long.MAX_VALUE ms start timeout",
                b -> b.timeout(Operation.START, MAX_MILLIS),
                "resource web: start timeout 292300000 years is above the maximum of 24 h"));
        c.add(spec(
                "Long.MAX_VALUE s stop timeout",
                b -> b.timeout(Operation.STOP, MAX_SECONDS),
                "resource web: stop timeout 292300000000 years is above the maximum of 24 h"));
        c.add(spec(
                "2-day start timeout",
                b -> b.timeout(Operation.START, Duration.ofDays(2)),
                "resource web: start timeout 2 d is above the maximum of 24 h"));

        // Monitor interval.
        c.add(spec(
                "null monitor interval",
                b -> b.monitorInterval(null),
                "resource web: monitor interval must not be null"));
        c.add(spec(
                "1 ns monitor interval",
                b -> b.monitorInterval(ONE_NS),
                "resource web: monitor interval 1 ns is below the minimum of 100 ms"));
        c.add(spec(
                "99 ms monitor interval",
                b -> b.monitorInterval(Duration.ofMillis(99)),
                "resource web: monitor interval 99 ms is below the minimum of 100 ms"));
        c.add(spec(
                "zero monitor interval",
                b -> b.monitorInterval(Duration.ZERO),
                "resource web: monitor interval must be positive, was 0 s"));
        c.add(spec(
                "negative monitor interval",
                b -> b.monitorInterval(Duration.ofSeconds(-5)),
                "resource web: monitor interval must be positive, was -5 s"));
        c.add(spec(
                "Long.MAX_VALUE s monitor interval",
                b -> b.monitorInterval(MAX_SECONDS),
                "resource web: monitor interval",
                "is above the maximum of 24 h"));

        // Resource failure timeout, stickiness, migration threshold, on-fail.
        c.add(spec(
                "null resource failure timeout",
                b -> b.failureTimeout(null),
                "resource web: failure-timeout must not be null"));
        c.add(spec(
                "negative resource failure timeout",
                b -> b.failureTimeout(Duration.ofSeconds(-1)),
                "resource web: failure-timeout must not be negative, was -1 s",
                "(allowed: 0 (never) or 1 s to 365 d)"));
        c.add(spec(
                "1 ms resource failure timeout",
                b -> b.failureTimeout(Duration.ofMillis(1)),
                "resource web: failure-timeout 1 ms is below the minimum of 1 s"));
        c.add(spec(
                "300-year resource failure timeout",
                b -> b.failureTimeout(THREE_HUNDRED_YEARS),
                "resource web: failure-timeout 300 years is above the maximum of 365 d"));
        c.add(spec(
                "Long.MAX_VALUE ms resource failure timeout",
                b -> b.failureTimeout(MAX_MILLIS),
                "resource web: failure-timeout",
                "is above the maximum of 365 d"));
        c.add(spec(
                "stickiness above INFINITY",
                b -> b.stickiness(2_000_000),
                "resource web: stickiness must lie within -INFINITY..INFINITY",
                "was 2000000"));
        c.add(spec(
                "stickiness Integer.MIN_VALUE",
                b -> b.stickiness(Integer.MIN_VALUE),
                "resource web: stickiness must lie within"));
        c.add(spec(
                "zero resource migration threshold",
                b -> b.migrationThreshold(0),
                "resource web: migration-threshold must be at least 1, was 0"));
        c.add(spec(
                "negative resource migration threshold",
                b -> b.migrationThreshold(-3),
                "resource web: migration-threshold must be at least 1, was -3"));
        c.add(spec(
                "null operation of an on-fail policy",
                b -> b.onFail(null, OnFail.RESTART),
                "resource web: operation of an on-fail policy must not be null"));
        c.add(spec(
                "null on-fail policy",
                b -> b.onFail(Operation.MONITOR, null),
                "resource web: on-fail policy of monitor must not be null"));
        c.add(spec(
                "on-fail restart of a stop",
                b -> b.onFail(Operation.STOP, OnFail.RESTART),
                "resource web: on-fail of stop must be block or fence, was restart"));
        c.add(spec(
                "on-fail of validate",
                b -> b.onFail(Operation.VALIDATE, OnFail.BLOCK),
                "resource web: validate has no on-fail policy"));

        // Groups.
        ResourceSpec a = ResourceSpec.builder("a", "process").build();
        c.add(call("group with a null id", () -> ResourceGroup.of(null, a), "group id must not be null"));
        c.add(call("group with no resources", () -> ResourceGroup.of("g"), "group g has no resources"));
        c.add(call(
                "group with a null resource array",
                () -> ResourceGroup.of("g", (ResourceSpec[]) null),
                "group g: resource list must not be null"));
        c.add(call(
                "group with a null resource",
                () -> ResourceGroup.of("g", a, null),
                "group g: resource 2 of 2 must not be null"));
        c.add(call(
                "group with a null resource list",
                () -> new ResourceGroup(GroupId.of("g"), null),
                "group g: resource list must not be null"));
        c.add(call(
                "group listing a resource twice", () -> ResourceGroup.of("g", a, a), "group g lists resource a twice"));
        c.add(call(
                "clone with clone-max 0",
                () -> ResourceGroup.clone("g", 0, a),
                "group g: clone-max must be at least 1, was 0"));
        c.add(call(
                "group with a negative clone-max",
                () -> new ResourceGroup(GroupId.of("g"), List.of(a), -1),
                "group g: clone-max must be at least 1 for a clone",
                "was -1"));

        // ClusterConfig.Builder setters.
        c.add(cluster("null group", b -> b.group(null), "group must not be null"));
        c.add(cluster("a group id used twice", b -> b.group(group("g1")), "group g1 is configured twice"));
        c.add(cluster("null node list", b -> b.nodes((String[]) null), "node list must not be null"));
        c.add(cluster("empty node list", b -> b.nodes(), "node list must not be empty"));
        c.add(cluster(
                "node listed twice (the earlier list is kept)",
                b -> b.nodes("n1", "n3", "n1"),
                "node n1 is listed twice in the node list"));
        c.add(cluster("null node in the list", b -> b.nodes("n1", null), "node list: node 2 of 2 must not be null"));
        c.add(cluster(
                "invalid node name in the list",
                b -> b.nodes("n1", "bad node"),
                "node list: node id 'bad node' is invalid"));
        c.add(cluster("null no-quorum-policy", b -> b.noQuorumPolicy(null), "no-quorum-policy must not be null"));
        c.add(cluster(
                "zero migration threshold",
                b -> b.migrationThreshold(0),
                "migration-threshold must be at least 1, was 0"));
        c.add(cluster(
                "negative migration threshold",
                b -> b.migrationThreshold(-1),
                "migration-threshold must be at least 1, was -1"));
        c.add(cluster(
                "default stickiness beyond INFINITY",
                b -> b.defaultStickiness(1_000_001),
                "default stickiness must lie within -INFINITY..INFINITY"));
        c.add(cluster("null failure timeout", b -> b.failureTimeout(null), "failure-timeout must not be null"));
        c.add(cluster(
                "negative failure timeout",
                b -> b.failureTimeout(Duration.ofSeconds(-1)),
                "failure-timeout must not be negative, was -1 s"));
        c.add(cluster(
                "1 ns failure timeout",
                b -> b.failureTimeout(ONE_NS),
                "failure-timeout 1 ns is below the minimum of 1 s"));
        c.add(cluster(
                "Long.MAX_VALUE s failure timeout",
                b -> b.failureTimeout(MAX_SECONDS),
                "failure-timeout 292300000000 years is above the maximum of 365 d"));
        c.add(cluster(
                "zero last-man-standing window",
                b -> b.lastManStanding(Duration.ZERO),
                "last-man-standing window must be positive, was 0 s"));
        c.add(cluster(
                "negative last-man-standing window",
                b -> b.lastManStanding(Duration.ofSeconds(-10)),
                "last-man-standing window must be positive, was -10 s"));
        c.add(cluster(
                "100 ms last-man-standing window",
                b -> b.lastManStanding(Duration.ofMillis(100)),
                "last-man-standing window 100 ms is below the minimum of 1 s"));
        c.add(cluster(
                "300-year last-man-standing window",
                b -> b.lastManStanding(THREE_HUNDRED_YEARS),
                "last-man-standing window 300 years is above the maximum of 1 h"));
        c.add(cluster("null location constraint", b -> b.location(null), "location constraint must not be null"));
        c.add(cluster("null colocation constraint", b -> b.colocation(null), "colocation constraint must not be null"));
        c.add(cluster("null order constraint", b -> b.order(null), "order constraint must not be null"));

        // What only the whole configuration shows.
        c.add(build(
                "one resource in two groups",
                () -> ClusterConfig.builder().group(ResourceGroup.of("g1", a)).group(ResourceGroup.of("g2", a)),
                "resource a is in both group g1 and group g2"));
        c.add(build(
                "location naming an unknown group",
                () -> three().location(LocationConstraint.prefer("l1", "nope", "n1", 10)),
                "location l1: unknown group nope"));
        c.add(build(
                "location naming a node outside the node list",
                () -> three().location(LocationConstraint.prefer("l1", "web", "n9", 10)),
                "location l1: node n9 is not in the node list [n1, n2]"));
        c.add(build(
                "colocation with an unknown group",
                () -> three().colocation(ColocationConstraint.together("c1", "web", "nope", 10)),
                "colocation c1: unknown group nope"));
        c.add(build(
                "order naming an unknown group",
                () -> three().order(OrderConstraint.mandatory("o1", "nope", "web")),
                "order o1: unknown group nope"));
        c.add(build(
                "order cycle",
                () -> three().order(OrderConstraint.mandatory("o1", "db", "app"))
                        .order(OrderConstraint.mandatory("o2", "app", "db")),
                "order constraints form a cycle: o1 (db -> app), o2 (app -> db)"));
        c.add(build(
                "colocation cycle",
                () -> three().colocation(ColocationConstraint.together("c1", "app", "db", 100))
                        .colocation(ColocationConstraint.together("c2", "db", "app", 100)),
                "colocation constraints form a cycle"));
        c.add(build(
                "constraint id used twice",
                () -> three().location(LocationConstraint.prefer("c1", "web", "n1", 10))
                        .order(OrderConstraint.mandatory("c1", "db", "web")),
                "constraint id c1 is used twice"));
        c.add(build(
                "group banned from every node",
                () -> three().location(LocationConstraint.ban("b1", "web", "n1"))
                        .location(LocationConstraint.ban("b2", "web", "n2")),
                "ban group web from every node"));
        c.add(build(
                "group required and banned on one node",
                () -> three().location(LocationConstraint.prefer("p1", "web", "n1", Score.INFINITY))
                        .location(LocationConstraint.ban("b1", "web", "n1")),
                "location b1 bans group web from n1, where location p1 requires it"));
        c.add(build(
                "clone as the dependent group of a colocation",
                () -> ClusterConfig.builder()
                        .group(ResourceGroup.clone("mon", ResourceGroup.EVERY_NODE, a))
                        .group(group("web"))
                        .colocation(ColocationConstraint.together("c1", "mon", "web", 10)),
                "colocation c1: group mon is a clone"));

        // Constraint factories and records.
        c.add(call(
                "negative prefer score",
                () -> LocationConstraint.prefer("l1", "web", "n1", -500),
                "location l1: prefer takes a positive score (1 to INFINITY), was -500",
                "use avoid with score 500"));
        c.add(call(
                "zero prefer score",
                () -> LocationConstraint.prefer("l1", "web", "n1", 0),
                "location l1: prefer takes a positive score",
                "which has no effect"));
        c.add(call(
                "prefer score beyond INFINITY",
                () -> LocationConstraint.prefer("l1", "web", "n1", 2_000_000),
                "location l1: score must lie within -INFINITY..INFINITY"));
        c.add(call(
                "negative avoid score",
                () -> LocationConstraint.avoid("l1", "web", "n1", -500),
                "location l1: avoid takes a positive score (1 to INFINITY), was -500",
                "use prefer with score 500"));
        c.add(call(
                "prefer with a null constraint id",
                () -> LocationConstraint.prefer(null, "web", "n1", 10),
                "constraint id must not be null"));
        c.add(call(
                "prefer with a null group",
                () -> LocationConstraint.prefer("l1", null, "n1", 10),
                "location l1: group: group id must not be null"));
        c.add(call(
                "prefer with a null node",
                () -> LocationConstraint.prefer("l1", "web", null, 10),
                "location l1: node id must not be null"));
        c.add(call(
                "ban with an invalid constraint id",
                () -> LocationConstraint.ban("l 1", "web", "n1"),
                "constraint id 'l 1' is invalid"));
        c.add(call(
                "location record with a null group",
                () -> new LocationConstraint("l1", null, NodeId.of("n1"), 5),
                "location l1: group must not be null"));
        c.add(call(
                "colocation of a group with itself",
                () -> ColocationConstraint.together("c1", "web", "web", 100),
                "colocation c1: group web cannot be colocated with itself"));
        c.add(call(
                "negative together score",
                () -> ColocationConstraint.together("c1", "web", "db", -100),
                "colocation c1: together takes a positive score",
                "use apart with score 100"));
        c.add(call(
                "negative apart score",
                () -> ColocationConstraint.apart("c1", "web", "db", -100),
                "colocation c1: apart takes a positive score",
                "use together with score 100"));
        c.add(call(
                "colocation with a null with-group",
                () -> ColocationConstraint.together("c1", "web", null, 100),
                "colocation c1: with-group: group id must not be null"));
        c.add(call(
                "colocation record with score 0",
                () -> new ColocationConstraint("c1", GroupId.of("web"), GroupId.of("db"), 0),
                "colocation c1: a score of 0 has no effect"));
        c.add(call(
                "order of a group after itself",
                () -> OrderConstraint.mandatory("o1", "web", "web"),
                "order o1: group web cannot be ordered after itself"));
        c.add(call(
                "order record with a null kind",
                () -> new OrderConstraint("o1", GroupId.of("db"), GroupId.of("web"), null),
                "order o1: kind must not be null"));
        c.add(call(
                "order with a null first group",
                () -> OrderConstraint.mandatory("o1", null, "web"),
                "order o1: first group: group id must not be null"));
        c.add(call("null score text", () -> Score.parse(null), "score must not be null"));
        c.add(call("score text that is no score", () -> Score.parse("lots"), "'lots' is not a score"));
        c.add(call("null on-fail text", () -> OnFail.parse(null), "on-fail policy must not be null"));
        c.add(call("unknown on-fail text", () -> OnFail.parse("explode"), "'explode' is not an on-fail policy"));

        // NodeSettings.
        c.add(settings("null shutdown timeout", b -> b.shutdownTimeout(null), "shutdown timeout must not be null"));
        c.add(settings(
                "zero shutdown timeout",
                b -> b.shutdownTimeout(Duration.ZERO),
                "shutdown timeout must be positive, was 0 s"));
        c.add(settings(
                "300-year shutdown timeout",
                b -> b.shutdownTimeout(THREE_HUNDRED_YEARS),
                "shutdown timeout 300 years is above the maximum of 24 h"));
        c.add(settings(
                "Long.MAX_VALUE ms shutdown timeout",
                b -> b.shutdownTimeout(MAX_MILLIS),
                "shutdown timeout",
                "is above the maximum of 24 h"));
        c.add(settings("null fence timeout", b -> b.fenceTimeout(null), "fence timeout must not be null"));
        c.add(settings(
                "1 ns fence timeout", b -> b.fenceTimeout(ONE_NS), "fence timeout 1 ns is below the minimum of 1 s"));
        c.add(settings(
                "Long.MAX_VALUE s fence timeout",
                b -> b.fenceTimeout(MAX_SECONDS),
                "fence timeout",
                "is above the maximum of 1 h"));
        c.add(settings("null pause bound", b -> b.pauseBound(null), "pause bound must not be null"));
        c.add(settings(
                "10 ms pause bound",
                b -> b.pauseBound(Duration.ofMillis(10)),
                "pause bound 10 ms is below the minimum of 500 ms"));
        c.add(settings(
                "1 h pause bound",
                b -> b.pauseBound(Duration.ofHours(1)),
                "pause bound 1 h is above the maximum of 5 min"));
        c.add(settings("null cluster key", b -> b.clusterKey(null), "cluster key must not be null"));
        c.add(settings(
                "3-byte cluster key",
                b -> b.clusterKey(io.hastack.core.security.ClusterKey.of(new byte[3])),
                "cluster key must be 32 bytes, was 3 bytes"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedNamingTheFieldAndTheReasonAndChangesNothing(Case c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.bad()::run, c.name());
        String message = e.getMessage();
        assertNotNull(message, c.name());
        for (String fragment : c.fragments()) {
            assertTrue(message.contains(fragment), "'" + message + "' does not contain '" + fragment + "'");
        }
        assertFalse(message.contains("overflow"), message);
        c.unchanged().run();
    }

    @Test
    void theCorpusHoldsAtLeastSixtyDistinctBadConfigurations() {
        List<Case> all = corpus().toList();
        Set<String> names = new HashSet<>();
        all.forEach(c -> assertTrue(names.add(c.name()), "case named twice: " + c.name()));
        assertTrue(all.size() >= 60, "only " + all.size() + " cases");
    }

    @Test
    void goodValuesAtTheEndsOfEachRangeAreAccepted() {
        ResourceSpec edge = ResourceSpec.builder("web", "process")
                .timeout(Operation.START, Duration.ofMillis(100))
                .timeout(Operation.STOP, Duration.ofHours(24))
                .monitorInterval(Duration.ofMillis(100))
                .failureTimeout(Duration.ZERO)
                .build();
        assertEquals(Duration.ofHours(24), edge.timeout(Operation.STOP, Map.of()));
        ResourceSpec.builder("web", "process")
                .monitorInterval(Duration.ofHours(24))
                .failureTimeout(Duration.ofDays(365));
        ClusterConfig.builder()
                .failureTimeout(Duration.ofSeconds(1))
                .lastManStanding(Duration.ofHours(1))
                .lastManStanding(null)
                .build();
        NodeSettings.builder()
                .shutdownTimeout(Duration.ofSeconds(1))
                .fenceTimeout(Duration.ofHours(1))
                .pauseBound(Duration.ofMillis(500))
                .build();
        assertEquals(-500, LocationConstraint.avoid("l1", "web", "n1", 500).score());
        assertEquals(500, LocationConstraint.prefer("l1", "web", "n1", 500).score());
        assertEquals(
                -Score.INFINITY,
                ColocationConstraint.apart("c1", "web", "db", Score.INFINITY).score());
    }

    @Test
    void anAgentsAdvisedTimeoutIsKeptWithinTheRange() {
        ResourceSpec spec = ResourceSpec.builder("web", "process").build();
        assertEquals(Duration.ofHours(24), spec.timeout(Operation.START, Map.of(Operation.START, THREE_HUNDRED_YEARS)));
        assertEquals(Duration.ofMillis(100), spec.timeout(Operation.START, Map.of(Operation.START, ONE_NS)));
        assertEquals(
                ResourceSpec.DEFAULT_TIMEOUT,
                spec.timeout(Operation.START, Map.of(Operation.START, Duration.ofSeconds(-1))));
    }
}
