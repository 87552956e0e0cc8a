package io.hastack.core.model;

/** What a partition without quorum does (Pacemaker's {@code no-quorum-policy}). */
public enum NoQuorumPolicy {
    /** Stop every resource in the partition at once (the default): the other side may start them. */
    STOP,
    /** Keep what runs, start and move nothing. Safe only if the other side cannot start the same resources. */
    FREEZE,
    /** Act as if quorate. Unsafe: both sides of a partition run everything. For single-site tests only. */
    IGNORE
}
