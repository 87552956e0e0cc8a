/** HA Stack run as a service. See {@code docs/architecture.md} for what this module holds. */
package io.hastack.server;
