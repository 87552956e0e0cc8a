package io.hastack.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastack.server.api.ApiCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the {@code hastack} CLI in this JVM, for the CLI tests: what it printed and how it
 * ended.
 *
 * @param code the exit code
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
record CliRun(int code, String out, String err) {
    /** {@code hastack args...} with {@code env} as its environment. */
    static CliRun run(Map<String, String> env, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Hastack.run(args.toArray(String[]::new), env, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@code hastack --url <node's API> --token-file <the token> args...}. */
    static CliRun at(ApiCluster api, String node, String... args) {
        List<String> all = new ArrayList<>(
                List.of("--url", api.servers.get(node).uri().toString(), "--token-file", api.tokenFile.toString()));
        all.addAll(List.of(args));
        return run(Map.of(), all);
    }

    /** As {@link #at}, which must succeed (exit code 0). */
    static CliRun ok(ApiCluster api, String node, String... args) {
        CliRun r = at(api, node, args);
        assertEquals(0, r.code(), r.toString());
        return r;
    }
}
