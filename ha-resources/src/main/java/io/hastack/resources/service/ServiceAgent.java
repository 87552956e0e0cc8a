package io.hastack.resources.service;

import io.hastack.core.agent.AgentContext;
import io.hastack.core.agent.AgentOutcome;
import io.hastack.core.agent.AgentResult;
import io.hastack.core.agent.ForceStoppable;
import io.hastack.core.agent.ResourceAgent;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.process.ProcessAgent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A server run as a managed child process (through {@link ProcessAgent}: argv lists, never a shell,
 * dies with the node) and checked over HTTP ({@link HealthCheck}): start returns once the server is
 * healthy, or fails at its timeout; monitor checks that the process lives and answers well.
 * Subclasses say how to run the server; they may add checks.
 */
abstract class ServiceAgent implements ResourceAgent, ForceStoppable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final ProcessAgent process = new ProcessAgent();

    /**
     * The {@link ProcessAgent} parameters ({@code argv.N}, {@code env.NAME}, {@code directory},
     * {@code log}) that run the server for {@code ctx}.
     *
     * @throws InvalidParameterException naming a parameter that is wrong
     */
    abstract Map<String, String> command(AgentContext ctx);

    /** Checks beyond the process and HTTP ones; empty if healthy. */
    Optional<String> extraProblem(AgentContext ctx) {
        return Optional.empty();
    }

    /** Checks of the parameters beyond those of the command; an error outcome if wrong. */
    Optional<AgentOutcome> extraValidation(AgentContext ctx) {
        return Optional.empty();
    }

    private AgentContext processContext(AgentContext ctx) {
        Map<String, String> params = new HashMap<>(command(ctx));
        ctx.parameter("log").ifPresent(l -> params.put("log", l));
        return new AgentContext(ctx.node(), ctx.resource(), ctx.operation(), params, ctx.timeout(), ctx.startNanos(),
                ctx.epoch());
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            HealthCheck.of(ctx);
            AgentOutcome process = this.process.validate(processContext(ctx));
            if (!process.isSuccess()) {
                return process;
            }
            return extraValidation(ctx).orElse(AgentOutcome.success());
        } catch (InvalidParameterException e) {
            return e.outcome();
        }
    }

    @Override
    public AgentOutcome start(AgentContext ctx) {
        AgentOutcome valid = validate(ctx);
        if (!valid.isSuccess()) {
            return valid;
        }
        AgentContext pctx = processContext(ctx);
        AgentOutcome started = process.start(pctx);
        if (!started.isSuccess()) {
            return started;
        }
        HealthCheck check = HealthCheck.of(ctx);
        String problem = "not checked";
        // Keep a little of the timeout for the executor to take the answer.
        while (ctx.remaining().compareTo(POLL.multipliedBy(3)) > 0) {
            AgentOutcome alive = process.monitor(pctx);
            if (!alive.isSuccess()) {
                return AgentOutcome.failed("the server exited while starting: " + alive.message()
                        + ctx.parameter("log").map(l -> " (see " + l + ")").orElse(""));
            }
            Optional<String> p = check.problem(ctx.remaining().minus(POLL.multipliedBy(2)));
            if (p.isEmpty()) {
                p = extraProblem(ctx);
            }
            if (p.isEmpty()) {
                return AgentOutcome.success(started.message() + "; healthy: " + check.url());
            }
            problem = p.get();
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return AgentOutcome.failed("not healthy within the start timeout (" + ctx.timeout().toMillis() + " ms): "
                + problem);
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        try {
            AgentContext pctx = processContext(ctx);
            AgentOutcome alive = process.monitor(pctx);
            if (!alive.isSuccess()) {
                return alive;
            }
            Optional<String> p = HealthCheck.of(ctx).problem(ctx.remaining());
            if (p.isEmpty()) {
                p = extraProblem(ctx);
            }
            return p.map(AgentOutcome::failed).orElse(AgentOutcome.success(alive.message() + "; healthy"));
        } catch (InvalidParameterException e) {
            return e.outcome();
        }
    }

    @Override
    public AgentOutcome stop(AgentContext ctx) {
        try {
            return process.stop(processContext(ctx));
        } catch (InvalidParameterException e) {
            // Nothing this resource could have started: a stop of it has nothing to do.
            return process.stop(ctx).result() == AgentResult.SUCCESS ? AgentOutcome.success("not running")
                    : e.outcome();
        }
    }

    @Override
    public AgentOutcome forceStop(AgentContext ctx) {
        try {
            return process.forceStop(processContext(ctx));
        } catch (InvalidParameterException e) {
            return process.forceStop(ctx);
        }
    }
}
