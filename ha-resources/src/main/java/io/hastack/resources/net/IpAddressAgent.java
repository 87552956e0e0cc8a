package io.hastack.resources.net;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentContext;
import io.hastack.core.spi.agent.AgentMetadata;
import io.hastack.core.spi.agent.AgentOutcome;
import io.hastack.core.spi.agent.AgentResult;
import io.hastack.core.spi.agent.ResourceAgent;
import io.hastack.resources.Commands;
import io.hastack.resources.Parameters;
import io.hastack.resources.Parameters.InvalidParameterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A floating IP address, as Pacemaker's {@code IPaddr2}: added to an interface with {@code ip addr
 * add}, announced with gratuitous ARP ({@code arping -U}, IPv4, one a second in the background so
 * that the start does not wait for it), removed with {@code ip addr del}; monitor = the address is on the
 * interface. Commands run from argv lists (iproute2, iputils-arping), never through a shell.
 *
 * <p>Parameters: {@code ip} (an IPv4 or IPv6 literal) and {@code nic} (the interface), required;
 * {@code cidr-netmask} (32 or 128 by default); {@code arp-count} (gratuitous ARPs, 3 by default; 0
 * for none); {@code netns} (act inside this network namespace: for containers and tests).
 */
public final class IpAddressAgent implements ResourceAgent {
    /** The type name this agent is registered under. */
    public static final String TYPE = "ip-address";

    private static final Logger LOG = LoggerFactory.getLogger(IpAddressAgent.class);
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");
    private static final Duration COMMAND = Duration.ofSeconds(10);
    private static final AgentMetadata METADATA = new AgentMetadata(
            TYPE,
            "A floating IP address on an interface, announced by gratuitous ARP.",
            List.of(
                    new AgentMetadata.Parameter("ip", true, "", "the address (IPv4 or IPv6)"),
                    new AgentMetadata.Parameter("nic", true, "", "the interface"),
                    new AgentMetadata.Parameter("cidr-netmask", false, "32 / 128", "the prefix length"),
                    new AgentMetadata.Parameter("arp-count", false, "3", "gratuitous ARPs after the start (IPv4)"),
                    new AgentMetadata.Parameter("netns", false, "", "network namespace to act in")),
            Map.of(
                    Operation.START,
                    Duration.ofSeconds(20),
                    Operation.STOP,
                    Duration.ofSeconds(20),
                    Operation.MONITOR,
                    Duration.ofSeconds(20)));

    /** The latest background ARP announcement (for tests). */
    volatile CompletableFuture<Commands.Result> lastAnnouncement = CompletableFuture.completedFuture(null);

    @Override
    public AgentMetadata metadata() {
        return METADATA;
    }

    private record Config(String ip, boolean v6, int prefix, String nic, int arpCount, String netns) {
        String cidr() {
            return ip + "/" + prefix;
        }

        /** {@code ip [-n NS] args...}. */
        List<String> ipCommand(String... args) {
            List<String> argv = new ArrayList<>(List.of("ip"));
            if (!netns.isEmpty()) {
                argv.addAll(List.of("-n", netns));
            }
            argv.addAll(List.of(args));
            return argv;
        }
    }

    private static Config config(AgentContext ctx) {
        String ip = Parameters.required(ctx, "ip");
        boolean v6 = !IPV4.matcher(ip).matches();
        if (v6 && !IPV6.matcher(ip).matches()) {
            throw new InvalidParameterException(
                    ctx, "parameter 'ip' must be an IPv4 or IPv6 address, was '" + ip + "'");
        }
        String nic = Parameters.required(ctx, "nic");
        if (!NAME.matcher(nic).matches()) {
            throw new InvalidParameterException(ctx, "parameter 'nic' is not an interface name: '" + nic + "'");
        }
        long prefix = Parameters.nonNegative(ctx, "cidr-netmask").orElse(v6 ? 128L : 32L);
        if (prefix > (v6 ? 128 : 32)) {
            throw new InvalidParameterException(
                    ctx, "parameter 'cidr-netmask' must be 0-" + (v6 ? 128 : 32) + ", was " + prefix);
        }
        long arp = Parameters.nonNegative(ctx, "arp-count").orElse(3L);
        if (arp > 100) {
            throw new InvalidParameterException(ctx, "parameter 'arp-count' must be at most 100, was " + arp);
        }
        String netns = Parameters.optional(ctx, "netns", "");
        if (!netns.isEmpty() && !NAME.matcher(netns).matches()) {
            throw new InvalidParameterException(ctx, "parameter 'netns' is not a namespace name: '" + netns + "'");
        }
        return new Config(ip, v6, (int) prefix, nic, (int) arp, netns);
    }

    @Override
    public AgentOutcome validate(AgentContext ctx) {
        try {
            Config c = config(ctx);
            if (Commands.locate("ip").isEmpty()) {
                return AgentOutcome.of(
                        AgentResult.ERR_INSTALLED, "resource " + ctx.resource() + ": 'ip' (iproute2) is not installed");
            }
            if (!c.v6() && c.arpCount() > 0 && Commands.locate("arping").isEmpty()) {
                return AgentOutcome.of(
                        AgentResult.ERR_INSTALLED,
                        "resource " + ctx.resource()
                                + ": 'arping' (iputils-arping) is not installed; install it or set arp-count=0");
            }
            Commands.Result link = Commands.run(c.ipCommand("link", "show", "dev", c.nic()), COMMAND);
            if (!link.ok()) {
                return AgentOutcome.of(
                        AgentResult.ERR_CONFIGURED,
                        "resource " + ctx.resource() + ": interface "
                                + c.nic() + (c.netns().isEmpty() ? "" : " in namespace " + c.netns())
                                + " does not exist ("
                                + link.describe() + ")");
            }
            return AgentOutcome.success();
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
        Config c = config(ctx);
        if (!present(c, ctx.remaining())) {
            Commands.Result add = Commands.run(c.ipCommand("addr", "add", c.cidr(), "dev", c.nic()), ctx.remaining());
            if (!add.ok() || !present(c, ctx.remaining())) {
                return AgentOutcome.failed(
                        "ip addr add " + c.cidr() + " dev " + c.nic() + " failed: " + add.describe());
            }
        }
        if (!c.v6() && c.arpCount() > 0) {
            announce(c);
        }
        return AgentOutcome.success(c.cidr() + " is on " + c.nic());
    }

    /** Gratuitous ARPs in the background, one a second (arping cannot go faster), as IPaddr2 sends them. */
    private void announce(Config c) {
        List<String> argv = new ArrayList<>();
        if (!c.netns().isEmpty()) {
            argv.addAll(List.of("ip", "netns", "exec", c.netns()));
        }
        argv.addAll(List.of("arping", "-q", "-U", "-c", Integer.toString(c.arpCount()), "-I", c.nic(), c.ip()));
        lastAnnouncement = Commands.runInBackground(argv, COMMAND).thenApply(r -> {
            if (!r.ok()) {
                LOG.warn("gratuitous ARP for {} on {} failed: {}", c.ip(), c.nic(), r.describe());
            }
            return r;
        });
    }

    @Override
    public AgentOutcome monitor(AgentContext ctx) {
        try {
            Config c = config(ctx);
            return present(c, ctx.remaining())
                    ? AgentOutcome.success(c.cidr() + " is on " + c.nic())
                    : AgentOutcome.notRunning(c.ip() + " is not on " + c.nic());
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (IllegalStateException e) {
            return AgentOutcome.failed(e.getMessage());
        }
    }

    @Override
    public AgentOutcome stop(AgentContext ctx) {
        try {
            Config c = config(ctx);
            if (!present(c, ctx.remaining())) {
                return AgentOutcome.success(c.ip() + " is not on " + c.nic());
            }
            Commands.Result del = Commands.run(c.ipCommand("addr", "del", c.cidr(), "dev", c.nic()), ctx.remaining());
            return del.ok() && !present(c, ctx.remaining())
                    ? AgentOutcome.success("removed " + c.cidr())
                    : AgentOutcome.failed("ip addr del " + c.cidr() + " dev " + c.nic() + " failed: " + del.describe());
        } catch (InvalidParameterException e) {
            return e.outcome();
        } catch (IllegalStateException e) {
            // The interface is gone: so is the address on it.
            return AgentOutcome.success(e.getMessage());
        }
    }

    /** True if the address is on the interface; throws if the interface cannot be read. */
    private static boolean present(Config c, Duration limit) {
        Commands.Result r = Commands.run(
                c.ipCommand("-o", c.v6() ? "-6" : "-4", "addr", "show", "dev", c.nic()),
                limit.compareTo(COMMAND) < 0 ? limit : COMMAND);
        if (!r.ok()) {
            throw new IllegalStateException("cannot read the addresses of " + c.nic() + ": " + r.describe());
        }
        String wanted = (c.v6() ? " inet6 " : " inet ") + c.ip() + "/";
        for (String line : r.output().split("\n")) {
            if (line.contains(wanted)) {
                return true;
            }
        }
        return false;
    }
}
