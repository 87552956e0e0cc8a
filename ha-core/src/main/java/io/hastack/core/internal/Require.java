package io.hastack.core.internal;

/**
 * The null check of configuration builders: a null argument is an {@link IllegalArgumentException}
 * naming the field (never a bare {@link NullPointerException}), as every other refused value is.
 */
public final class Require {
    private Require() {}

    /**
     * Returns {@code value} if it is not null.
     *
     * @param what names the field in the message, e.g. {@code "resource web: on-fail policy of start"}
     * @throws IllegalArgumentException {@code "<what> must not be null"}
     */
    public static <T> T notNull(String what, T value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }
}
