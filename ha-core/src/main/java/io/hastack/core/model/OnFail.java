package io.hastack.core.model;

import java.util.Locale;

/**
 * What happens when an operation of a resource fails, as Pacemaker's {@code on-fail} operation
 * option. Set per resource and operation with {@link ResourceSpec.Builder#onFail}.
 */
public enum OnFail {
    /** Stop and start the resource again on the same node, until its migration threshold is reached. */
    RESTART,
    /** Move the resource's group off the node at once (as if the migration threshold were reached). */
    MIGRATE,
    /** Leave the resource and its group exactly as they are until an operator cleans it up. */
    BLOCK,
    /** Stop the resource's group and start it nowhere until an operator cleans it up. */
    STOP,
    /** Pretend the operation succeeded: the failure is logged and reported, nothing is done. */
    IGNORE,
    /** Fence the node where the operation failed; its groups then start elsewhere. */
    FENCE;

    /** The lower-case name used in configuration ({@code restart}, {@code migrate}, ...). */
    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an external name.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static OnFail parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("on-fail policy must not be null");
        }
        for (OnFail f : values()) {
            if (f.externalName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not an on-fail policy (restart, migrate, block, stop," + " ignore, fence)");
    }
}
