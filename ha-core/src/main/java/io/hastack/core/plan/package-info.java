/**
 * The policy engine: a pure function from a {@link io.hastack.core.plan.ClusterSnapshot} and the
 * time to a {@link io.hastack.core.plan.Plan} of actions, each with its reason.
 *
 * <p>Nothing here starts threads, does I/O or reads a clock: the same snapshot and instant always
 * give the same plan, which is what lets the simulator and the golden tests drive the very planner
 * the cluster runs.
 *
 * <p>Extension point: {@link io.hastack.core.plan.Planner}; {@link io.hastack.core.plan.DefaultPlanner}
 * is Pacemaker's policy.
 */
package io.hastack.core.plan;
