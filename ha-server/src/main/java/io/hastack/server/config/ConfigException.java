package io.hastack.server.config;

/**
 * A configuration file is wrong: says where (file, line, column, the field's path) and why. Its
 * message reads {@code cluster.yaml:12:7: groups.web.resources[0].monitor-interval: ...}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String reason;

    ConfigException(String file, int line, int column, String path, String reason) {
        super(file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + reason);
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.reason = reason;
    }

    /** The file's name as it was given. */
    public String file() {
        return file;
    }

    /** The line, from 1. */
    public int line() {
        return line;
    }

    /** The column, from 1. */
    public int column() {
        return column;
    }

    /** The field's path, e.g. {@code groups.web.resources[0].timeouts.start}; empty for the file. */
    public String path() {
        return path;
    }

    /** What is wrong. */
    public String reason() {
        return reason;
    }
}
