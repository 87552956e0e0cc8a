package io.hastack.core.model;

import io.hastack.core.internal.Require;
import java.util.Locale;

/**
 * Starts {@code then} after {@code first}, and stops it before. {@link Kind#MANDATORY}: {@code then}
 * runs only while {@code first} runs (it is stopped before {@code first} stops or restarts, and
 * started only once {@code first} is running). {@link Kind#OPTIONAL}: the order applies only when
 * both start (or stop) in the same transition.
 *
 * @param id the constraint's name, unique among constraints
 * @param first the group that goes first
 * @param then the group that follows
 * @param kind mandatory or optional
 */
public record OrderConstraint(String id, GroupId first, GroupId then, Kind kind) {
    /** How strict an order is. */
    public enum Kind {
        /** {@code then} runs only while {@code first} runs. */
        MANDATORY,
        /** Ordering only when both move in the same transition. */
        OPTIONAL;

        /** The lower-case name used in configuration. */
        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates the fields. */
    public OrderConstraint {
        Constraints.requireId(id);
        Require.notNull("order " + id + ": first group", first);
        Require.notNull("order " + id + ": then group", then);
        Require.notNull("order " + id + ": kind", kind);
        if (first.equals(then)) {
            throw new IllegalArgumentException("order " + id + ": group " + first + " cannot be ordered after itself");
        }
    }

    /** A mandatory order: {@code then} runs only while {@code first} runs. */
    public static OrderConstraint mandatory(String id, String first, String then) {
        return of(id, first, then, Kind.MANDATORY);
    }

    /** An optional order. */
    public static OrderConstraint optional(String id, String first, String then) {
        return of(id, first, then, Kind.OPTIONAL);
    }

    private static OrderConstraint of(String id, String first, String then, Kind kind) {
        Constraints.requireId(id);
        String where = "order " + id;
        return new OrderConstraint(
                id, Constraints.group(where, "first group", first), Constraints.group(where, "then group", then), kind);
    }

    /** One canonical line. */
    public String canonicalText() {
        return "order " + id + " " + first + " then " + then + " " + kind.externalName();
    }
}
