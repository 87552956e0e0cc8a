/**
 * The {@code hastack} command line ({@link io.hastack.server.cli.Hastack}): a node's status,
 * history and events, and the operator's commands, through the node's admin API ({@code
 * io.hastack.server.api}). See {@code docs/operations.md}.
 */
package io.hastack.server.cli;
