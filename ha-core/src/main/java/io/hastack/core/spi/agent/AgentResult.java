package io.hastack.core.spi.agent;

/**
 * The result of an agent operation. The constants map 1:1 to the OCF resource-agent return codes
 * 0-7, so that running an OCF script is a thin mapping of its exit status.
 */
public enum AgentResult {
    /** OCF_SUCCESS (0): the operation succeeded; for monitor, the resource runs. */
    SUCCESS(0),
    /** OCF_ERR_GENERIC (1): the operation failed; for monitor, the resource has failed. */
    ERR_GENERIC(1),
    /** OCF_ERR_ARGS (2): the parameters are invalid for this node. */
    ERR_ARGS(2),
    /** OCF_ERR_UNIMPLEMENTED (3): the agent does not implement the requested action. */
    ERR_UNIMPLEMENTED(3),
    /** OCF_ERR_PERM (4): the agent lacks the permissions it needs. */
    ERR_PERM(4),
    /** OCF_ERR_INSTALLED (5): something the resource needs is not installed on this node. */
    ERR_INSTALLED(5),
    /** OCF_ERR_CONFIGURED (6): the configuration is invalid on every node. */
    ERR_CONFIGURED(6),
    /** OCF_NOT_RUNNING (7): the resource is cleanly stopped (for monitor). */
    NOT_RUNNING(7);

    private final int ocfCode;

    AgentResult(int ocfCode) {
        this.ocfCode = ocfCode;
    }

    /** The OCF return code of this result. */
    public int ocfCode() {
        return ocfCode;
    }

    /**
     * The result for OCF return code {@code code}.
     *
     * @throws IllegalArgumentException if {@code code} is not one of 0-7
     */
    public static AgentResult fromOcfCode(int code) {
        for (AgentResult r : values()) {
            if (r.ocfCode == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("OCF return code " + code + " is not one of 0-7");
    }
}
