/**
 * Implementation helpers shared by HA Stack's own packages and modules: durable small files
 * ({@link io.hastack.core.internal.AtomicFiles}), duration checks and their bounds
 * ({@link io.hastack.core.internal.Durations}), null checks of builders
 * ({@link io.hastack.core.internal.Require}), vote counting
 * ({@link io.hastack.core.internal.Votes}), the quorum devices' tie-break rule
 * ({@link io.hastack.core.internal.TieRule}), completion callbacks that log what they throw
 * ({@link io.hastack.core.internal.Callbacks}). Not an API: no compatibility promise, may change or
 * go in any release; applications and extensions should not use them.
 */
package io.hastack.core.internal;
