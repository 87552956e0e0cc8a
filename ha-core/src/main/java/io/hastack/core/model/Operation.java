package io.hastack.core.model;

/** The operations an agent implements; the executor calls them with a timeout each. */
public enum Operation {
    /** Bring the resource up; succeeds only once the resource is usable. */
    START,
    /** Take the resource down; succeeds only once it is fully stopped. */
    STOP,
    /** Report whether the resource is running and healthy. */
    MONITOR,
    /** Check the resource's parameters without changing anything. */
    VALIDATE;

    /** The lower-case name used in configuration and OCF ({@code start}, {@code monitor}, ...). */
    public String externalName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
