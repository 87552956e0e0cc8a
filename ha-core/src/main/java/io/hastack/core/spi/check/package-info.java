/**
 * Extension point: a service check ({@link io.hastack.core.spi.check.ServiceCheck}) tells whether a
 * group's service answers its clients after the group started on a node, which closes a failover's
 * timeline with its "service answering" phase ({@code docs/operations.md}). The daemon builds HTTP
 * checks from the configuration file's {@code checks} section.
 */
package io.hastack.core.spi.check;
