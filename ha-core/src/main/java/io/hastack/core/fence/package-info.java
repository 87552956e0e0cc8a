/**
 * Fence devices HA Stack ships: {@link io.hastack.core.fence.CommandFenceDevice}, a {@link
 * io.hastack.core.spi.fence.FenceDevice} that runs a script or a Debian {@code fence_*} agent with
 * the standard arguments on its standard input.
 */
package io.hastack.core.fence;
