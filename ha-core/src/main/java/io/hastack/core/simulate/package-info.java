/**
 * The what-if simulator: {@link io.hastack.core.simulate.Simulator} applies injected events to a
 * cluster snapshot and runs the real planner step by step, assuming every action succeeds, without
 * touching anything. Pure, like the planner.
 */
package io.hastack.core.simulate;
