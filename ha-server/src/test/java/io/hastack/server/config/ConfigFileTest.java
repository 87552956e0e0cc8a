package io.hastack.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("unit")
class ConfigFileTest {
    private static final Path BASE = Path.of("/etc/hastack");

    private static final String GOOD = """
            cluster: shop
            key-file: cluster.key
            nodes:
              node1: 10.0.0.1:7800
              node2: 10.0.0.2:7800
              node3: 10.0.0.3:7800
            membership:
              heartbeat-interval: 500ms
              heartbeat-timeout: 3s
              verify-timeout: 200ms
              lease: 3500ms
            quorum:
              no-quorum-policy: freeze
              wait-for-all: true
              device:
                zookeeper: zk1:2181,zk2:2181
                base-path: /hastack/shop
                credentials-file: /etc/hastack/zk.cred
            options:
              migration-threshold: 3
              stickiness: 100
              failure-timeout: 10m
            groups:
              web-group:
                resources:
                  - id: app
                    agent: process
                    params:
                      argv.0: /opt/app/bin/server
                    monitor-interval: 5s
                    timeouts:
                      start: 30s
                      stop: 20s
                    on-fail:
                      monitor: restart
                  - id: web
                    agent: embedded-web
                    params:
                      port: "8080"
              db-group:
                ordered: false
                resources:
                  - id: db
                    agent: postgresql
            constraints:
              - prefer: {id: web-on-1, group: web-group, node: node1, score: 100}
              - apart: {id: spread, group: web-group, with: db-group, score: 50}
              - order: {id: db-first, first: db-group, then: web-group}
            """;

    @Test
    void aFullFileBecomesTheModelItDescribes() {
        ClusterFile f = ConfigFile.parse("cluster.yaml", GOOD, BASE);
        assertEquals("shop", f.cluster());
        assertEquals(Optional.of(Path.of("/etc/hastack/cluster.key")), f.keyFile());
        assertEquals(
                List.of("node1", "node2", "node3"),
                f.nodes().keySet().stream().map(NodeId::value).toList());
        assertEquals(7800, f.nodes().get(NodeId.of("node2")).getPort());
        assertEquals(Optional.of(Duration.ofSeconds(3)), f.membership().heartbeatTimeout());
        assertEquals(Optional.of(Duration.ofMillis(3500)), f.membership().lease());
        assertEquals(
                Optional.of(new ClusterFile.ZooKeeperDevice(
                        "zk1:2181,zk2:2181", "/hastack/shop", Optional.of(Path.of("/etc/hastack/zk.cred")))),
                f.device());
        assertEquals(NoQuorumPolicy.FREEZE, f.config().noQuorumPolicy());
        assertTrue(f.config().waitForAll());
        assertEquals(3, f.config().migrationThreshold());
        assertEquals(Duration.ofMinutes(10), f.config().failureTimeout());
        ResourceSpec app = f.config().resource(ResourceId.of("app")).orElseThrow();
        assertEquals(Duration.ofSeconds(5), app.monitorInterval());
        assertEquals(Optional.of(OnFail.RESTART), app.onFail(Operation.MONITOR));
        assertEquals(
                Optional.of("/opt/app/bin/server"),
                Optional.ofNullable(app.parameters().get("argv.0")));
        assertEquals(Optional.of(GroupId.of("web-group")), f.config().groupOf(ResourceId.of("web")));
        assertTrue(f.config().group(GroupId.of("web-group")).orElseThrow().ordered(), "ordered by default");
        assertFalse(f.config().group(GroupId.of("db-group")).orElseThrow().ordered(), "ordered: false");
        assertEquals(1, f.config().locations().size());
        assertEquals(1, f.config().colocations().size());
        assertEquals(1, f.config().orders().size());
    }

    /** A bad file: what it says, where the error must point, and what its message must contain. */
    static Stream<Arguments> badFiles() {
        String nodes = "nodes:\n  n1: 10.0.0.1:7800\n  n2: 10.0.0.2:7800\n";
        String head = "cluster: c\nkey-file: /k\n" + nodes;
        return Stream.of(
                bad("empty file", "", 1, "the file is empty"),
                bad(
                        "bad target role",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: process\n"
                                + "        target-role: paused\n",
                        11,
                        "is not a target role"),
                bad("negative version", head + "version: -3\n", 6, "must not be negative"),
                bad(
                        "rto of zero",
                        head + "rto: {web: 0s}\n",
                        6,
                        "rto.web: a recovery time objective of 0 cannot be met"),
                bad("rto not a duration", head + "rto: {web: soon}\n", 6, "rto.web"),
                bad("rto of a bad group name", head + "rto: {'a b': 1s}\n", 6, "rto.a b"),
                bad(
                        "check not http",
                        head + "checks: {web: 'ftp://h/x'}\n",
                        6,
                        "checks.web: 'ftp://h/x' is not an http"),
                bad(
                        "check without host",
                        head + "checks: {web: 'http:///x'}\n",
                        6,
                        "checks.web: 'http:///x' names no host"),
                bad(
                        "check with a password",
                        head + "checks: {web: 'http://u:secret@h/'}\n",
                        6,
                        "checks.web: 'h': a user"),
                bad("check of a bad group name", head + "checks: {'a b': 'http://h/'}\n", 6, "checks.a b"),
                bad(
                        "alert with path and webhook",
                        head + "alerts:\n  a:\n    path: /bin/true\n    webhook: http://h/x\n",
                        8,
                        "alerts.a: give either 'path'"),
                bad("alert with neither", head + "alerts:\n  a:\n    timeout: 5s\n", 8, "not neither"),
                bad(
                        "alert webhook not http",
                        head + "alerts:\n  a:\n    webhook: ftp://h/x\n",
                        8,
                        "alerts.a.webhook: webhook ftp://h/x must be an http or https URL"),
                bad(
                        "alert select unknown kind",
                        head + "alerts:\n  a:\n    path: /bin/true\n    select: [node, attribute]\n",
                        9,
                        "alerts.a.select[1]: 'attribute' is not one of [node, fencing, resource]"),
                bad(
                        "alert empty select",
                        head + "alerts:\n  a:\n    path: /bin/true\n    select: []\n",
                        9,
                        "an empty select gets nothing"),
                bad(
                        "alert timeout zero",
                        head + "alerts:\n  a:\n    path: /bin/true\n    timeout: 0s\n",
                        9,
                        "alerts.a.timeout: alert a: timeout must be from 1 ms to 1 h"),
                bad(
                        "alert timestamp format unsupported",
                        head + "alerts:\n  a:\n    path: /bin/true\n    timestamp-format: '%H %Q'\n",
                        9,
                        "%Q is not supported"),
                bad(
                        "alert webhook with recipients",
                        head + "alerts:\n  a:\n    webhook: http://h/x\n    recipients: [x]\n",
                        9,
                        "a webhook has no recipients"),
                bad(
                        "alert attribute not a variable name",
                        head + "alerts:\n  snmp:\n    path: /bin/true\n    attributes:\n      trap_version: 2c\n"
                                + "      trap-options: -On\n",
                        11,
                        "alerts.snmp.attributes.trap-options: alert snmp: attribute 'trap-options' is not a variable"),
                bad(
                        "alert attribute of Pacemaker's",
                        head + "alerts:\n  a:\n    path: /bin/true\n    attributes: {CRM_alert_node: x}\n",
                        9,
                        "attribute 'CRM_alert_node' starts with CRM_"),
                bad(
                        "alert attribute without value",
                        head + "alerts:\n  a:\n    path: /bin/true\n    attributes:\n      email_sender:\n",
                        10,
                        "alerts.a.attributes.email_sender: has no value"),
                bad(
                        "alert attributes not a mapping",
                        head + "alerts:\n  a:\n    path: /bin/true\n    attributes: [email_sender]\n",
                        9,
                        "alerts.a.attributes: expected a mapping"),
                bad(
                        "alert webhook with attributes",
                        head + "alerts:\n  a:\n    webhook: http://h/x\n    attributes: {x: y}\n",
                        9,
                        "a webhook has no attributes"),
                bad(
                        "alert unknown field",
                        head + "alerts:\n  a:\n    path: /bin/true\n    fitler: x\n",
                        9,
                        "unknown field 'fitler'"),
                bad("version not a number", head + "version: new\n", 6, "version"),
                bad("lineage not hashes", head + "version: 2\nlineage: [nothex!]\n", 7, "is not a configuration hash"),
                bad(
                        "lineage longer than the version",
                        head + "version: 1\nlineage: [abc, def]\n",
                        7,
                        "cannot have 2 earlier versions"),
                bad("not YAML", "cluster: [unclosed\n", 2, "not valid YAML"),
                bad("a list at the top", "- a\n- b\n", 1, "expected a mapping"),
                bad("no cluster", "key-file: /k\n" + nodes, 1, "missing 'cluster'"),
                bad("no nodes", "cluster: c\nkey-file: /k\n", 1, "missing 'nodes'"),
                bad("no key", "cluster: c\n" + nodes, 1, "missing 'key-file'"),
                bad("inline key", "cluster: c\nkey: abc\n" + nodes, 2, "secrets are not written inline"),
                bad("key and insecure", head + "insecure: true\n", 6, "cannot also be insecure"),
                bad("insecure not boolean", "cluster: c\ninsecure: yes please\n" + nodes, 2, "is not true or false"),
                bad("bad cluster name", "cluster: 'my cluster'\nkey-file: /k\n" + nodes, 1, "is not a cluster name"),
                bad("misspelled top field", head + "gruops: {}\n", 6, "did you mean 'groups'?"),
                bad("duplicate key", "cluster: c\ncluster: d\nkey-file: /k\n" + nodes, 2, "is given twice"),
                bad("nodes not a mapping", "cluster: c\nkey-file: /k\nnodes: [n1, n2]\n", 3, "expected a mapping"),
                bad("no node listed", "cluster: c\nkey-file: /k\nnodes: {}\n", 3, "no nodes"),
                bad("invalid node name", "cluster: c\nkey-file: /k\nnodes:\n  'n 1': 10.0.0.1:7800\n", 4, "is invalid"),
                bad(
                        "address without port",
                        "cluster: c\nkey-file: /k\nnodes:\n  n1: 10.0.0.1\n",
                        4,
                        "is not an address"),
                bad("port too high", "cluster: c\nkey-file: /k\nnodes:\n  n1: 10.0.0.1:65500\n", 4, "out of range"),
                bad("wildcard address", "cluster: c\nkey-file: /k\nnodes:\n  n1: 0.0.0.0:7800\n", 4, "is a wildcard"),
                bad(
                        "two nodes one address",
                        "cluster: c\nkey-file: /k\nnodes:\n  n1: 10.0.0.1:7800\n  n2: 10.0.0.1:7800\n",
                        5,
                        "is given to two nodes"),
                bad("bad duration", head + "membership:\n  heartbeat-timeout: 3 seconds\n", 7, "is not a duration"),
                bad("unknown membership field", head + "membership:\n  hearbeat-timeout: 3s\n", 7, "did you mean"),
                bad("lease too short", head + "membership:\n  lease: 100ms\n", 7, "500 ms"),
                bad("bad policy", head + "quorum:\n  no-quorum-policy: panic\n", 7, "is not one of [stop, freeze"),
                bad("lms too long", head + "quorum:\n  last-man-standing: 30d\n", 7, "last"),
                bad(
                        "two devices",
                        head + "quorum:\n  device:\n    file: /d\n    zookeeper: zk:2181\n",
                        8,
                        "exactly one of 'file'"),
                bad(
                        "zookeeper without base path",
                        head + "quorum:\n  device:\n    zookeeper: zk:2181\n",
                        8,
                        "needs 'base-path'"),
                bad(
                        "bad base path",
                        head + "quorum:\n  device:\n    zookeeper: zk:2181\n    base-path: hastack/\n",
                        9,
                        "must start and not end with '/'"),
                bad(
                        "zookeeper password inline",
                        head + "quorum:\n  device:\n    zookeeper: zk:2181\n    base-path: /h\n    password: x\n",
                        10,
                        "secrets are not written inline"),
                bad(
                        "credentials on a file device",
                        head + "quorum:\n  device:\n    file: /d\n    credentials-file: /c\n",
                        9,
                        "belongs to a zookeeper device"),
                bad("negative threshold", head + "options:\n  migration-threshold: -1\n", 7, "must be at least 1"),
                bad(
                        "threshold not a number",
                        head + "options:\n  migration-threshold: many\n",
                        7,
                        "is not a whole number"),
                bad("bad stickiness", head + "options:\n  stickiness: lots\n", 7, "stickiness"),
                bad("groups a list", head + "groups: [a]\n", 6, "expected a mapping"),
                bad("group without resources", head + "groups:\n  g: {}\n", 7, "missing 'resources'"),
                bad(
                        "group ordered not a boolean",
                        head
                                + "groups:\n  g:\n    ordered: sometimes\n    resources:\n      - {id: r, agent: process}\n",
                        8,
                        "groups.g.ordered"),
                bad(
                        "group with empty resources",
                        head + "groups:\n  g:\n    resources: []\n",
                        8,
                        "at least one resource"),
                bad(
                        "resource without agent",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n",
                        9,
                        "missing 'agent'"),
                bad(
                        "resource id invalid",
                        head + "groups:\n  g:\n    resources:\n      - id: 'r 1'\n        agent: process\n",
                        9,
                        "is invalid"),
                bad(
                        "resource twice",
                        head + "groups:\n  g:\n    resources:\n      - {id: r, agent: a}\n  h:\n    resources:\n"
                                + "      - {id: r, agent: a}\n",
                        12,
                        "defined twice"),
                bad(
                        "misspelled resource field",
                        head
                                + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        monitor-intreval: 5s\n",
                        11,
                        "did you mean 'monitor-interval'?"),
                bad(
                        "1 ns monitor interval",
                        head
                                + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        monitor-interval: 0ms\n",
                        11,
                        "monitor interval"),
                bad(
                        "300-year timeout",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        timeouts:\n"
                                + "          validate: 109500d\n",
                        12,
                        "above the maximum"),
                bad(
                        "unknown operation",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        timeouts:\n"
                                + "          strat: 10s\n",
                        12,
                        "did you mean 'start'?"),
                bad(
                        "bad on-fail",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        on-fail:\n"
                                + "          monitor: explode\n",
                        12,
                        "on-fail"),
                bad(
                        "param name with =",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        params:\n"
                                + "          'a=b': x\n",
                        12,
                        "must not contain '='"),
                bad(
                        "password param inline",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        params:\n"
                                + "          db-password: hunter2\n",
                        12,
                        "secrets are not written inline"),
                bad(
                        "param without value",
                        head + "groups:\n  g:\n    resources:\n      - id: r\n        agent: a\n        params:\n"
                                + "          port:\n",
                        12,
                        "has no value"),
                bad("constraints not a list", head + "constraints: {}\n", 6, "expected a list"),
                bad(
                        "constraint of an unknown group",
                        head + "groups:\n  g:\n    resources: [{id: r, agent: a}]\nconstraints:\n"
                                + "  - prefer: {id: p, group: gg, node: n1, score: 10}\n",
                        10,
                        "no group 'gg'"),
                bad(
                        "constraint on an unknown node",
                        head + "groups:\n  g:\n    resources: [{id: r, agent: a}]\nconstraints:\n"
                                + "  - prefer: {id: p, group: g, node: n9, score: 10}\n",
                        10,
                        "no node 'n9'"),
                bad(
                        "negative prefer",
                        head + "groups:\n  g:\n    resources: [{id: r, agent: a}]\nconstraints:\n"
                                + "  - prefer: {id: p, group: g, node: n1, score: -500}\n",
                        10,
                        "avoid"),
                bad(
                        "two kinds in one item",
                        head + "groups:\n  g:\n    resources: [{id: r, agent: a}]\nconstraints:\n"
                                + "  - {ban: {id: b, group: g, node: n1}, prefer: {id: p, group: g, node: n1, score: 1}}\n",
                        10,
                        "one per list item"),
                bad(
                        "unknown constraint kind",
                        head + "groups:\n  g:\n    resources: [{id: r, agent: a}]\nconstraints:\n  - like: {}\n",
                        10,
                        "unknown field 'like'"),
                bad(
                        "bad order kind",
                        head
                                + "groups:\n  g:\n    resources: [{id: r, agent: a}]\n  h:\n    resources: [{id: s, agent: a}]\n"
                                + "constraints:\n  - order: {id: o, first: g, then: h, kind: sometimes}\n",
                        12,
                        "mandatory or optional"),
                bad(
                        "order cycle",
                        head
                                + "groups:\n  g:\n    resources: [{id: r, agent: a}]\n  h:\n    resources: [{id: s, agent: a}]\n"
                                + "constraints:\n  - order: {id: o1, first: g, then: h}\n  - order: {id: o2, first: h, then: g}\n",
                        12,
                        "cycle"),
                bad("admin without token file", head + "admin:\n  port: 7870\n", 7, "missing 'token-file'"),
                bad(
                        "admin misspelt field",
                        head + "admin:\n  token-file: t\n  prot: 7870\n",
                        8,
                        "admin.prot: unknown field 'prot'; did you mean 'port'?"),
                bad("admin inline token", head + "admin:\n  token: abc\n", 7, "secrets are not written inline"),
                bad(
                        "admin port out of range",
                        head + "admin:\n  token-file: t\n  port: 70000\n",
                        8,
                        "admin.port: port 70000 is out of range"),
                bad(
                        "admin port not a number",
                        head + "admin:\n  token-file: t\n  port: http\n",
                        8,
                        "'http' is not a whole number"),
                bad(
                        "admin on the network without tls",
                        head + "admin:\n  token-file: t\n  bind: 10.0.0.1\n",
                        8,
                        "admin.bind: '10.0.0.1' is not a loopback address"),
                bad("admin on every address", head + "admin:\n  token-file: t\n  bind: 0.0.0.0\n", 8, "is a wildcard"),
                bad(
                        "admin tls without password file",
                        head + "admin:\n  token-file: t\n  tls:\n    keystore: k.p12\n",
                        9,
                        "admin.tls: missing 'password-file'"),
                bad(
                        "admin port of an unknown node",
                        head + "admin:\n  token-file: t\n  node-ports:\n    n3: 7871\n",
                        9,
                        "admin.node-ports.n3: no node 'n3' in 'nodes'"),
                bad("previous nodes not a list", head + "previous-nodes: n1\n", 6, "expected a list"),
                bad("previous node blank", head + "previous-nodes: [n1, '']\n", 6, "previous-nodes[1]: has no value"),
                bad("previous node name invalid", head + "previous-nodes: [n1, 'n 2']\n", 6, "previous-nodes[1]"),
                bad(
                        "previous node twice",
                        head + "previous-nodes:\n  - n1\n  - n1\n",
                        8,
                        "previous-nodes[1]: node 'n1' is listed twice"),
                bad(
                        "previous nodes the same as the nodes",
                        head + "previous-nodes: [n1, n2]\n",
                        6,
                        "by one node added at its end or one node removed"),
                bad(
                        "previous nodes two nodes away",
                        head + "previous-nodes: [n1, n2, n3, n4]\n",
                        6,
                        "previous-nodes: the node list [n1, n2] must differ"),
                bad(
                        "a node added not at the end",
                        head + "previous-nodes: [n2]\n",
                        6,
                        "remove it if you edited the file"),
                bad("previous nodes reordered", """
                        cluster: c
                        key-file: /k
                        nodes:
                          n1: 10.0.0.1:7800
                          n2: 10.0.0.2:7800
                          n3: 10.0.0.3:7800
                        previous-nodes: [n2, n1]
                        """, 7, "one node added at its end"),
                bad(
                        "two nodes one address, written apart",
                        "cluster: c\nkey-file: /k\nnodes:\n  n1: Host.Example:7800\n  n2: ' host.example:07800'\n",
                        5,
                        "address host.example:7800 is given to two nodes"),
                bad(
                        "anchors bomb",
                        "a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
                        1,
                        "aliases"));
    }

    private static Arguments bad(String name, String text, int line, String fragment) {
        return Arguments.of(name, text, line, fragment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileIsRefusedNamingThePlaceAndTheReason(String name, String text, int line, String fragment) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigFile.parse("cluster.yaml", text, BASE), name);
        assertTrue(e.getMessage().startsWith("cluster.yaml:" + line + ":"), name + ": " + e.getMessage());
        assertTrue(
                e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(fragment.toLowerCase(java.util.Locale.ROOT)),
                name + ": " + e.getMessage());
    }

    @Test
    void theNodesAddressesAreReplicatedAsNormalizedText() {
        ClusterFile f = ConfigFile.parse("cluster.yaml", """
                cluster: c
                insecure: true
                nodes:
                  n1: ' Node1.Example:07800'
                  n2: '[::1]:7801'
                  n3: ::2:7802
                """, BASE);
        assertEquals(
                java.util.Map.of(
                        NodeId.of("n1"),
                        "node1.example:7800",
                        NodeId.of("n2"),
                        "[::1]:7801",
                        NodeId.of("n3"),
                        "[::2]:7802"),
                f.config().addresses());
        assertEquals(
                List.of("n1", "n2", "n3"),
                f.config().addresses().keySet().stream().map(NodeId::value).toList(),
                "in node-list order");
        assertEquals("::1", f.nodes().get(NodeId.of("n2")).getHostString(), "the daemon binds the host");
        assertEquals(List.of(), f.config().previousNodes());
    }

    @Test
    void previousNodesNameTheListAChangeBeingCommittedChangesFrom() {
        String nodes = """
                cluster: c
                insecure: true
                nodes:
                  n1: 10.0.0.1:7800
                  n2: 10.0.0.2:7800
                  n3: 10.0.0.3:7800
                """;
        ClusterFile added = ConfigFile.parse("cluster.yaml", nodes + "previous-nodes: [n1, n2]\n", BASE);
        assertEquals(List.of(NodeId.of("n1"), NodeId.of("n2")), added.config().previousNodes());
        assertEquals(
                Optional.of(new io.hastack.core.model.NodeChange(NodeId.of("n3"), true)),
                added.config().nodeChange());
        ClusterFile removed = ConfigFile.parse("cluster.yaml", nodes + "previous-nodes: [n1, n4, n2, n3]\n", BASE);
        assertEquals(
                Optional.of(new io.hastack.core.model.NodeChange(NodeId.of("n4"), false)),
                removed.config().nodeChange());
        ClusterFile none = ConfigFile.parse("cluster.yaml", nodes + "previous-nodes: []\n", BASE);
        assertEquals(Optional.empty(), none.config().nodeChange());
    }

    @Test
    void alertsAreReadWithPacemakersDefaults() {
        ClusterFile f = ConfigFile.parse("cluster.yaml", """
                cluster: c
                insecure: true
                nodes:
                  n1: 10.0.0.1:7800
                alerts:
                  file-log:
                    path: /usr/share/pacemaker/alerts/alert_file.sh.sample
                    recipients: [/var/log/hastack-alerts.log]
                  snmp:
                    path: /usr/share/pacemaker/alerts/alert_snmp.sh.sample
                    recipients: [192.168.1.2]
                    attributes:
                      trap_options: -m +PACEMAKER-MIB
                      trap_version: 2c
                      trap_port: 162
                      HOME: /var/lib/hastack
                  hook:
                    webhook: https://ops.example.com/hastack
                    timeout: 5s
                    timestamp-format: '%F %T'
                    select: [node, fencing]
                """, BASE);
        io.hastack.resources.alert.AlertSpec file = f.alerts().get(0);
        assertEquals("file-log", file.id());
        assertEquals(
                new io.hastack.resources.alert.AlertSpec.Executable(
                        java.nio.file.Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample")),
                file.target());
        assertEquals(List.of("/var/log/hastack-alerts.log"), file.recipients());
        assertEquals(io.hastack.resources.alert.AlertSpec.DEFAULT_TIMEOUT, file.timeout());
        assertEquals("%H:%M:%S.%06N", file.timestampFormat());
        assertEquals(java.util.Set.of(io.hastack.resources.alert.AlertSpec.Kind.values()), file.select());
        assertEquals(java.util.Map.of(), file.attributes());
        io.hastack.resources.alert.AlertSpec snmp = f.alerts().get(1);
        assertEquals(
                List.of("trap_options=-m +PACEMAKER-MIB", "trap_version=2c", "trap_port=162", "HOME=/var/lib/hastack"),
                snmp.attributes().entrySet().stream()
                        .map(a -> a.getKey() + "=" + a.getValue())
                        .toList(),
                "every value as written, in order");
        io.hastack.resources.alert.AlertSpec hook = f.alerts().get(2);
        assertEquals(java.time.Duration.ofSeconds(5), hook.timeout());
        assertEquals(
                java.util.Set.of(
                        io.hastack.resources.alert.AlertSpec.Kind.NODE,
                        io.hastack.resources.alert.AlertSpec.Kind.FENCING),
                hook.select());
    }

    @Test
    void theCorpusHasAtLeastFortyFiles() {
        assertTrue(badFiles().count() >= 40);
    }

    @Test
    void aMissingFileIsNamed() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigFile.load(Path.of("/nonexistent/cluster.yaml")));
        assertEquals("/nonexistent/cluster.yaml:1:1: the file does not exist", e.getMessage());
    }

    @Test
    void theAdminSectionGivesEachNodeItsPort() {
        ClusterFile f = ConfigFile.parse("cluster.yaml", """
                cluster: c
                key-file: k
                nodes:
                  n1: 127.0.0.1:7800
                  n2: 127.0.0.1:7801
                admin:
                  token-file: admin.token
                  port: 7900
                  node-ports: {n2: 7901}
                  bind: 10.0.0.1
                  tls: {keystore: admin.p12, password-file: admin.pass}
                """, BASE);
        ClusterFile.Admin admin = f.admin().orElseThrow();
        assertEquals(7900, admin.portOf(NodeId.of("n1")));
        assertEquals(7901, admin.portOf(NodeId.of("n2")));
        assertEquals("10.0.0.1", admin.bind());
        assertEquals(Path.of("/etc/hastack/admin.token"), admin.tokenFile());
        assertEquals(
                Optional.of(new ClusterFile.Tls(Path.of("/etc/hastack/admin.p12"), Path.of("/etc/hastack/admin.pass"))),
                admin.tls());
        ClusterFile none =
                ConfigFile.parse("c.yaml", "cluster: c\ninsecure: true\nnodes: {n1: 127.0.0.1:7800}\n", BASE);
        assertEquals(Optional.empty(), none.admin());
        ClusterFile defaults = ConfigFile.parse(
                "c.yaml", "cluster: c\ninsecure: true\nnodes: {n1: 127.0.0.1:7800}\nadmin: {token-file: t}\n", BASE);
        assertEquals(7870, defaults.admin().orElseThrow().portOf(NodeId.of("n1")));
        assertEquals("127.0.0.1", defaults.admin().orElseThrow().bind());
    }

    /** The commented example shipped in the distribution ({@code conf/cluster.yaml}) is a file this reader accepts. */
    @Test
    void thePackagedExampleParses() {
        ClusterFile f = ConfigFile.load(Path.of("src", "dist", "conf", "cluster.yaml"));
        assertTrue(f.nodes().size() >= 2);
        assertTrue(f.admin().isPresent());
        assertEquals(Path.of("/etc/hastack/admin.token"), f.admin().get().tokenFile());
    }

    /** The example in docs/configuration.md is a file this reader accepts (the docs stay true). */
    @Test
    void theDocumentedExampleParses() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("..", "docs", "configuration.md"));
        int start = doc.indexOf("```yaml\n");
        String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
        ClusterFile f = ConfigFile.parse("configuration.md", yaml, BASE);
        assertEquals(3, f.nodes().size());
        assertEquals(2, f.config().groups().size());
        assertEquals(
                Optional.of(Path.of("/etc/hastack/zk.cred")),
                ((ClusterFile.ZooKeeperDevice) f.device().orElseThrow()).credentialsFile());
        assertEquals(7870, f.admin().orElseThrow().port());
        assertEquals(2, f.alerts().size());
    }
}
