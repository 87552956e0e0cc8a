/**
 * The admin HTTP API: a node's status, configuration, event history and event stream, and the
 * operator's commands ({@link io.hastack.core.runtime.Admin}), as JSON under {@code /api/v1/} on
 * the JDK's HTTP server, every request authenticated with a bearer token ({@link
 * io.hastack.server.api.AdminServer}). See {@code docs/design/admin-api.md} and {@code
 * docs/operations.md}.
 */
package io.hastack.server.api;
