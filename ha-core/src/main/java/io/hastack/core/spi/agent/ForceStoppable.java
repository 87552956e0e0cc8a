package io.hastack.core.spi.agent;

/**
 * An agent that can stop its resource by force (kill it) when its orderly {@code stop} failed or
 * timed out: the first step of stop escalation, before fencing the node. The executor calls it with
 * the stop timeout. Implement it only if success really means nothing of the resource runs any more.
 */
public interface ForceStoppable {
    /** Kills the resource; success only if nothing of it is left running. */
    AgentOutcome forceStop(AgentContext context);
}
