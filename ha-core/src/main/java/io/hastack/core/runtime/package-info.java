/**
 * The runtime that wires membership, planner and executor into a running node: {@link
 * io.hastack.core.runtime.HaNode}.
 *
 * <p>Data flows one way: membership events and agent results update the node's state; the
 * coordinator (first member of the view) plans from the state of every member; nodes execute the
 * actions planned for them and report the results back. All of a node's state lives on one event
 * thread, so nothing here needs a lock; agent calls run on the executor's threads and post their
 * results back. See {@code docs/architecture.md}.
 */
package io.hastack.core.runtime;
