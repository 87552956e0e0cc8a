package io.hastack.core.model;

/**
 * The identifier of a node, unique in the cluster: 1-63 letters, digits, {@code _}, {@code .} or
 * {@code -}, starting with a letter or digit.
 *
 * @param value the identifier as written in configuration and logs
 */
public record NodeId(String value) implements Comparable<NodeId> {
    /** Validates the identifier; throws {@link IllegalArgumentException} naming the bad value. */
    public NodeId {
        Ids.check("node id", value);
    }

    /** Returns the identifier for {@code value}, validating it. */
    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
