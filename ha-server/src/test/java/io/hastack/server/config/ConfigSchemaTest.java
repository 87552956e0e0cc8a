package io.hastack.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.hastack.core.model.VersionedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schema for editors ({@code conf/cluster.schema.json} in the distribution) agrees with the
 * reader: every file the project ships or writes is valid by it, and files the reader refuses for
 * a field's name, kind or shape are invalid by it too. Checked with a real validator (networknt).
 */
class ConfigSchemaTest {
    private static final Path BASE = Path.of("/etc/hastack");
    private static final Schema SCHEMA = load();

    private static Schema load() {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(Path.of("src", "dist", "conf", "cluster.schema.json")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Error> errors(String yaml) {
        return SCHEMA.validate(yaml, InputFormat.YAML);
    }

    private static String documentedExample() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        int start = doc.indexOf("```yaml\n");
        return doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    }

    @Test
    void theShippedTheDocumentedAndTheWrittenFilesAreValid() throws Exception {
        String example = documentedExample();
        String packaged = Files.readString(Path.of("src", "dist", "conf", "cluster.yaml"));
        ClusterFile f = ConfigFile.parse("example", example, BASE);
        VersionedConfig v = f.versioned().next(f.config()).next(f.config());
        String written = ConfigWriter.render("example", example, v, BASE);
        VersionedConfig adding = v.next(f.config().toBuilder()
                .nodes("node1", "node2", "node3", "node4")
                .address(io.hastack.core.model.NodeId.of("node4"), "10.0.0.4:7800")
                .previousNodes(f.config().nodes())
                .build());
        String changingNodes = ConfigWriter.render("example", example, adding, BASE);
        for (String yaml : List.of(example, packaged, written, changingNodes)) {
            assertEquals(List.of(), errors(yaml), yaml);
        }
    }

    @Test
    void anUnorderedGroupIsWrittenValidAndReadBackUnordered() {
        String text =
                HEAD + "groups:\n  g:\n    ordered: false\n    resources:\n      - id: r\n        agent: process\n";
        ClusterFile f = ConfigFile.parse("unordered", text, BASE);
        String written = ConfigWriter.render("unordered", text, f.versioned().next(f.config()), BASE);
        assertEquals(List.of(), errors(written), written);
        ClusterFile back = ConfigFile.parse("written", written, BASE);
        assertEquals(f.config().groups(), back.config().groups());
        assertFalse(back.config().groups().get(0).ordered(), written);
    }

    private static final String HEAD = "cluster: c\nkey-file: k\nnodes:\n  n1: 10.0.0.1:7800\n";
    private static final String GROUP = "groups:\n  g:\n    resources:\n      - id: r\n        agent: process\n";

    /** Files both the reader and the schema refuse: a field's name, kind or shape is wrong. */
    static Stream<Arguments> refusedByBoth() {
        return Stream.of(
                Arguments.of("unknown top field", HEAD + "gruops: {}\n"),
                Arguments.of("missing nodes", "cluster: c\nkey-file: k\n"),
                Arguments.of(
                        "group ordered not a boolean",
                        HEAD
                                + "groups:\n  g:\n    ordered: sometimes\n    resources:\n      - {id: r, agent: process}\n"),
                Arguments.of("bad cluster name", "cluster: 'a b'\nkey-file: k\nnodes:\n  n1: 10.0.0.1:7800\n"),
                Arguments.of("address without port", "cluster: c\nkey-file: k\nnodes:\n  n1: 10.0.0.1\n"),
                Arguments.of("unknown membership field", HEAD + "membership: {heartbeat: 1s}\n"),
                Arguments.of("bad duration", HEAD + "membership: {heartbeat-timeout: soon}\n"),
                Arguments.of("bad policy", HEAD + "quorum: {no-quorum-policy: panic}\n"),
                Arguments.of(
                        "device with both kinds",
                        HEAD + "quorum:\n  device: {file: /q, zookeeper: 'z:1', base-path: /b}\n"),
                Arguments.of("zookeeper without base path", HEAD + "quorum:\n  device: {zookeeper: 'z:1'}\n"),
                Arguments.of("threshold not a number", HEAD + "options: {migration-threshold: many}\n"),
                Arguments.of("unknown option", HEAD + "options: {stickyness: 5}\n"),
                Arguments.of("group without resources", HEAD + "groups:\n  g: {clone-max: 2}\n"),
                Arguments.of("resource without agent", HEAD + "groups:\n  g:\n    resources:\n      - id: r\n"),
                Arguments.of("misspelled resource field", HEAD + GROUP + "        monitor-intreval: 5s\n"),
                Arguments.of("unknown operation", HEAD + GROUP + "        timeouts: {begin: 5s}\n"),
                Arguments.of("bad on-fail", HEAD + GROUP + "        on-fail: {monitor: explode}\n"),
                Arguments.of("bad target role", HEAD + GROUP + "        target-role: paused\n"),
                Arguments.of(
                        "unknown constraint", HEAD + GROUP + "constraints:\n  - near: {id: x, group: g, node: n1}\n"),
                Arguments.of(
                        "prefer without score",
                        HEAD + GROUP + "constraints:\n  - prefer: {id: x, group: g, node: n1}\n"),
                Arguments.of(
                        "order with a bad kind",
                        HEAD + GROUP + "constraints:\n  - order: {id: o, first: g, then: g, kind: maybe}\n"),
                Arguments.of("negative version", HEAD + "version: -1\n"),
                Arguments.of("lineage not hashes", HEAD + "version: 1\nlineage: [XYZ]\n"),
                Arguments.of("previous nodes not a list", HEAD + "previous-nodes: n1\n"),
                Arguments.of("previous node name invalid", HEAD + "previous-nodes: [n1, 'n 2']\n"),
                Arguments.of("previous node twice", HEAD + "previous-nodes: [n1, n1]\n"),
                Arguments.of("admin without token file", HEAD + "admin: {port: 7870}\n"),
                Arguments.of("admin port out of range", HEAD + "admin: {port: 70000, token-file: t}\n"),
                Arguments.of(
                        "alert with path and webhook",
                        HEAD + "alerts:\n  a: {path: /bin/true, webhook: 'http://h/'}\n"),
                Arguments.of("alert with neither", HEAD + "alerts:\n  a: {timeout: 5s}\n"),
                Arguments.of(
                        "alert selecting attributes", HEAD + "alerts:\n  a: {path: /bin/true, select: [attribute]}\n"),
                Arguments.of("alert webhook not http", HEAD + "alerts:\n  a: {webhook: 'ftp://h/'}\n"),
                Arguments.of("check not http", HEAD + "checks: {g: 'ftp://h/'}\n"),
                Arguments.of("check with a password", HEAD + "checks: {g: 'http://u:pw@h/'}\n"),
                Arguments.of("check not a URL string", HEAD + "checks: {g: {url: 'http://h/'}}\n"),
                Arguments.of(
                        "alert attribute not a variable name",
                        HEAD + "alerts:\n  a: {path: /bin/true, attributes: {trap-options: x}}\n"),
                Arguments.of(
                        "alert attribute of Pacemaker's",
                        HEAD + "alerts:\n  a: {path: /bin/true, attributes: {CRM_alert_node: x}}\n"),
                Arguments.of(
                        "alert attributes not a mapping", HEAD + "alerts:\n  a: {path: /bin/true, attributes: [x]}\n"),
                Arguments.of(
                        "alert attribute not a value",
                        HEAD + "alerts:\n  a: {path: /bin/true, attributes: {x: [y]}}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByBoth")
    void whatTheReaderRefusesForItsShapeTheSchemaRefusesToo(String name, String yaml) {
        assertThrows(ConfigException.class, () -> ConfigFile.parse("cluster.yaml", yaml, BASE), name);
        assertFalse(errors(yaml).isEmpty(), name + ": the schema accepts it");
    }
}
