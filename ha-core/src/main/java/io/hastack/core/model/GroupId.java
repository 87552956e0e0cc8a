package io.hastack.core.model;

/**
 * The identifier of a group, unique in the cluster: 1-63 letters, digits, {@code _}, {@code .} or
 * {@code -}, starting with a letter or digit.
 *
 * @param value the identifier as written in configuration and logs
 */
public record GroupId(String value) implements Comparable<GroupId> {
    /** Validates the identifier; throws {@link IllegalArgumentException} naming the bad value. */
    public GroupId {
        Ids.check("group id", value);
    }

    /** Returns the identifier for {@code value}, validating it. */
    public static GroupId of(String value) {
        return new GroupId(value);
    }

    @Override
    public int compareTo(GroupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
