/**
 * The resource agent contract: what an agent implements ({@link io.hastack.core.spi.agent.ResourceAgent}),
 * what it is told ({@link io.hastack.core.spi.agent.AgentContext}), what it answers
 * ({@link io.hastack.core.spi.agent.AgentOutcome}, whose codes map 1:1 to OCF return codes), what it
 * says about itself ({@link io.hastack.core.spi.agent.AgentMetadata}, against which a node checks a
 * resource's parameters: {@link io.hastack.core.spi.agent.UnknownParameter}) and how agent types are
 * looked up ({@link io.hastack.core.spi.agent.AgentRegistry}).
 *
 * <p>Agents are called only by the executor, which owns timeouts, the monitor schedule and every
 * state transition. An agent does the work and says what happened; it never retries, schedules or
 * changes cluster state itself.
 *
 * <p>Extension point (see {@link io.hastack.core.spi}): implement {@link io.hastack.core.spi.agent.ResourceAgent} and register it.
 */
package io.hastack.core.spi.agent;
