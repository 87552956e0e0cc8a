package io.hastack.core.model;

/** Checks shared by the constraint records and their factories. */
final class Constraints {
    private Constraints() {}

    static void requireId(String id) {
        Ids.check("constraint id", id);
    }

    /**
     * The group named {@code name}, for constraint {@code where} (e.g. {@code "location l1"}).
     *
     * @throws IllegalArgumentException prefixed with {@code where}
     */
    static GroupId group(String where, String role, String name) {
        try {
            return GroupId.of(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + role + ": " + e.getMessage(), e);
        }
    }

    /**
     * The node named {@code name}, for constraint {@code where}.
     *
     * @throws IllegalArgumentException prefixed with {@code where}
     */
    static NodeId node(String where, String name) {
        try {
            return NodeId.of(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The strength given to a factory that sets the sign itself ({@code prefer}, {@code avoid},
     * {@code together}, {@code apart}): 1 to INFINITY. A negative number would have to be silently
     * flipped, which is never what its writer meant, and 0 has no effect.
     *
     * @param where the constraint, e.g. {@code "location l1"}
     * @param factory the factory called, e.g. {@code "prefer"}
     * @param opposite the factory for the other sign, e.g. {@code "avoid"}
     * @throws IllegalArgumentException saying which factory to use instead
     */
    static int strength(String where, String factory, String opposite, String meaning, int score) {
        if (score < 0) {
            throw new IllegalArgumentException(where + ": " + factory + " takes a positive score (1 to INFINITY), was "
                    + score + "; " + factory + " sets the sign itself, so for " + meaning + " use " + opposite
                    + " with score " + Math.abs((long) score));
        }
        if (score == 0) {
            throw new IllegalArgumentException(where + ": " + factory + " takes a positive score (1 to INFINITY),"
                    + " was 0, which has no effect");
        }
        return Score.require(where + ": score", score);
    }
}
