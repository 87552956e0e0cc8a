package io.hastack.core.spi.agent;

/**
 * Manages one resource on one node. One instance exists per resource per node; the executor calls
 * it from its own threads, never two operations of the same instance at once, except that a call
 * the executor gave up on (timed out) may still be running when the next one begins.
 *
 * <p>Every operation must be idempotent: {@code start} on a running resource and {@code stop} on a
 * stopped one succeed; {@code monitor} on a stopped resource returns {@link AgentResult#NOT_RUNNING}.
 * An operation reports failure by its result; an exception it throws is caught by the executor and
 * counts as {@link AgentResult#ERR_GENERIC}. Agents should respond to interruption, which is how the
 * executor cancels a call that exceeded its timeout.
 */
public interface ResourceAgent {
    /**
     * Describes the agent, its parameters and the timeouts it advises. The executor asks for it on
     * the call's own thread before each call's timeout starts, so it must answer promptly: a Java
     * agent returns a constant; {@code OcfAgent} runs its script's {@code meta-data} once, bounded
     * to 30 s, and keeps the answer.
     */
    AgentMetadata metadata();

    /**
     * Checks the resource's parameters without changing anything.
     *
     * @return {@link AgentResult#SUCCESS}, or {@link AgentResult#ERR_CONFIGURED} /
     *     {@link AgentResult#ERR_ARGS} / {@link AgentResult#ERR_INSTALLED} with a message naming
     *     what is wrong
     */
    AgentOutcome validate(AgentContext context);

    /** Starts the resource; returns success only once it is usable. */
    AgentOutcome start(AgentContext context);

    /** Stops the resource; returns success only once it is fully stopped. */
    AgentOutcome stop(AgentContext context);

    /** Reports whether the resource runs: success, not running, or a failure. */
    AgentOutcome monitor(AgentContext context);
}
