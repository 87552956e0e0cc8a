package io.hastack.testsupport;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists, at the end of a test run, every test or container that was skipped (disabled, or aborted
 * by an assumption such as a missing {@link Prerequisites prerequisite}) with its reason, so that
 * the build output says what could not be run here. The JUnit Platform loads it through
 * {@code META-INF/services}, in every module whose tests have this module on their class path.
 *
 * <p>The JUnit Platform calls it from the thread that runs the tests; the lists are guarded for
 * parallel execution all the same.
 */
public final class SkipReport implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();
    private TestPlan plan;

    /** Called by the JUnit Platform's service loader. */
    public SkipReport() {}

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private synchronized void record(TestIdentifier test, String reason) {
        String parent = plan == null
                ? ""
                : plan.getParent(test).map(TestIdentifier::getDisplayName).orElse("");
        skipped.add((parent.isEmpty() || parent.startsWith("JUnit") ? "" : parent + " > ") + test.getDisplayName()
                + ": " + reason);
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("Skipped here (" + skipped.size() + "):\n");
        skipped.forEach(s -> sb.append("  SKIPPED ").append(s).append('\n'));
        System.out.print(sb);
        System.out.flush();
        skipped.clear();
    }
}
