package io.hastack.resources;

import io.hastack.core.spi.agent.AgentRegistry;
import io.hastack.resources.db.PostgresAgent;
import io.hastack.resources.fs.FilesystemAgent;
import io.hastack.resources.net.IpAddressAgent;
import io.hastack.resources.ocf.OcfAgent;
import io.hastack.resources.process.ProcessAgent;
import io.hastack.resources.service.HttpServiceAgent;
import io.hastack.resources.service.JavaAppAgent;
import io.hastack.resources.service.NginxAgent;
import io.hastack.resources.web.EmbeddedWebServerAgent;

/** The agents that ship with HA Stack. */
public final class StandardAgents {
    private StandardAgents() {}

    /**
     * A builder with every standard agent registered, and every OCF agent installed under
     * {@link OcfAgent#DEFAULT_OCF_ROOT} as {@code ocf:<provider>:<type>} (for example
     * {@code ocf:heartbeat:IPaddr2}); add your own before {@code build()}.
     */
    public static AgentRegistry.Builder builder() {
        AgentRegistry.Builder b = AgentRegistry.builder()
                .register(ProcessAgent.TYPE, spec -> new ProcessAgent())
                .register(EmbeddedWebServerAgent.TYPE, spec -> new EmbeddedWebServerAgent())
                .register(FilesystemAgent.TYPE, spec -> new FilesystemAgent())
                .register(NginxAgent.TYPE, spec -> new NginxAgent())
                .register(HttpServiceAgent.TYPE, spec -> new HttpServiceAgent())
                .register(JavaAppAgent.TYPE, spec -> new JavaAppAgent())
                .register(PostgresAgent.TYPE, spec -> new PostgresAgent())
                .register(IpAddressAgent.TYPE, spec -> new IpAddressAgent());
        OcfAgent.registerAll(b, OcfAgent.DEFAULT_OCF_ROOT);
        return b;
    }

    /** A registry with every standard agent. */
    public static AgentRegistry registry() {
        return builder().build();
    }
}
