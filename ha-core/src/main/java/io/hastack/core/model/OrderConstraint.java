package io.hastack.core.model;

import java.util.Locale;
import java.util.Objects;

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
        Objects.requireNonNull(first, () -> "order " + id + ": first group must be set");
        Objects.requireNonNull(then, () -> "order " + id + ": then group must be set");
        Objects.requireNonNull(kind, () -> "order " + id + ": kind must be set");
        if (first.equals(then)) {
            throw new IllegalArgumentException("order " + id + ": group " + first + " cannot be ordered after itself");
        }
    }

    /** A mandatory order: {@code then} runs only while {@code first} runs. */
    public static OrderConstraint mandatory(String id, String first, String then) {
        return new OrderConstraint(id, GroupId.of(first), GroupId.of(then), Kind.MANDATORY);
    }

    /** An optional order. */
    public static OrderConstraint optional(String id, String first, String then) {
        return new OrderConstraint(id, GroupId.of(first), GroupId.of(then), Kind.OPTIONAL);
    }

    /** One canonical line. */
    public String canonicalText() {
        return "order " + id + " " + first + " then " + then + " " + kind.externalName();
    }
}
