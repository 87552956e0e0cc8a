package io.hastack.server.config;

import io.hastack.core.model.GroupId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.runtime.ConfigLint;
import io.hastack.core.spi.agent.AgentRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ConfigLint} for a configuration file: the timings its membership section gives (the
 * JGroups preset's where it gives none: a 3 s heartbeat timeout, which is also the lease unless
 * {@code lease} is set, and 200 ms of verification), its {@code rto} targets, and the timeouts the agents of {@code agents} advise.
 */
public final class Lint {
    /** The preset's heartbeat timeout (JGroupsConfig's TCP preset). */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    /** The preset's verification timeout. */
    static final Duration VERIFY_TIMEOUT = Duration.ofMillis(200);
    /** The preset's heartbeat interval. */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

    private Lint() {}

    /** The findings for {@code file}; a target for a group that is not configured is a warning. */
    public static List<ConfigLint.Finding> of(ClusterFile file, AgentRegistry agents) {
        Duration heartbeat = file.membership().heartbeatTimeout().orElse(HEARTBEAT_TIMEOUT);
        ConfigLint.Timings timings = new ConfigLint.Timings(
                file.membership().heartbeatInterval().orElse(HEARTBEAT_INTERVAL),
                heartbeat,
                file.membership().verifyTimeout().orElse(VERIFY_TIMEOUT),
                file.membership().lease().orElse(heartbeat),
                Optional.empty());
        // One agent per type: an OCF agent runs its meta-data script once.
        Map<String, Map<Operation, Duration>> byType = new java.util.HashMap<>();
        List<ConfigLint.Finding> out = new ArrayList<>(ConfigLint.check(
                file.config(),
                timings,
                file.rto(),
                spec -> byType.computeIfAbsent(spec.agentType(), t -> advised(agents, spec))));
        for (GroupId g : file.rto().keySet()) {
            if (file.config().group(g).isEmpty()) {
                out.add(new ConfigLint.Finding(
                        true, "rto." + g, "no group " + g + " is configured: remove the target, or fix its name"));
            }
        }
        for (GroupId g : file.checks().keySet()) {
            if (file.config().group(g).isEmpty()) {
                out.add(new ConfigLint.Finding(
                        true, "checks." + g, "no group " + g + " is configured: remove the check, or fix its name"));
            }
        }
        return out;
    }

    private static Map<Operation, Duration> advised(AgentRegistry agents, ResourceSpec spec) {
        try {
            return agents.create(spec).metadata().timeouts();
        } catch (RuntimeException e) {
            return Map.of(); // an unknown agent type: the default timeouts; validation says more
        }
    }
}
