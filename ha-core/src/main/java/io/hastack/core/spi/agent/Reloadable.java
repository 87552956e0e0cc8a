package io.hastack.core.spi.agent;

import java.util.Set;

/**
 * An agent that can take some parameter changes without a restart (Pacemaker's {@code reload} /
 * {@code reload-agent}): when a configuration change alters only parameters named by {@link
 * #reloadableParameters()} of a resource that runs here, the node calls {@link #reload} with the new
 * parameters instead of stopping and starting it (and what depends on it). A failed reload counts as
 * a failed monitor (Pacemaker's default on-fail for a reload is restart).
 */
public interface Reloadable {
    /** The parameters a reload can apply; empty if the agent cannot reload. */
    Set<String> reloadableParameters();

    /** Applies the context's (new) parameters to the running resource; success only once they hold. */
    AgentOutcome reload(AgentContext context);
}
