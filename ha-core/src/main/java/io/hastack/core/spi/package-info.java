/**
 * HA Stack's extension points, one subpackage each: resource agents ({@code spi.agent}),
 * membership ({@code spi.membership}), quorum devices ({@code spi.quorum}), fence devices ({@code
 * spi.fence}) and the planner ({@code spi.plan}). What is here is the contract an extension
 * implements or receives and keeps its compatibility promise; the implementations HA Stack ships
 * live outside {@code spi}, and {@code io.hastack.core.internal} holds helpers with no promise.
 */
package io.hastack.core.spi;
