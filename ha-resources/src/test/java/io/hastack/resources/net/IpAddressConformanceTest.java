package io.hastack.resources.net;

import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.AgentConformance;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The floating IP agent follows the OCF rules, inside a network namespace the test makes. */
@Tag("integration")
class IpAddressConformanceTest extends AgentConformance {
    private static NetNs ns;

    @BeforeAll
    static void makeNamespace() {
        NetNs.requirePrerequisites();
        ns = new NetNs();
    }

    @AfterAll
    static void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    @Override
    protected ResourceAgent agent(ResourceSpec spec) {
        return new IpAddressAgent();
    }

    @Override
    protected ResourceSpec validSpec() {
        return ResourceSpec.builder("vip", IpAddressAgent.TYPE)
                .param("ip", "10.50.0.100")
                .param("cidr-netmask", "24")
                .param("nic", "veth0")
                .param("netns", ns.name)
                .build();
    }

    @Override
    protected ResourceSpec specMissingRequired() {
        return ResourceSpec.builder("vip", IpAddressAgent.TYPE)
                .param("ip", "10.50.0.100")
                .build();
    }

    @Override
    protected List<String> missingRequired() {
        return List.of("nic");
    }
}
