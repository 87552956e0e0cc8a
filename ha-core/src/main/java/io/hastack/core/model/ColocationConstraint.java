package io.hastack.core.model;

import io.hastack.core.internal.Require;

/**
 * Places {@code group} relative to {@code with}: a positive score draws it to the node where
 * {@code with} runs, a negative one pushes it away. At {@code +INFINITY} the group runs only where
 * {@code with} runs (and nowhere if {@code with} runs nowhere); at {@code -INFINITY} never there.
 * {@code with} is placed first, without regard to {@code group}.
 *
 * @param id the constraint's name, unique among constraints
 * @param group the dependent group
 * @param with the group it is placed relative to (may be a clone)
 * @param score within +-INFINITY, not 0
 */
public record ColocationConstraint(String id, GroupId group, GroupId with, int score) {
    /** Validates the fields. */
    public ColocationConstraint {
        Constraints.requireId(id);
        Require.notNull("colocation " + id + ": group", group);
        Require.notNull("colocation " + id + ": with-group", with);
        Score.require("colocation " + id + ": score", score);
        if (score == 0) {
            throw new IllegalArgumentException("colocation " + id + ": a score of 0 has no effect; use a positive"
                    + " score for together, a negative one for apart");
        }
        if (group.equals(with)) {
            throw new IllegalArgumentException(
                    "colocation " + id + ": group " + group + " cannot be colocated with" + " itself");
        }
    }

    /**
     * {@code group} runs with {@code with}, wanting it with {@code score}.
     *
     * @param score 1 to INFINITY (INFINITY: only where {@code with} runs)
     * @throws IllegalArgumentException if the score is 0 or negative (apart is {@link #apart}), or
     *     any argument is invalid; the message names the constraint
     */
    public static ColocationConstraint together(String id, String group, String with, int score) {
        Constraints.requireId(id);
        String where = "colocation " + id;
        return new ColocationConstraint(
                id,
                Constraints.group(where, "group", group),
                Constraints.group(where, "with-group", with),
                Constraints.strength(where, "together", "apart", "groups that should run apart", score));
    }

    /**
     * {@code group} runs apart from {@code with}, wanting it with {@code score}: the constraint's
     * score is {@code -score}.
     *
     * @param score 1 to INFINITY, the strength of the wish (INFINITY: never where {@code with} runs)
     * @throws IllegalArgumentException if the score is 0 or negative (together is
     *     {@link #together}), or any argument is invalid; the message names the constraint
     */
    public static ColocationConstraint apart(String id, String group, String with, int score) {
        Constraints.requireId(id);
        String where = "colocation " + id;
        return new ColocationConstraint(
                id,
                Constraints.group(where, "group", group),
                Constraints.group(where, "with-group", with),
                -Constraints.strength(where, "apart", "together", "groups that should run together", score));
    }

    /** True for +-INFINITY: a rule, not a preference. */
    public boolean mandatory() {
        return Math.abs(score) >= Score.INFINITY;
    }

    /** One canonical line. */
    public String canonicalText() {
        return "colocation " + id + " " + group + " with " + with + " " + Score.format(score);
    }
}
