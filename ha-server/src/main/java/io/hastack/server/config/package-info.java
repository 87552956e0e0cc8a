/**
 * The cluster's configuration file: YAML with the builder's vocabulary, read into the model with
 * errors that name the file, line, column, field path and reason ({@link
 * io.hastack.server.config.ConfigFile}). See {@code docs/configuration.md}.
 */
package io.hastack.server.config;
