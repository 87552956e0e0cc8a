/**
 * Extension point: where a node keeps the replicated cluster configuration between restarts ({@link
 * io.hastack.core.spi.config.ConfigStore}); the server module writes it back to the node's
 * configuration file. See {@code docs/design/replicated-config.md}.
 */
package io.hastack.core.spi.config;
