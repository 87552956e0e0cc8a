package io.hastack.examples.bench;

import java.util.Arrays;
import java.util.Locale;

/** A fault the failover comparison injects, by its {@code --scenarios} name. */
public enum Scenario {
    /** SIGKILL of the active node's JVM. */
    KILL("kill", "SIGKILL of the active node's JVM"),
    /** SIGSTOP of the active node's JVM until the survivor runs the group, then SIGCONT. */
    STOP("stop", "SIGSTOP of the active node's JVM, SIGCONT once the survivor runs the worker"),
    /** SIGKILL of the active node's managed worker process. */
    PROC("proc", "kill -9 of the worker process the active node manages"),
    /** A clean shutdown (hand-over) of the active node. */
    SHUTDOWN("shutdown", "clean shutdown of the active node (hand-over)"),
    /** Many short pauses of the active JVM, each shorter than the tolerance: count the failovers. */
    PAUSES("pauses", "short SIGSTOP pauses of the active JVM, shorter than the tolerance"),
    /** SIGKILL with more nodes and more resources. */
    SCALE("scale", "SIGKILL of the active JVM with more nodes and more resources"),
    /** An idle three-node cluster: CPU and heap per node. */
    IDLE("idle", "an idle three-node cluster: CPU and heap per node");

    private final String flag;
    private final String description;

    Scenario(String flag, String description) {
        this.flag = flag;
        this.description = description;
    }

    /** Its name in {@code --scenarios}. */
    public String flag() {
        return flag;
    }

    /** What it does, for tables. */
    public String description() {
        return description;
    }

    /**
     * The scenario named {@code flag}.
     *
     * @throws IllegalArgumentException naming the known scenarios if there is none
     */
    public static Scenario of(String flag) {
        String f = flag.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.flag.equals(f))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + flag + "'; known: "
                        + Arrays.stream(values()).map(Scenario::flag).toList()));
    }
}
