package io.hastack.core.spi.membership;

/** The membership could not do what was asked (join, send); the message says what and why. */
public class MembershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message} and {@code cause}. */
    public MembershipException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An exception with {@code message}. */
    public MembershipException(String message) {
        super(message);
    }
}
