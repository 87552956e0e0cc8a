package io.hastack.core.runtime;

/** A node's configuration was rejected (by an agent's validate); the message names each problem. */
public final class HaConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public HaConfigurationException(String message) {
        super(message);
    }
}
