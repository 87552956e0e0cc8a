/** Runs existing OCF resource-agent scripts (Pacemaker's standard) unchanged, as HA Stack agents. */
package io.hastack.resources.ocf;
