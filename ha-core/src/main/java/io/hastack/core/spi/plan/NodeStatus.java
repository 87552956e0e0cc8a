package io.hastack.core.spi.plan;

/** How the coordinator regards a member when placing resources. */
public enum NodeStatus {
    /** A member that may run resources. */
    ONLINE,
    /** Shutting down: its resources move away, nothing new starts on it. */
    LEAVING,
    /** Put in standby by an operator: stays in the cluster, its resources move away, nothing starts on it. */
    STANDBY,
    /**
     * Fenced by the coordinator (powered off or cut off, confirmed by the fence device): whatever it
     * reports is ignored, its resources count as stopped, nothing starts on it.
     */
    FENCED,
    /**
     * In maintenance, as Pacemaker's node maintenance: whatever runs on it is left exactly as it is
     * (monitored, never started or stopped) and nothing new is placed on it.
     */
    MAINTENANCE,
    /** Believes its partition has no quorum: it has stopped (or frozen) its resources; nothing starts on it. */
    NO_QUORUM,
    /**
     * Its resource configuration differs from the coordinator's: it is not managed at all (never
     * sent actions), and a group it reports as active is left alone rather than started twice.
     */
    CONFIG_MISMATCH;

    /**
     * The status of a member that reports these flags, in this precedence: leaving, maintenance,
     * standby, no quorum, online. (Fenced and a configuration mismatch are the coordinator's own
     * findings, not reported.)
     */
    public static NodeStatus of(boolean leaving, boolean maintenance, boolean standby, boolean quorate) {
        return leaving ? LEAVING : maintenance ? MAINTENANCE : standby ? STANDBY : !quorate ? NO_QUORUM : ONLINE;
    }
}
