package io.hastack.core.simulate;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;

/** Something injected into a simulation. */
public sealed interface SimEvent
        permits SimEvent.NodeFails, SimEvent.NodeLeaves, SimEvent.MonitorFails, SimEvent.Standby {
    /**
     * A node crashes: it leaves the view without stopping anything.
     *
     * @param node the node
     */
    record NodeFails(NodeId node) implements SimEvent {
        @Override
        public String toString() {
            return "node " + node + " fails";
        }
    }

    /**
     * A node shuts down cleanly: its groups are handed over, then it leaves.
     *
     * @param node the node
     */
    record NodeLeaves(NodeId node) implements SimEvent {
        @Override
        public String toString() {
            return "node " + node + " shuts down";
        }
    }

    /**
     * An operator puts a node in standby: its groups move away.
     *
     * @param node the node
     */
    record Standby(NodeId node) implements SimEvent {
        @Override
        public String toString() {
            return "node " + node + " enters standby";
        }
    }

    /**
     * The monitor of a resource fails on the node that runs it.
     *
     * @param resource the resource
     * @param node the node
     */
    record MonitorFails(ResourceId resource, NodeId node) implements SimEvent {
        @Override
        public String toString() {
            return "monitor of " + resource + " fails on " + node;
        }
    }

    /**
     * Parses {@code node-fails N}, {@code node-leaves N}, {@code standby N} or {@code monitor-fails R on N}.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static SimEvent parse(String text) {
        String[] w = text.strip().split("\\s+");
        if (w.length == 2 && w[0].equals("node-fails")) {
            return new NodeFails(NodeId.of(w[1]));
        }
        if (w.length == 2 && w[0].equals("node-leaves")) {
            return new NodeLeaves(NodeId.of(w[1]));
        }
        if (w.length == 2 && w[0].equals("standby")) {
            return new Standby(NodeId.of(w[1]));
        }
        if (w.length == 4 && w[0].equals("monitor-fails") && w[2].equals("on")) {
            return new MonitorFails(ResourceId.of(w[1]), NodeId.of(w[3]));
        }
        throw new IllegalArgumentException("event '" + text + "' is not one of: node-fails NODE, node-leaves NODE,"
                + " standby NODE, monitor-fails RESOURCE on NODE");
    }
}
