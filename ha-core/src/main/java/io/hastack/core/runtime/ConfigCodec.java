package io.hastack.core.runtime;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.OnFail;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.VersionedConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire form of a {@link VersionedConfig}, inside a cluster message. Everything is read back
 * through the model's builders, so a configuration that arrives is checked as one built in code
 * (a bad one fails the frame, naming what is wrong); the decoded configuration must hash as the
 * sender said, or the frame is refused. Never Java serialization.
 */
final class ConfigCodec {
    /** The most elements of one kind (groups, resources of a group, parameters, constraints). */
    private static final int MAX_ITEMS = 10_000;
    /** The longest string (a parameter value), in bytes. */
    private static final int MAX_STRING = 1 << 20;

    /**
     * The largest configuration a change may carry, encoded: well inside the transport's frame limit
     * (1 MiB on the TCP stack), with room for the version's envelope.
     */
    static final int MAX_CONFIG_BYTES = 512 * 1024;

    private ConfigCodec() {}

    /**
     * Checks that {@code config} can travel in a cluster message.
     *
     * @throws IllegalArgumentException naming its size and the limit if it is too large
     */
    static void requireSendable(ClusterConfig config) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            writeConfig(new DataOutputStream(bytes), config);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (bytes.size() > MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException("the configuration is " + bytes.size() + " bytes encoded, more than the "
                    + MAX_CONFIG_BYTES + " a change may carry: keep large data in files and name them in parameters");
        }
    }

    static void write(DataOutputStream out, VersionedConfig v) throws IOException {
        out.writeLong(v.version());
        out.writeUTF(v.hash());
        out.writeInt(v.lineage().size());
        for (String h : v.lineage()) {
            out.writeUTF(h);
        }
        writeConfig(out, v.config());
    }

    static VersionedConfig read(DataInputStream in) throws IOException, MalformedMessageException {
        long version = in.readLong();
        String hash = in.readUTF();
        int n = count(in);
        List<String> lineage = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lineage.add(in.readUTF());
        }
        ClusterConfig config = readConfig(in);
        if (!config.hash().equals(hash)) {
            throw new MalformedMessageException("configuration version " + version + " arrived with hash " + hash
                    + " but decodes to " + config.hash());
        }
        return new VersionedConfig(version, config, lineage);
    }

    static void writeConfig(DataOutputStream out, ClusterConfig c) throws IOException {
        out.writeInt(c.nodes().size());
        for (var node : c.nodes()) {
            out.writeUTF(node.value());
        }
        out.writeInt(c.previousNodes().size());
        for (var node : c.previousNodes()) {
            out.writeUTF(node.value());
        }
        out.writeInt(c.addresses().size());
        for (var e : c.addresses().entrySet()) {
            out.writeUTF(e.getKey().value());
            out.writeUTF(e.getValue());
        }
        out.writeUTF(c.noQuorumPolicy().name());
        out.writeInt(c.migrationThreshold());
        out.writeInt(c.defaultStickiness());
        out.writeLong(c.failureTimeout().toMillis());
        out.writeBoolean(c.maintenanceMode());
        out.writeBoolean(c.waitForAll());
        out.writeLong(c.lastManStanding().map(Duration::toMillis).orElse(-1L));
        out.writeInt(c.groups().size());
        for (ResourceGroup g : c.groups()) {
            out.writeUTF(g.id().value());
            out.writeInt(g.isClone() ? g.cloneMax() : 0);
            out.writeBoolean(g.ordered());
            out.writeInt(g.resources().size());
            for (ResourceSpec r : g.resources()) {
                writeResource(out, r);
            }
        }
        out.writeInt(c.locations().size());
        for (LocationConstraint l : c.locations()) {
            out.writeUTF(l.id());
            out.writeUTF(l.group().value());
            out.writeUTF(l.node().value());
            out.writeInt(l.score());
        }
        out.writeInt(c.colocations().size());
        for (ColocationConstraint l : c.colocations()) {
            out.writeUTF(l.id());
            out.writeUTF(l.group().value());
            out.writeUTF(l.with().value());
            out.writeInt(l.score());
        }
        out.writeInt(c.orders().size());
        for (OrderConstraint o : c.orders()) {
            out.writeUTF(o.id());
            out.writeUTF(o.first().value());
            out.writeUTF(o.then().value());
            out.writeUTF(o.kind().name());
        }
    }

    private static void writeResource(DataOutputStream out, ResourceSpec r) throws IOException {
        out.writeUTF(r.id().value());
        out.writeUTF(r.agentType());
        out.writeInt(r.parameters().size());
        for (Map.Entry<String, String> p : r.parameters().entrySet()) {
            writeString(out, p.getKey());
            writeString(out, p.getValue());
        }
        for (Operation op : Operation.values()) {
            out.writeLong(r.timeout(op).map(Duration::toMillis).orElse(-1L));
            out.writeUTF(r.onFail(op).map(OnFail::name).orElse(""));
        }
        out.writeLong(r.monitorInterval().toMillis());
        out.writeBoolean(r.stickiness().isPresent());
        out.writeInt(r.stickiness().orElse(0));
        out.writeInt(r.migrationThreshold().orElse(-1));
        out.writeLong(r.failureTimeout().map(Duration::toMillis).orElse(-1L));
        out.writeBoolean(r.managed());
        out.writeBoolean(r.enabled());
    }

    static ClusterConfig readConfig(DataInputStream in) throws IOException, MalformedMessageException {
        ClusterConfig.Builder b = ClusterConfig.builder();
        int nodes = count(in);
        String[] names = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            names[i] = in.readUTF();
        }
        b.nodes(names);
        int previous = count(in);
        List<NodeId> before = new ArrayList<>(previous);
        for (int i = 0; i < previous; i++) {
            before.add(NodeId.of(in.readUTF()));
        }
        b.previousNodes(before);
        int addresses = count(in);
        for (int i = 0; i < addresses; i++) {
            NodeId node = NodeId.of(in.readUTF());
            b.address(node, in.readUTF());
        }
        b.noQuorumPolicy(NoQuorumPolicy.valueOf(in.readUTF()));
        b.migrationThreshold(in.readInt());
        b.defaultStickiness(in.readInt());
        b.failureTimeout(Duration.ofMillis(in.readLong()));
        b.maintenanceMode(in.readBoolean());
        b.waitForAll(in.readBoolean());
        long lms = in.readLong();
        if (lms >= 0) {
            b.lastManStanding(Duration.ofMillis(lms));
        }
        int groups = count(in);
        for (int i = 0; i < groups; i++) {
            String id = in.readUTF();
            int cloneMax = in.readInt();
            boolean ordered = in.readBoolean();
            int resources = count(in);
            List<ResourceSpec> specs = new ArrayList<>(resources);
            for (int j = 0; j < resources; j++) {
                specs.add(readResource(in));
            }
            ResourceSpec[] array = specs.toArray(ResourceSpec[]::new);
            ResourceGroup group = cloneMax > 0 ? ResourceGroup.clone(id, cloneMax, array) : ResourceGroup.of(id, array);
            b.group(ordered ? group : group.unordered());
        }
        int locations = count(in);
        for (int i = 0; i < locations; i++) {
            String id = in.readUTF();
            String group = in.readUTF();
            String node = in.readUTF();
            int score = in.readInt();
            b.location(new LocationConstraint(id, GroupId.of(group), NodeId.of(node), score));
        }
        int colocations = count(in);
        for (int i = 0; i < colocations; i++) {
            String id = in.readUTF();
            String group = in.readUTF();
            String with = in.readUTF();
            int score = in.readInt();
            b.colocation(new ColocationConstraint(id, GroupId.of(group), GroupId.of(with), score));
        }
        int orders = count(in);
        for (int i = 0; i < orders; i++) {
            String id = in.readUTF();
            String first = in.readUTF();
            String then = in.readUTF();
            OrderConstraint.Kind kind = OrderConstraint.Kind.valueOf(in.readUTF());
            b.order(new OrderConstraint(id, GroupId.of(first), GroupId.of(then), kind));
        }
        return b.build();
    }

    private static ResourceSpec readResource(DataInputStream in) throws IOException, MalformedMessageException {
        ResourceSpec.Builder r = ResourceSpec.builder(in.readUTF(), in.readUTF());
        int params = count(in);
        for (int i = 0; i < params; i++) {
            r.param(readString(in), readString(in));
        }
        for (Operation op : Operation.values()) {
            long timeout = in.readLong();
            if (timeout >= 0) {
                r.timeout(op, Duration.ofMillis(timeout));
            }
            String onFail = in.readUTF();
            if (!onFail.isEmpty()) {
                r.onFail(op, OnFail.valueOf(onFail));
            }
        }
        r.monitorInterval(Duration.ofMillis(in.readLong()));
        boolean sticky = in.readBoolean();
        int stickiness = in.readInt();
        if (sticky) {
            r.stickiness(stickiness);
        }
        int threshold = in.readInt();
        if (threshold >= 0) {
            r.migrationThreshold(threshold);
        }
        long failureTimeout = in.readLong();
        if (failureTimeout >= 0) {
            r.failureTimeout(Duration.ofMillis(failureTimeout));
        }
        r.managed(in.readBoolean());
        r.enabled(in.readBoolean());
        return r.build();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException, MalformedMessageException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING || n > in.available()) {
            throw new MalformedMessageException("implausible string length " + n);
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in) throws IOException, MalformedMessageException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS || n > in.available()) {
            throw new MalformedMessageException("implausible element count " + n);
        }
        return n;
    }
}
