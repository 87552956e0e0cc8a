package io.hastack.examples.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SimulateTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Simulate.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsWhatTheClusterWouldDoWhenTheActiveNodeFails() {
        assertEquals(0, run("--snapshot", "snapshots/three-nodes-web-on-n1.txt", "--event", "node-fails n1"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("""
                after node n1 fails:
                  start ip on n3: group web-group moves n1 -> n3: n1 left the cluster
                  start app on n3: group web-group starts in order after ip
                  start web on n3: group web-group starts in order after app
                """), text);
    }

    @Test
    void withScoresExplainsEachPlacementAndTheOrderConstraintRestartsTheDependent() {
        assertEquals(
                0,
                run(
                        "--snapshot",
                        "snapshots/three-nodes-web-on-n1.txt",
                        "--scores",
                        "--event",
                        "monitor-fails db on n2"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("    web-group on n1: 103 (location web-home +100, stickiness +3)\n"), text);
        assertTrue(
                text.contains("  stop web on n1: order db-then-web: web-group runs only while db-group runs,"
                        + " and db-group stops\n"),
                text);
        assertTrue(text.contains("  note: group web-group waits until db-group runs (order db-then-web)\n"), text);
    }

    @Test
    void badInputSaysWhatIsWrongAndExitsTwo() {
        assertEquals(2, run("--snapshot", "snapshots/three-nodes-web-on-n1.txt", "--event", "node-fails n7"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("node n7 is not a member"));
        assertEquals(2, run("--snapshot", "no/such/file"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read no/such/file"));
        assertEquals(2, run("--bogus"));
    }
}
