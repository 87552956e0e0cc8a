package io.hastack.core.spi.agent;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceId;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an agent is told when the executor calls it: which resource on which node, its
 * parameters, the operation and the time it has left.
 *
 * <p>An agent should finish within {@link #remaining()}; the executor counts a call that outlives
 * its timeout as failed and interrupts it, whether or not the agent notices.
 *
 * @param node the node the agent runs on
 * @param resource the resource being managed
 * @param operation the operation being performed
 * @param parameters the resource's parameters from its spec
 * @param timeout the operation's timeout
 * @param startNanos {@link System#nanoTime()} when the call began
 * @param epoch the fencing epoch of the start that brought the resource up on this node (for start:
 *     of this start); strictly greater than the epoch of any earlier start of the resource anywhere
 *     in the cluster, when the cluster has a quorum device; 0 when it has none
 * @param interval for a recurring monitor, its interval; {@link Duration#ZERO} for every other call,
 *     among them a probe (see {@link #isProbe()})
 * @param cloneInstance which copy of a clone the call is for; empty for a resource of an exclusive group
 * @param lease whether the node still holds its membership lease, for a resource to ask before it
 *     accepts a write ({@link LeaseCheck#UNGUARDED} outside a cluster node)
 */
public record AgentContext(
        NodeId node,
        ResourceId resource,
        Operation operation,
        Map<String, String> parameters,
        Duration timeout,
        long startNanos,
        long epoch,
        Duration interval,
        Optional<CloneInstance> cloneInstance,
        LeaseCheck lease) {

    /** Copies the parameters; checks the interval. */
    public AgentContext {
        parameters = Map.copyOf(parameters);
        if (interval == null || interval.isNegative() || (!interval.isZero() && operation != Operation.MONITOR)) {
            throw new IllegalArgumentException(operation.externalName() + " of " + resource + ": only a monitor"
                    + " recurs; interval must be zero or positive, was " + interval);
        }
        Objects.requireNonNull(cloneInstance, "cloneInstance");
        Objects.requireNonNull(lease, "lease");
    }

    /** A call that no cluster node makes: its lease check always says held. */
    public AgentContext(
            NodeId node,
            ResourceId resource,
            Operation operation,
            Map<String, String> parameters,
            Duration timeout,
            long startNanos,
            long epoch,
            Duration interval,
            Optional<CloneInstance> cloneInstance) {
        this(
                node,
                resource,
                operation,
                parameters,
                timeout,
                startNanos,
                epoch,
                interval,
                cloneInstance,
                LeaseCheck.UNGUARDED);
    }

    /** A one-shot call (interval zero) of a resource that is not a clone. */
    public AgentContext(
            NodeId node,
            ResourceId resource,
            Operation operation,
            Map<String, String> parameters,
            Duration timeout,
            long startNanos,
            long epoch) {
        this(node, resource, operation, parameters, timeout, startNanos, epoch, Duration.ZERO, Optional.empty());
    }

    /**
     * True for a probe: a monitor that does not recur (Pacemaker's interval-0 monitor), asked to
     * find out whether the resource runs here at all; the first monitor of a resource on a node,
     * and every monitor after a cleanup. A probe may find the resource stopped without that being a
     * failure; a recurring monitor watches a resource that should run.
     */
    public boolean isProbe() {
        return operation == Operation.MONITOR && interval.isZero();
    }

    /** The same call with other parameters (for an agent that hands the call to another agent). */
    public AgentContext withParameters(Map<String, String> newParameters) {
        return new AgentContext(
                node, resource, operation, newParameters, timeout, startNanos, epoch, interval, cloneInstance, lease);
    }

    /** The time left before the executor gives up on this call; never negative. */
    public Duration remaining() {
        long left = timeout.toNanos() - (System.nanoTime() - startNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    /** The value of parameter {@code name}, if set. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** A label for messages and logs: {@code resource@node}. */
    public String label() {
        return resource + "@" + node;
    }
}
