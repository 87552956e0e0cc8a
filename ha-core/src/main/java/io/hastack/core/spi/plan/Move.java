package io.hastack.core.spi.plan;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Score;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's manual move (as {@code crm_resource --move} / {@code --ban}): a temporary location
 * constraint of +INFINITY ({@code ban == false}: run {@code group} on {@code node}) or -INFINITY
 * ({@code ban == true}: never on {@code node}), until {@code until} if given, else until cleared.
 *
 * @param group the moved group
 * @param node the node it moves to (or is banned from)
 * @param ban true for a ban
 * @param until when the move lapses; empty for never
 */
public record Move(GroupId group, NodeId node, boolean ban, Optional<Instant> until) {
    /** Validates the fields. */
    public Move {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(until, "until");
    }

    /** True if the move still holds at {@code now}. */
    public boolean activeAt(Instant now) {
        return until.map(now::isBefore).orElse(true);
    }

    /** The score it adds to {@link #node()}. */
    public int score() {
        return ban ? -Score.INFINITY : Score.INFINITY;
    }

    /** A name for explanations: {@code move-web-n2} or {@code ban-web-n1}. */
    public String name() {
        return (ban ? "ban-" : "move-") + group + "-" + node;
    }

    /** One line, as in snapshot files: {@code move web n2 until 2026-11-22T10:00:00Z}. */
    public String describe() {
        return (ban ? "ban " : "move ") + group + " " + node
                + until.map(u -> " until " + u).orElse("");
    }
}
