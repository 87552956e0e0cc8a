package io.hastack.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cluster configuration with its version, as the cluster keeps it (the role of Pacemaker's CIB
 * epoch): every change made through the coordinator gets the next version, and a node that holds an
 * older one takes the newer. Immutable.
 *
 * @param version the version, 0 for a configuration no change has touched yet; higher is newer
 * @param config the configuration
 * @param lineage the hashes of the versions before this one, newest first (at most {@link
 *     #LINEAGE}): what tells a configuration this one replaced from one changed apart from it
 */
public record VersionedConfig(long version, ClusterConfig config, List<String> lineage) {
    /** How many earlier versions' hashes a configuration remembers. */
    public static final int LINEAGE = 32;

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException if the version is negative or the lineage is too long or
     *     holds a blank hash
     */
    public VersionedConfig {
        Objects.requireNonNull(config, "config");
        lineage = List.copyOf(Objects.requireNonNull(lineage, "lineage"));
        if (version < 0) {
            throw new IllegalArgumentException("configuration version must not be negative, got " + version);
        }
        if (lineage.size() > LINEAGE) {
            throw new IllegalArgumentException(
                    "configuration lineage holds at most " + LINEAGE + " hashes, got " + lineage.size());
        }
        if (lineage.size() > version) {
            throw new IllegalArgumentException("configuration version " + version + " cannot have " + lineage.size()
                    + " earlier versions in its lineage");
        }
        if (lineage.stream().anyMatch(h -> h.isBlank() || h.length() > 64)) {
            throw new IllegalArgumentException("configuration lineage holds a blank or over-long hash");
        }
    }

    /** {@code config} as version 0, with no history. */
    public static VersionedConfig initial(ClusterConfig config) {
        return new VersionedConfig(0, config, List.of());
    }

    /** {@code config} at {@code version}, with no known history (as read from a file without one). */
    public static VersionedConfig of(long version, ClusterConfig config) {
        return new VersionedConfig(version, config, List.of());
    }

    /** The configuration's hash ({@link ClusterConfig#hash()}). */
    public String hash() {
        return config.hash();
    }

    /**
     * {@code changed} as the next version, remembering this one in its lineage.
     *
     * @throws ArithmeticException if this is the largest version there can be
     */
    public VersionedConfig next(ClusterConfig changed) {
        List<String> earlier = new ArrayList<>(LINEAGE);
        earlier.add(hash());
        earlier.addAll(lineage.subList(0, Math.min(lineage.size(), LINEAGE - 1)));
        return new VersionedConfig(Math.addExact(version, 1), changed, earlier);
    }

    /**
     * True if {@code other} is this configuration or one it was made from: taking this one in its
     * place loses no change. False if the two were changed apart (or {@code other} is too old to
     * tell).
     */
    public boolean contains(VersionedConfig other) {
        if (other.version == version) {
            return other.hash().equals(hash());
        }
        long back = version - other.version;
        return back > 0 && back <= lineage.size() && lineage.get((int) back - 1).equals(other.hash());
    }

    /** For example {@code version 4 (hash 1a2b3c4d5e6f)}. */
    @Override
    public String toString() {
        return "version " + version + " (hash " + hash() + ")";
    }
}
