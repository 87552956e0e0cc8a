package io.hastack.core.spi.quorum;

/**
 * The quorum device could not be reached or read; the message says which device and why. Its
 * subtype {@link ClaimTooLateException} says instead that a claim was not made (not a lost tie).
 */
public class QuorumDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message} and {@code cause}. */
    public QuorumDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
