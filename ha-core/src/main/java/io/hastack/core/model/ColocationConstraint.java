package io.hastack.core.model;

import java.util.Objects;

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
        Objects.requireNonNull(group, () -> "colocation " + id + ": group must be set");
        Objects.requireNonNull(with, () -> "colocation " + id + ": with-group must be set");
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

    /** {@code group} runs with {@code with}, wanting it with {@code score} (positive). */
    public static ColocationConstraint together(String id, String group, String with, int score) {
        return new ColocationConstraint(id, GroupId.of(group), GroupId.of(with), Math.abs(score));
    }

    /** {@code group} runs apart from {@code with}, wanting it with {@code score} (made negative). */
    public static ColocationConstraint apart(String id, String group, String with, int score) {
        return new ColocationConstraint(id, GroupId.of(group), GroupId.of(with), -Math.abs(score));
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
