package io.hastack.core.exec;

import io.hastack.core.model.NodeId;
import io.hastack.core.model.Operation;
import io.hastack.core.model.ResourceSpec;
import io.hastack.core.spi.agent.CloneInstance;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One agent call to make: which operation of which resource on which node, with what the agent is
 * told about it besides its parameters (the fencing epoch, the interval of a recurring monitor,
 * the clone copy). Immutable.
 *
 * @param spec the resource
 * @param node the node the call runs on
 * @param operation the operation
 * @param epoch the fencing epoch to pass (0 for none)
 * @param interval a recurring monitor's interval; zero for every other call, a probe among them
 * @param cloneInstance the clone copy, for a resource of a clone
 */
public record Call(
        ResourceSpec spec,
        NodeId node,
        Operation operation,
        long epoch,
        Duration interval,
        Optional<CloneInstance> cloneInstance) {
    /** Checks the fields. */
    public Call {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(cloneInstance, "cloneInstance");
        if (interval == null || interval.isNegative() || (!interval.isZero() && operation != Operation.MONITOR)) {
            throw new IllegalArgumentException(operation.externalName() + " of " + spec.id() + ": only a monitor"
                    + " recurs; interval must be zero or positive, was " + interval);
        }
    }

    /** A one-shot call: for a monitor, a probe. */
    public static Call of(ResourceSpec spec, NodeId node, Operation operation, long epoch) {
        return new Call(spec, node, operation, epoch, Duration.ZERO, Optional.empty());
    }

    /** This monitor as the recurring one of {@code spec}, every {@link ResourceSpec#monitorInterval()}. */
    public Call recurring() {
        return new Call(spec, node, operation, epoch, spec.monitorInterval(), cloneInstance);
    }

    /** This call for copy {@code instance} of a clone; unchanged if {@code instance} is empty. */
    public Call inClone(Optional<CloneInstance> instance) {
        return new Call(spec, node, operation, epoch, interval, instance);
    }

    /** True for a monitor that does not recur. */
    public boolean isProbe() {
        return operation == Operation.MONITOR && interval.isZero();
    }
}
