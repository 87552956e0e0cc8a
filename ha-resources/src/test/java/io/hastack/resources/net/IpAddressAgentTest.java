package io.hastack.resources.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.exec.OperationResult;
import io.hastack.core.exec.ThreadedAgentExecutor;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.AgentResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The floating IP agent in a namespace: IPv4 with ARP, IPv6, an address removed behind its back, bad input. */
@Tag("integration")
class IpAddressAgentTest {
    private final ThreadedAgentExecutor executor = new ThreadedAgentExecutor("ip-test");
    private final IpAddressAgent agent = new IpAddressAgent();
    private NetNs ns;

    @BeforeEach
    void makeNamespace() {
        NetNs.requirePrerequisites();
        ns = new NetNs();
    }

    @AfterEach
    void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
        executor.close();
    }

    private ResourceSpec.Builder vip(String ip) {
        return ResourceSpec.builder("vip", IpAddressAgent.TYPE)
                .param("ip", ip)
                .param("nic", "veth0")
                .param("netns", ns.name);
    }

    private OperationResult call(ResourceSpec spec, Operation op) {
        return executor.call(agent, spec, NodeId.of("n1"), op, 0).join();
    }

    @Test
    void anIpv4AddressIsAddedAnnouncedAndRemoved() {
        ResourceSpec spec = vip("10.50.0.100").param("cidr-netmask", "24").build();
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        assertTrue(ns.ip("-o", "addr", "show", "dev", "veth0").contains(" inet 10.50.0.100/24 "));
        assertEquals(
                AgentResult.SUCCESS, call(spec, Operation.MONITOR).outcome().result());
        io.hastack.resources.Commands.Result arp = agent.lastAnnouncement.join();
        assertTrue(arp.ok(), "gratuitous ARP: " + arp.describe());
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.STOP).outcome().result());
        assertFalse(ns.ip("-o", "addr", "show", "dev", "veth0").contains("10.50.0.100"));
    }

    @Test
    void anIpv6AddressWorksToo() {
        ResourceSpec spec = vip("fd00:50::100").param("cidr-netmask", "64").build();
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        assertTrue(ns.ip("-o", "-6", "addr", "show", "dev", "veth0").contains(" inet6 fd00:50::100/64 "));
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.STOP).outcome().result());
    }

    @Test
    void anAddressRemovedBehindTheClustersBackIsNotRunning() {
        ResourceSpec spec = vip("10.50.0.101").build();
        assertEquals(AgentResult.SUCCESS, call(spec, Operation.START).outcome().result());
        NetNs.run("ip", "-n", ns.name, "addr", "del", "10.50.0.101/32", "dev", "veth0");
        assertEquals(
                AgentResult.NOT_RUNNING, call(spec, Operation.MONITOR).outcome().result());
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertEquals(
                "resource vip: parameter 'ip' must be an IPv4 or IPv6 address, was '10.0.0.300'",
                call(vip("10.0.0.300").build(), Operation.VALIDATE).outcome().message());
        assertEquals(
                "resource vip: parameter 'cidr-netmask' must be 0-32, was 33",
                call(vip("10.50.0.5").param("cidr-netmask", "33").build(), Operation.VALIDATE)
                        .outcome()
                        .message());
        OperationResult noNic = call(vip("10.50.0.5").param("nic", "eth9").build(), Operation.VALIDATE);
        assertEquals(AgentResult.ERR_CONFIGURED, noNic.outcome().result());
        assertTrue(
                noNic.outcome()
                        .message()
                        .startsWith("resource vip: interface eth9 in namespace " + ns.name + " does not exist"),
                noNic.toString());
        assertEquals(
                "resource vip: parameter 'nic' is not an interface name: 'eth0; reboot'",
                call(vip("10.50.0.5").param("nic", "eth0; reboot").build(), Operation.VALIDATE)
                        .outcome()
                        .message());
    }
}
