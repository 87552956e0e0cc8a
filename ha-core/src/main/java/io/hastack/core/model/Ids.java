package io.hastack.core.model;

import java.util.regex.Pattern;

/** Shared validation of identifiers: a name that reads well in logs, file names and URLs. */
final class Ids {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,62}");

    private Ids() {}

    static String check(String kind, String value) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " must not be null");
        }
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " '" + value
                    + "' is invalid: use 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        return value;
    }
}
