/**
 * The JGroups implementation of the membership SPI: {@link
 * io.hastack.membership.jgroups.JGroupsMembership}, configured by an immutable {@link
 * io.hastack.membership.jgroups.JGroupsConfig} with two presets: a TCP stack tuned for fast, safe
 * failure detection on a LAN or loopback, and an in-process stack for tests.
 */
package io.hastack.membership.jgroups;
