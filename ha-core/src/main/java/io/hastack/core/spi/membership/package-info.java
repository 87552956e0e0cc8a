/**
 * Extension point. The membership SPI: how the runtime learns who is in the cluster and talks to the other nodes.
 * {@code ha-membership} implements it on JGroups; tests may implement it in memory.
 *
 * <p>An implementation delivers views and messages to one {@link
 * io.hastack.core.spi.membership.MembershipListener}, in order, never concurrently. The payloads are
 * opaque bytes: the runtime encodes and authenticates its own messages.
 */
package io.hastack.core.spi.membership;
