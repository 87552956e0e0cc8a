/**
 * Runs agent operations with timeouts. {@link io.hastack.core.exec.AgentExecutor} is the narrow
 * interface the runtime drives (an extension point for tests and simulators); {@link io.hastack.core.exec.ThreadedAgentExecutor} runs each call
 * on its own thread so that a hung agent never blocks the node, and a simulator can substitute a
 * scripted executor.
 */
package io.hastack.core.exec;
