/**
 * The node watchdog: a small companion process, as SBD is to a machine, that kills every process
 * the node JVM started when the node stops renewing its membership lease (a frozen or hung JVM
 * cannot stop its own children). {@link io.hastack.core.watchdog.NodeWatchdog} starts it and feeds
 * it the lease; {@link io.hastack.core.watchdog.Watchdog} is the process. See {@code
 * docs/design/leases.md}.
 */
package io.hastack.core.watchdog;
