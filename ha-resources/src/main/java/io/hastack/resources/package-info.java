/**
 * The resource agents that ship with HA Stack, and {@link io.hastack.resources.StandardAgents}, a
 * registry with all of them.
 */
package io.hastack.resources;
