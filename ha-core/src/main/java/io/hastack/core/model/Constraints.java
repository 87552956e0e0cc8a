package io.hastack.core.model;

/** Checks shared by the constraint records. */
final class Constraints {
    private Constraints() {}

    static void requireId(String id) {
        Ids.check("constraint id", id);
    }
}
