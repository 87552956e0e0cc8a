package io.hastack.core.model;

/**
 * The identifier of a resource, unique in the cluster: 1-63 letters, digits, {@code _}, {@code .} or
 * {@code -}, starting with a letter or digit.
 *
 * @param value the identifier as written in configuration and logs
 */
public record ResourceId(String value) implements Comparable<ResourceId> {
    /** Validates the identifier; throws {@link IllegalArgumentException} naming the bad value. */
    public ResourceId {
        Ids.check("resource id", value);
    }

    /** Returns the identifier for {@code value}, validating it. */
    public static ResourceId of(String value) {
        return new ResourceId(value);
    }

    @Override
    public int compareTo(ResourceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
