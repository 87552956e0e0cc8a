package io.hastack.resources.service;

import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.ForceStoppable;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Parameters.InvalidParameterException;
import io.hastack.resources.process.ProcessAgent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A server run as a managed child process (through {@link ProcessAgent}: argv lists, never a shell,
 * dies with the node, reaped by it) and checked for health: start returns once the server is
 * healthy, or fails at its timeout saying what it last saw; monitor checks that the process lives
 * and is healthy. By default health is an HTTP check ({@link HealthCheck}: {@code status-url},
 * {@code expect-status}, {@code expect-body}); a subclass may check otherwise (a database query).
 *
 * <p>A subclass says how to run the server ({@link #command}) and may add checks and a preparation
 * before each start. Thread-safety: as {@link ProcessAgent}; the executor never runs two calls of
 * one instance at once.
 */
public abstract class ServiceAgent implements ResourceAgent, ForceStoppable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final ProcessAgent process = new ProcessAgent();

    /** For subclasses. */
    protected ServiceAgent() {}

    /**
     * The {@link ProcessAgent} parameters ({@code argv.N}, {@code env.NAME}, {@code directory},
     * {@code user}) that run the server for {@code ctx}; the {@code log} parameter is passed on as is.
     *
     * @throws InvalidParameterException naming a parameter that is wrong
     */
    protected abstract Map<String, String> command(AgentContext ctx);

    /**
     * Checks the health parameters, throwing {@link InvalidParameterException} if one is wrong; by
     * default those of the HTTP check.
     */
    protected void validateHealth(AgentContext ctx) {
        HealthCheck.of(ctx);
    }

    /** Why the running server is not healthy, within {@code limit}; empty if it is. By default the HTTP check. */
    protected Optional<String> healthProblem(AgentContext ctx, Duration limit) {
        return HealthCheck.of(ctx).problem(limit);
    }

    /** Checks of the parameters beyond the command and the health check; an error outcome if wrong. */
    protected Optional<AgentOutcome> extraValidation(AgentContext ctx) {
        return Optional.empty();
    }

    /** Runs before the server is started (not when it already runs); an error outcome stops the start. */
    protected Optional<AgentOutcome> beforeStart(AgentContext ctx) {
        return Optional.empty();
    }

    /** The pid of the server this agent started, while it lives. */
    protected final OptionalLong pid() {
        return process.pid();
    }

    private AgentContext processContext(AgentContext ctx) {
        Map<String, String> params = new HashMap<>(command(ctx));
        ctx.parameter("log").ifPresent(l -> params.put("log", l));
        return ctx.withParameters(params);
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            validateHealth(ctx);
            AgentOutcome processOutcome = process.validate(processContext(ctx));
            if (!processOutcome.isSuccess()) {
                return processOutcome;
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
        if (process.monitor(pctx).isSuccess()
                && healthProblem(ctx, ctx.remaining()).isEmpty()) {
            return AgentOutcome.success("already running and healthy");
        }
        Optional<AgentOutcome> prepared = beforeStart(ctx);
        if (prepared.isPresent()) {
            return prepared.get();
        }
        AgentOutcome started = process.start(pctx);
        if (!started.isSuccess()) {
            return started;
        }
        String problem = "not checked";
        // Keep a little of the timeout for the executor to take the answer.
        while (ctx.remaining().compareTo(POLL.multipliedBy(3)) > 0) {
            AgentOutcome alive = process.monitor(pctx);
            if (!alive.isSuccess()) {
                return AgentOutcome.failed("the server exited while starting: " + alive.message()
                        + ctx.parameter("log").map(l -> " (see " + l + ")").orElse(""));
            }
            Optional<String> p = healthProblem(ctx, ctx.remaining().minus(POLL.multipliedBy(2)));
            if (p.isEmpty()) {
                return AgentOutcome.success(started.message() + "; healthy");
            }
            problem = p.get();
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return AgentOutcome.failed(
                "not healthy within the start timeout (" + ctx.timeout().toMillis() + " ms): " + problem);
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        try {
            AgentOutcome alive = process.monitor(processContext(ctx));
            if (!alive.isSuccess()) {
                return alive;
            }
            return healthProblem(ctx, ctx.remaining())
                    .map(AgentOutcome::failed)
                    .orElse(AgentOutcome.success(alive.message() + "; healthy"));
        } catch (InvalidParameterException e) {
            return e.outcome();
        }
    }

    /** Stops the server: SIGTERM, then SIGKILL shortly before the stop timeout. */
    @Override
    public AgentOutcome stop(AgentContext ctx) {
        return process.stop(ctx);
    }

    /** SIGKILL to the server and its descendants. */
    @Override
    public AgentOutcome forceStop(AgentContext ctx) {
        return process.forceStop(ctx);
    }
}
