/**
 * Extension point: the planner ({@link io.hastack.core.spi.plan.Planner}), a pure function from a
 * {@link io.hastack.core.spi.plan.ClusterSnapshot} and the time to a {@link
 * io.hastack.core.spi.plan.Plan} of actions and fences, each with its reason. HA Stack ships {@code
 * io.hastack.core.plan.DefaultPlanner}, Pacemaker's policy.
 */
package io.hastack.core.spi.plan;
