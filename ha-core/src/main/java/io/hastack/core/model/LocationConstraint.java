package io.hastack.core.model;

import java.util.Objects;

/**
 * A group's preference for a node: a positive score prefers it, a negative one avoids it, and
 * {@code -INFINITY} bans the group from it ({@code +INFINITY} makes it the group's node whenever it
 * may run there). Scores add up with the other constraints; see {@link Score}.
 *
 * @param id the constraint's name, unique among constraints, used in errors and explanations
 * @param group the constrained group
 * @param node the node
 * @param score within +-INFINITY
 */
public record LocationConstraint(String id, GroupId group, NodeId node, int score) {
    /** Validates the fields. */
    public LocationConstraint {
        Constraints.requireId(id);
        Objects.requireNonNull(group, () -> "location " + id + ": group must be set");
        Objects.requireNonNull(node, () -> "location " + id + ": node must be set");
        Score.require("location " + id + ": score", score);
    }

    /** {@code group} prefers {@code node} with {@code score} (positive). */
    public static LocationConstraint prefer(String id, String group, String node, int score) {
        return new LocationConstraint(id, GroupId.of(group), NodeId.of(node), Math.abs(score));
    }

    /** {@code group} avoids {@code node} with {@code score} (made negative). */
    public static LocationConstraint avoid(String id, String group, String node, int score) {
        return new LocationConstraint(id, GroupId.of(group), NodeId.of(node), -Math.abs(score));
    }

    /** {@code group} never runs on {@code node} (-INFINITY). */
    public static LocationConstraint ban(String id, String group, String node) {
        return new LocationConstraint(id, GroupId.of(group), NodeId.of(node), -Score.INFINITY);
    }

    /** One canonical line. */
    public String canonicalText() {
        return "location " + id + " " + group + " " + node + " " + Score.format(score);
    }
}
