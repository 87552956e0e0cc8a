/**
 * Extension point: a fence device ({@link io.hastack.core.spi.fence.FenceDevice}) makes sure a node
 * can no longer touch shared resources ({@code fence(node) -> confirmed | failed}). HA Stack ships
 * {@code io.hastack.core.fence.CommandFenceDevice}, which runs a script or a Debian {@code fence_*}
 * agent.
 */
package io.hastack.core.spi.fence;
