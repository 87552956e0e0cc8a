package io.hastack.server.api;

/**
 * A request the API refuses: the HTTP status, what is wrong and where (the field, path segment,
 * header or query parameter). Answered as {@code {"error": ..., "field": ...}}; nothing changed.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** The HTTP status: 400, 401, 404, 405, 409, 413, 415, 503. */
    int status() {
        return status;
    }

    /** Where the request is wrong, or null for the request as a whole. */
    String field() {
        return field;
    }
}
