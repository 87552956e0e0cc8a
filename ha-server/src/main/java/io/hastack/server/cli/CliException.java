package io.hastack.server.cli;

/** A command that failed, with the exit code it ends with and a message that says what to do. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** {@link Hastack#EXIT_REFUSED}, {@link Hastack#EXIT_USAGE} or {@link Hastack#EXIT_UNREACHABLE}. */
    int exitCode() {
        return exitCode;
    }
}
