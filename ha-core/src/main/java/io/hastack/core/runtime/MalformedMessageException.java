package io.hastack.core.runtime;

/** A cluster message could not be decoded or authenticated; it is dropped. */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The reason counted in the status, a short fixed phrase. */
    private final String reason;

    MalformedMessageException(String message) {
        this("malformed", message);
    }

    MalformedMessageException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
        this.reason = "malformed";
    }

    /** Why it was refused, in a word or two: "malformed", "bad MAC", "oversized", "version". */
    String reason() {
        return reason;
    }
}
