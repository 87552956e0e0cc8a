/**
 * The policy engine: a pure function from a {@link io.hastack.core.spi.plan.ClusterSnapshot} and the
 * time to a {@link io.hastack.core.spi.plan.Plan} of actions, each with its reason.
 *
 * <p>Nothing here starts threads, does I/O or reads a clock: the same snapshot and instant always
 * give the same plan, which is what lets the simulator and the golden tests drive the very planner
 * the cluster runs.
 *
 * <p>{@link io.hastack.core.plan.DefaultPlanner} implements the {@link io.hastack.core.spi.plan.Planner}
 * extension point with Pacemaker's policy.
 */
package io.hastack.core.plan;
