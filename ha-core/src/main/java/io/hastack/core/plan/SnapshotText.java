package io.hastack.core.plan;

import io.hastack.core.membership.ViewId;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.GroupId;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceGroup;
import io.hastack.core.model.ResourceId;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.model.ResourceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain-text form of a {@link ClusterSnapshot}, for golden scenarios and saved snapshots. One item
 * per line; {@code #} starts a comment:
 *
 * <pre>
 * nodes n1 n2 n3                      # the configured nodes, in view order
 * migration-threshold 3               # optional
 * no-quorum-policy stop               # optional
 * group web-group ip app web          # a group and its resources, in start order
 * node n1 ip=RUNNING app=FAILED:2     # what a member reports: state[:failures] per resource
 * node n2 status=leaving fail.web=3   # status (online, leaving, standby, no-quorum, fenced, config-mismatch),
 *                                     # failures of a resource that is stopped
 * </pre>
 *
 * Every configured node is a member unless the text has {@code members n1 n3}; a member without a
 * {@code node} line reports nothing running. Resources get agent type {@code test}.
 */
public final class SnapshotText {
    private SnapshotText() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static ClusterSnapshot parse(String text) {
        ClusterConfig.Builder config = ClusterConfig.builder();
        List<String> nodes = new ArrayList<>();
        List<String> members = null;
        Map<String, String[]> nodeLines = new HashMap<>();
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            try {
                switch (words[0]) {
                    case "nodes" -> {
                        nodes = List.of(words).subList(1, words.length);
                        config.nodes(nodes.toArray(String[]::new));
                    }
                    case "members" -> members = List.of(words).subList(1, words.length);
                    case "migration-threshold" -> config.migrationThreshold(Integer.parseInt(words[1]));
                    case "no-quorum-policy" -> config.noQuorumPolicy(
                            NoQuorumPolicy.valueOf(words[1].toUpperCase(Locale.ROOT)));
                    case "group" -> {
                        List<ResourceSpec> specs = new ArrayList<>();
                        for (int i = 2; i < words.length; i++) {
                            specs.add(ResourceSpec.builder(words[i], "test").build());
                        }
                        config.group(new ResourceGroup(GroupId.of(words[1]), specs));
                    }
                    case "node" -> nodeLines.put(words[1], words);
                    default -> throw new IllegalArgumentException("unknown item '" + words[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + number + " '" + line + "': " + e.getMessage(), e);
            }
        }
        List<NodeInfo> infos = new ArrayList<>();
        for (String name : members != null ? members : nodes) {
            infos.add(node(name, nodeLines.get(name)));
        }
        for (String name : nodeLines.keySet()) {
            if (!(members != null ? members : nodes).contains(name)) {
                throw new IllegalArgumentException("node line for '" + name + "', which is not a member");
            }
        }
        NodeId creator = infos.isEmpty() ? NodeId.of("none") : infos.get(0).node();
        return new ClusterSnapshot(config.build(), new ViewId(creator, 1), infos);
    }

    private static NodeInfo node(String name, String[] words) {
        NodeStatus status = NodeStatus.ONLINE;
        Map<ResourceId, ResourceState> states = new HashMap<>();
        Map<ResourceId, Integer> failures = new HashMap<>();
        for (int i = 2; words != null && i < words.length; i++) {
            String[] kv = words[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("node " + name + ": '" + words[i] + "' is not key=value");
            }
            if (kv[0].equals("status")) {
                status = NodeStatus.valueOf(kv[1].toUpperCase(Locale.ROOT).replace('-', '_'));
            } else if (kv[0].startsWith("fail.")) {
                failures.put(ResourceId.of(kv[0].substring(5)), Integer.parseInt(kv[1]));
            } else {
                String[] stateAndCount = kv[1].split(":", 2);
                states.put(ResourceId.of(kv[0]), ResourceState.valueOf(stateAndCount[0]));
                if (stateAndCount.length == 2) {
                    failures.put(ResourceId.of(kv[0]), Integer.parseInt(stateAndCount[1]));
                }
            }
        }
        return new NodeInfo(NodeId.of(name), status, states, failures);
    }
}
