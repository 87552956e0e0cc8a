package io.hastack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@Tag("unit")
class CallbacksTest {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(CallbacksTest.class);

    @Test
    void theCallbackGetsTheResultOrTheFailure() {
        List<String> seen = new ArrayList<>();
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        Callbacks.whenDone(ok, (v, e) -> seen.add(v + "/" + e), LOG, "ok");
        Callbacks.whenDone(failed, (v, e) -> seen.add(v + "/" + e.getMessage()), LOG, "failed");
        ok.complete("done");
        failed.completeExceptionally(new IllegalStateException("broken"));
        assertEquals(List.of("done/null", "null/broken"), seen);
    }

    @Test
    void aThrowingCallbackIsContainedAndLaterCallbacksStillRun() {
        CompletableFuture<String> future = new CompletableFuture<>();
        List<String> seen = new ArrayList<>();
        Callbacks.whenDone(
                future,
                (v, e) -> {
                    throw new IllegalStateException("callback bug");
                },
                LOG,
                "throwing");
        Callbacks.whenDone(future, (v, e) -> seen.add(v), LOG, "second");
        future.complete("value");
        assertEquals(List.of("value"), seen);
        assertEquals("value", future.join(), "the source future keeps its own result");
    }
}
