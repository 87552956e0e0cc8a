package io.hastack.core.spi.quorum;

/**
 * A tie claim made with {@link QuorumDevice#claimTieInTime} was not made: by the time the device had
 * read the winning partition, the claim was no longer in time. The device changed nothing; the
 * claimant may claim again once it is in time again.
 */
public class ClaimTooLateException extends QuorumDeviceException {
    private static final long serialVersionUID = 1L;

    /** An exception that says which claim was late and why. */
    public ClaimTooLateException(String message) {
        super(message, null);
    }
}
