/**
 * Fencing: making sure a node can no longer touch shared resources. {@link
 * io.hastack.core.fence.FenceDevice} is the SPI (extension point) ({@code fence(node) -> confirmed | failed}); {@link
 * io.hastack.core.fence.CommandFenceDevice} runs a script or a Debian {@code fence_*} agent with the
 * standard arguments on its standard input.
 */
package io.hastack.core.fence;
