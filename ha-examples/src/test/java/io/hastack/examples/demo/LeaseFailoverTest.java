package io.hastack.examples.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.testsupport.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Never two copies, with real node JVMs (the TCP stack, the node watchdog on): the active node is
 * frozen with SIGSTOP for longer than its membership lease, the others take its group over, and it
 * is resumed. A witness samples the worker processes (the process agent's children) of every node
 * every 5 ms throughout: at no moment may two run. After SIGCONT the resumed node must not start
 * anything before it is back in a view with the others.
 */
@Tag("integration")
class LeaseFailoverTest {
    private static final Duration WAIT = io.hastack.testsupport.Timing.seconds(60);

    private final Path logs =
            Path.of("target", "it-logs", UUID.randomUUID().toString()).toAbsolutePath();

    private static Optional<String> servedBy(int port) {
        return new DemoPage(port).servedBy();
    }

    private List<NodeProcess> launch(List<String> names, List<String> extraArgs, int[] webPort) {
        List<Integer> ports = NodeProcess.freePorts(names.size() + 1);
        List<Integer> peers = ports.subList(0, names.size());
        webPort[0] = ports.get(names.size());
        String cluster = "lease-" + UUID.randomUUID();
        List<String> args = new ArrayList<>(List.of("--nodes", String.join(",", names)));
        args.addAll(extraArgs);
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            nodes.add(NodeProcess.launch(
                    names.get(i), cluster, peers.get(i), peers, webPort[0], logs, logs.resolve("shared"), args));
        }
        return nodes;
    }

    @Test
    void twoNodesWithAQuorumDeviceNeverRunTwoCopiesAcrossAFreezeLongerThanTheLease() {
        int[] web = new int[1];
        List<NodeProcess> nodes = launch(List.of("node1", "node2"), List.of(), web);
        try {
            // A node alone wins the tie only once the two-node view is recorded on the device.
            for (NodeProcess n : nodes) {
                await().atMost(WAIT)
                        .alias(n.name() + " to record the two-node view; logs in " + logs)
                        .until(() -> n.firstEvent(e -> e.type().equals("QUORUM_RECORDED")
                                        && e.detail().contains("node1")
                                        && e.detail().contains("node2"))
                                .isPresent());
            }
            freezeTheActiveNodeLongerThanItsLease(nodes, web[0]);
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }

    @Test
    void threeNodesWithoutADeviceNeverRunTwoCopiesAcrossAFreezeLongerThanTheLease() {
        int[] web = new int[1];
        List<NodeProcess> nodes = launch(List.of("node1", "node2", "node3"), List.of("--quorum-device", "none"), web);
        try {
            freezeTheActiveNodeLongerThanItsLease(nodes, web[0]);
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }

    private void freezeTheActiveNodeLongerThanItsLease(List<NodeProcess> nodes, int web) {
        await().atMost(WAIT)
                .alias("the page; logs in " + logs)
                .until(() -> servedBy(web).isPresent());
        String active = servedBy(web).orElseThrow();
        NodeProcess frozen =
                nodes.stream().filter(n -> n.name().equals(active)).findFirst().orElseThrow();
        List<NodeProcess> others = nodes.stream().filter(n -> n != frozen).toList();
        try (ProcessWitness witness = new ProcessWitness(nodes)) {
            await().atMost(WAIT).until(() -> witness.workers().containsKey(active));

            frozen.signal("STOP");
            long stoppedAt = System.currentTimeMillis();
            // Another node takes the group over: its worker starts (the frozen JVM still holds the
            // page's port, as a frozen host would hold its disk, so the page itself cannot move).
            NodeProcess taker = await().atMost(WAIT)
                    .alias("another node to start the worker; logs in " + logs)
                    .until(
                            () -> others.stream()
                                    .filter(n -> n.firstEvent(e -> e.type().equals("ACTION_SUCCEEDED")
                                                    && e.epochMillis() >= stoppedAt
                                                    && e.detail().startsWith("start worker on " + n.name()))
                                            .isPresent())
                                    .findFirst()
                                    .orElse(null),
                            n -> n != null);
            // The frozen node's own worker was killed by its watchdog before that start.
            assertFalse(
                    witness.workers().containsKey(active),
                    taker.name() + " started the worker while " + active + "'s ran: " + witness.workers());
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());

            frozen.signal("CONT");
            long resumedAt = System.currentTimeMillis();
            await().atMost(WAIT)
                    .alias(frozen.name() + " to notice that its lease lapsed; logs in " + logs)
                    .until(() -> frozen.firstEvent(e -> e.type().equals("LEASE_LOST"))
                            .isPresent());
            // Healed: every node in one view, the worker running once.
            await().atMost(WAIT)
                    .alias("one view and one worker after the merge; logs in " + logs)
                    .until(() -> nodes.stream()
                                    .allMatch(n -> n.events().stream()
                                            .anyMatch(e -> e.type().equals("VIEW_INSTALLED")
                                                    && e.epochMillis() >= resumedAt
                                                    && nodes.stream()
                                                            .allMatch(m ->
                                                                    e.subject().isEmpty()
                                                                            || e.detail()
                                                                                    .contains(m.name()))))
                            && witness.workers().values().stream()
                                            .mapToInt(List::size)
                                            .sum()
                                    == 1);
            assertTrue(witness.samples() > 100, "the witness ran: " + witness.samples() + " samples");
            assertEquals(List.of(), witness.overlaps(), "two workers ran at once; logs in " + logs);

            // After SIGCONT the resumed node started nothing before it was in a view with the others.
            List<NodeProcess.Event> after = frozen.events().stream()
                    .filter(e -> e.epochMillis() >= resumedAt)
                    .toList();
            int merged = -1;
            for (int i = 0; i < after.size(); i++) {
                NodeProcess.Event e = after.get(i);
                if (e.type().equals("VIEW_INSTALLED")
                        && nodes.stream().allMatch(m -> e.detail().contains(m.name()))) {
                    merged = i;
                    break;
                }
            }
            for (int i = 0; i < (merged < 0 ? after.size() : merged); i++) {
                NodeProcess.Event e = after.get(i);
                assertTrue(
                        !(e.type().equals("ACTION_STARTED") && e.detail().startsWith("start ")),
                        "the resumed node started something in its stale view: " + e + "; logs in " + logs);
            }
        }
    }

    @Test
    void threeNodesWithoutADeviceNeverRunTwoCopiesAcrossAPartition() {
        partitionTheActiveNode(List.of("node1", "node2", "node3"), List.of("--quorum-device", "none"));
    }

    @Test
    void twoNodesWithAQuorumDeviceNeverRunTwoCopiesAcrossAPartition() {
        partitionTheActiveNode(List.of("node1", "node2"), List.of());
    }

    /**
     * Runs {@code names} in network namespaces of their own and cuts the active node off (its
     * traffic dropped both ways; no node frozen): it loses its lease and stops before another node
     * starts the group (with two nodes, whichever side wins the tie runs it), and after the heal it
     * rejoins without a second copy.
     */
    private void partitionTheActiveNode(List<String> names, List<String> extraArgs) {
        Prerequisites.requireRoot("network namespaces for a partition between node JVMs");
        Prerequisites.requireCommand("ip", "iproute2");
        List<Integer> ports = NodeProcess.freePorts(names.size() + 1);
        List<Integer> peers = ports.subList(0, names.size());
        String cluster = "cut-" + UUID.randomUUID();
        List<NodeProcess> nodes = new ArrayList<>();
        try (NetworkNamespaces net = new NetworkNamespaces(names.size())) {
            List<String> hosts = new ArrayList<>();
            for (int i = 1; i <= names.size(); i++) {
                hosts.add(net.address(i));
            }
            for (int i = 0; i < names.size(); i++) {
                List<String> args = new ArrayList<>(List.of(
                        "--nodes",
                        String.join(",", names),
                        "--host",
                        net.address(i + 1),
                        "--peer-hosts",
                        String.join(",", hosts)));
                args.addAll(extraArgs);
                nodes.add(NodeProcess.launch(
                        net.prefix(i + 1),
                        List.of(),
                        names.get(i),
                        cluster,
                        peers.get(i),
                        peers,
                        ports.get(names.size()),
                        logs,
                        logs.resolve("shared"),
                        args));
            }
            if (names.size() == 2) {
                // A node alone wins the tie only once the two-node view is recorded on the device.
                for (NodeProcess n : nodes) {
                    await().atMost(WAIT)
                            .alias(n.name() + " to record the two-node view; logs in " + logs)
                            .until(() -> n.firstEvent(e -> e.type().equals("QUORUM_RECORDED")
                                            && names.stream()
                                                    .allMatch(m -> e.detail().contains(m)))
                                    .isPresent());
                }
            }
            try (ProcessWitness witness = new ProcessWitness(nodes)) {
                String active = await().atMost(WAIT)
                        .alias("the worker to run; logs in " + logs)
                        .until(() -> witness.workers().keySet(), w -> w.size() == 1)
                        .iterator()
                        .next();
                int index = names.indexOf(active);
                NodeProcess cut = nodes.get(index);
                long cutAt = System.currentTimeMillis();

                net.partition(index + 1);

                // The cut-off node loses its lease and stops; a node that starts the worker after
                // the cut does so only after that.
                long lost = await().atMost(WAIT)
                        .alias(active + " to lose its lease; logs in " + logs)
                        .until(
                                () -> cut.firstEvent(e -> e.type().equals("LEASE_LOST") && e.epochMillis() >= cutAt),
                                java.util.Optional::isPresent)
                        .orElseThrow()
                        .epochMillis();
                await().atMost(WAIT)
                        .alias("the worker to run once more; logs in " + logs)
                        .until(() -> nodes.stream()
                                .filter(n -> n != cut)
                                .anyMatch(n -> n.firstEvent(e -> e.type().equals("ACTION_SUCCEEDED")
                                                        && e.epochMillis() >= cutAt
                                                        && e.detail().startsWith("start worker"))
                                                .isPresent()
                                        || cut.firstEvent(e -> e.type().equals("ACTION_SUCCEEDED")
                                                        && e.epochMillis() >= lost
                                                        && e.detail().startsWith("start worker"))
                                                .isPresent()));
                nodes.stream()
                        .filter(n -> n != cut)
                        .flatMap(n -> n.events().stream())
                        .filter(e -> e.type().equals("ACTION_STARTED")
                                && e.epochMillis() >= cutAt
                                && e.detail().startsWith("start worker"))
                        .forEach(e -> assertTrue(
                                lost < e.epochMillis(),
                                active + " lost its lease at " + lost + ", the worker started on " + e.node() + " at "
                                        + e.epochMillis()));

                net.heal(index + 1);
                long healedAt = System.currentTimeMillis();
                await().atMost(WAIT)
                        .alias("the merge; logs in " + logs)
                        .until(() -> cut.events().stream()
                                .anyMatch(e -> e.type().equals("VIEW_INSTALLED")
                                        && e.epochMillis() >= healedAt
                                        && names.stream()
                                                .allMatch(n -> e.detail().contains(n))));
                await().atMost(WAIT)
                        .during(Duration.ofSeconds(2))
                        .until(() -> witness.workers().size() == 1);
                assertEquals(List.of(), witness.overlaps(), "two workers ran at once; logs in " + logs);
            }
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }
}
