package io.hastack.core.model;

import io.hastack.core.internal.Require;

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
        Require.notNull("location " + id + ": group", group);
        Require.notNull("location " + id + ": node", node);
        Score.require("location " + id + ": score", score);
    }

    /**
     * {@code group} prefers {@code node} with {@code score}, as Pacemaker's {@code prefers}.
     *
     * @param score 1 to INFINITY (INFINITY: the group's node whenever it may run there)
     * @throws IllegalArgumentException if the score is 0 or negative (a negative preference is
     *     {@link #avoid}), or any argument is invalid; the message names the constraint
     */
    public static LocationConstraint prefer(String id, String group, String node, int score) {
        Constraints.requireId(id);
        String where = "location " + id;
        return new LocationConstraint(
                id,
                Constraints.group(where, "group", group),
                Constraints.node(where, node),
                Constraints.strength(where, "prefer", "avoid", "a group that should stay away from a node", score));
    }

    /**
     * {@code group} avoids {@code node} with {@code score}, as Pacemaker's {@code avoids}: the
     * constraint's score is {@code -score}.
     *
     * @param score 1 to INFINITY, the size of the aversion ({@code avoid(.., 500)} scores -500;
     *     INFINITY is {@link #ban})
     * @throws IllegalArgumentException if the score is 0 or negative (a positive preference is
     *     {@link #prefer}), or any argument is invalid; the message names the constraint
     */
    public static LocationConstraint avoid(String id, String group, String node, int score) {
        Constraints.requireId(id);
        String where = "location " + id;
        return new LocationConstraint(
                id,
                Constraints.group(where, "group", group),
                Constraints.node(where, node),
                -Constraints.strength(where, "avoid", "prefer", "a group that should go to a node", score));
    }

    /** {@code group} never runs on {@code node} (-INFINITY). */
    public static LocationConstraint ban(String id, String group, String node) {
        Constraints.requireId(id);
        String where = "location " + id;
        return new LocationConstraint(
                id, Constraints.group(where, "group", group), Constraints.node(where, node), -Score.INFINITY);
    }

    /** One canonical line. */
    public String canonicalText() {
        return "location " + id + " " + group + " " + node + " " + Score.format(score);
    }
}
