package io.hastack.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.ColocationConstraint;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.LocationConstraint;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.OrderConstraint;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import io.hastack.core.model.Score;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.runtime.ClusterStatus;
import io.hastack.core.security.Refusals;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.plan.NodeInfo;
import io.hastack.core.spi.plan.NodeStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The API's answers as JSON trees: the status, the configuration, events, errors. Written by hand
 * from the core's types (not by reflection over their getters), so that a change in the core does
 * not silently change the API; event data, whose records are many and typed, are the exception:
 * each record becomes an object of its components. Durations are milliseconds in fields ending in
 * {@code Ms}; times are ISO-8601; ids are strings. Stateless.
 */
final class Json {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {}

    /** {@code {"error": message, "field": field}}. */
    static ObjectNode error(String message, String field) {
        ObjectNode o = F.objectNode();
        o.put("error", message);
        if (field == null) {
            o.putNull("field");
        } else {
            o.put("field", field);
        }
        return o;
    }

    /** A node's status as the API's {@code GET /api/v1/status} answers it. */
    static ObjectNode status(ClusterStatus s, Refusals.Snapshot apiRefusals) {
        ObjectNode o = F.objectNode();
        o.put("node", s.node().value());
        o.put("coordinator", s.coordinator());
        Optional<View> view = s.view();
        if (view.isPresent()) {
            ObjectNode v = o.putObject("view");
            v.put("id", view.get().id().toString());
            v.put("coordinator", view.get().coordinator().value());
            v.set("members", ids(view.get().members()));
        } else {
            o.putNull("view");
        }
        o.put("quorum", s.quorum());
        o.put("lease", s.lease());
        o.set("refused", refusals(s.refused()));
        ArrayNode nodes = o.putArray("nodes");
        for (NodeInfo n : s.nodes()) {
            ObjectNode j = nodes.addObject();
            j.put("node", n.node().value());
            j.put("status", status(n.status()));
            ObjectNode resources = j.putObject("resources");
            n.states().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(ResourceId::value)))
                    .forEach(e -> resources.put(e.getKey().value(), e.getValue().name()));
            ObjectNode failures = j.putObject("failures");
            n.failCounts().forEach((r, c) -> failures.put(r.value(), c));
        }
        ArrayNode groups = o.putArray("groups");
        for (ResourceGroup g : s.config().groups()) {
            ObjectNode j = groups.addObject();
            j.put("id", g.id().value());
            ArrayNode running = j.putArray("runningOn");
            s.nodes().stream()
                    .filter(n -> !g.resources().isEmpty()
                            && g.resources().stream().allMatch(r -> n.state(r.id()) == ResourceState.RUNNING))
                    .forEach(n -> running.add(n.node().value()));
            ArrayNode resources = j.putArray("resources");
            for (ResourceSpec r : g.resources()) {
                ObjectNode rj = resources.addObject();
                rj.put("id", r.id().value());
                rj.put("agent", r.agentType());
                rj.put("managed", r.managed());
                rj.put("enabled", r.enabled());
                ObjectNode byNode = rj.putObject("states");
                for (NodeInfo n : s.nodes()) {
                    byNode.put(n.node().value(), n.state(r.id()).name());
                }
            }
        }
        ArrayNode notes = o.putArray("notes");
        s.notes().forEach(notes::add);
        o.put("configHash", s.config().hash());
        o.put("configVersion", s.configVersion());
        o.set("nodeList", ids(s.config().nodes()));
        o.set("previousNodes", ids(s.config().previousNodes()));
        o.put("maintenanceMode", s.config().maintenanceMode());
        o.putObject("api").set("refused", refusals(apiRefusals));
        return o;
    }

    /** A node's status in the words of {@code ClusterStatus.render()}: {@code online}, {@code standby}, ... */
    static String status(NodeStatus status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static ObjectNode refusals(Refusals.Snapshot r) {
        ObjectNode o = F.objectNode();
        o.put("total", r.total());
        ObjectNode counts = o.putObject("counts");
        new java.util.TreeMap<>(r.counts()).forEach(counts::put);
        ObjectNode last = o.putObject("last");
        new java.util.TreeMap<>(r.last()).forEach(last::put);
        return o;
    }

    /**
     * The running configuration: its version and hash, then the model (nodes, options, groups and
     * their resources, constraints).
     */
    static ObjectNode config(VersionedConfig v) {
        ObjectNode o = F.objectNode();
        o.put("version", v.version());
        o.put("hash", v.hash());
        ArrayNode lineage = o.putArray("lineage");
        v.lineage().forEach(lineage::add);
        o.setAll(config(v.config()));
        return o;
    }

    /** The model: nodes, options, groups and their resources, constraints. */
    static ObjectNode config(ClusterConfig c) {
        ObjectNode o = F.objectNode();
        o.put("hash", c.hash());
        o.set("nodes", ids(c.nodes()));
        o.set("previousNodes", ids(c.previousNodes()));
        ObjectNode addresses = o.putObject("addresses");
        c.addresses().forEach((n, a) -> addresses.put(n.value(), a));
        ObjectNode options = o.putObject("options");
        options.put("noQuorumPolicy", c.noQuorumPolicy().name().toLowerCase(Locale.ROOT));
        options.put("migrationThreshold", c.migrationThreshold());
        options.put("stickiness", Score.format(c.defaultStickiness()));
        options.put("failureTimeoutMs", c.failureTimeout().toMillis());
        options.put("maintenance", c.maintenanceMode());
        options.put("waitForAll", c.waitForAll());
        if (c.lastManStanding().isPresent()) {
            options.put("lastManStandingMs", c.lastManStanding().get().toMillis());
        } else {
            options.putNull("lastManStandingMs");
        }
        ArrayNode groups = o.putArray("groups");
        for (ResourceGroup g : c.groups()) {
            ObjectNode j = groups.addObject();
            j.put("id", g.id().value());
            if (g.isClone()) {
                j.put("cloneMax", g.cloneMax());
            } else {
                j.putNull("cloneMax");
            }
            j.put("ordered", g.ordered());
            ArrayNode resources = j.putArray("resources");
            for (ResourceSpec r : g.resources()) {
                resources.add(resource(r));
            }
        }
        ObjectNode constraints = o.putObject("constraints");
        ArrayNode locations = constraints.putArray("locations");
        for (LocationConstraint l : c.locations()) {
            ObjectNode j = locations.addObject();
            j.put("id", l.id());
            j.put("group", l.group().value());
            j.put("node", l.node().value());
            j.put("score", Score.format(l.score()));
        }
        ArrayNode colocations = constraints.putArray("colocations");
        for (ColocationConstraint cc : c.colocations()) {
            ObjectNode j = colocations.addObject();
            j.put("id", cc.id());
            j.put("group", cc.group().value());
            j.put("with", cc.with().value());
            j.put("score", Score.format(cc.score()));
        }
        ArrayNode orders = constraints.putArray("orders");
        for (OrderConstraint oc : c.orders()) {
            ObjectNode j = orders.addObject();
            j.put("id", oc.id());
            j.put("first", oc.first().value());
            j.put("then", oc.then().value());
            j.put("kind", oc.kind().externalName());
        }
        o.put("canonical", c.canonicalText());
        return o;
    }

    private static ObjectNode resource(ResourceSpec r) {
        ObjectNode j = F.objectNode();
        j.put("id", r.id().value());
        j.put("agent", r.agentType());
        ObjectNode params = j.putObject("params");
        new java.util.TreeMap<>(r.parameters()).forEach(params::put);
        j.put("monitorIntervalMs", r.monitorInterval().toMillis());
        ObjectNode timeouts = j.putObject("timeoutsMs");
        for (Operation op : Operation.values()) {
            r.timeout(op).ifPresent(t -> timeouts.put(op.externalName(), t.toMillis()));
        }
        ObjectNode onFail = j.putObject("onFail");
        for (Operation op : Operation.values()) {
            r.onFail(op).ifPresent(p -> onFail.put(op.name().toLowerCase(Locale.ROOT), p.toString()));
        }
        optionalInt(j, "stickiness", r.stickiness());
        optionalInt(j, "migrationThreshold", r.migrationThreshold());
        if (r.failureTimeout().isPresent()) {
            j.put("failureTimeoutMs", r.failureTimeout().get().toMillis());
        } else {
            j.putNull("failureTimeoutMs");
        }
        j.put("managed", r.managed());
        j.put("enabled", r.enabled());
        return j;
    }

    private static void optionalInt(ObjectNode o, String name, OptionalInt value) {
        if (value.isPresent()) {
            o.put(name, value.getAsInt());
        } else {
            o.putNull(name);
        }
    }

    /** A recorded event as the API serves it (a copy). */
    static ObjectNode event(EventLog.Recorded r) {
        return r.json().deepCopy();
    }

    /** An event and its number: {@code {"seq", "time", "node", "type", "subject", "detail", "data"}}. */
    static ObjectNode event(long seq, io.hastack.core.runtime.HaEvent e) {
        ObjectNode o = F.objectNode();
        o.put("seq", seq);
        o.put("time", e.time().toString());
        o.put("node", e.node().value());
        o.put("type", e.type().name());
        o.put("subject", e.subject());
        o.put("detail", e.detail());
        o.set("data", value(e.data(), 0));
        return o;
    }

    /** A value of an event's data as JSON: records as objects, ids as strings, durations in ms. */
    static JsonNode value(Object v, int depth) {
        if (v == null || depth > 8) {
            return F.nullNode();
        }
        if (v instanceof NodeId n) {
            return F.textNode(n.value());
        }
        if (v instanceof GroupId g) {
            return F.textNode(g.value());
        }
        if (v instanceof ResourceId r) {
            return F.textNode(r.value());
        }
        if (v instanceof io.hastack.core.spi.membership.ViewId id) {
            return F.textNode(id.toString());
        }
        if (v instanceof String s) {
            return F.textNode(s);
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof Integer i) {
            return F.numberNode(i);
        }
        if (v instanceof Long l) {
            return F.numberNode(l);
        }
        if (v instanceof Duration d) {
            return F.numberNode(d.toMillis());
        }
        if (v instanceof Instant t) {
            return F.textNode(t.toString());
        }
        if (v instanceof Enum<?> e) {
            return F.textNode(e.name());
        }
        if (v instanceof Optional<?> opt) {
            return opt.isPresent() ? value(opt.get(), depth + 1) : F.nullNode();
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = F.arrayNode();
            c.forEach(x -> a.add(value(x, depth + 1)));
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            m.forEach((k, x) ->
                    o.set(String.valueOf(value(k, depth + 1).asText(String.valueOf(k))), value(x, depth + 1)));
            return o;
        }
        if (v instanceof Record rec) {
            ObjectNode o = F.objectNode();
            for (RecordComponent c : rec.getClass().getRecordComponents()) {
                try {
                    o.set(
                            c.getName() + (isDuration(c) ? "Ms" : ""),
                            value(c.getAccessor().invoke(rec), depth + 1));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    o.put(c.getName(), String.valueOf(e));
                }
            }
            return o;
        }
        return F.textNode(v.toString());
    }

    private static boolean isDuration(RecordComponent c) {
        return c.getType() == Duration.class;
    }

    static ArrayNode ids(Collection<NodeId> ids) {
        ArrayNode a = F.arrayNode();
        ids.forEach(n -> a.add(n.value()));
        return a;
    }
}
