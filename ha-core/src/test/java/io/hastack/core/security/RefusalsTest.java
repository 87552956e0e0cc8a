package io.hastack.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalsTest {
    private final AtomicLong now = new AtomicLong();
    private final Refusals refusals = new Refusals("n1", LoggerFactory.getLogger(RefusalsTest.class), 10_000, now::get);

    @Test
    void aFloodIsCountedInFullButLoggedOncePerIntervalAndReason() {
        assertTrue(refusals.refuse("bad MAC", "frame 1"));
        for (int i = 2; i <= 1000; i++) {
            assertFalse(refusals.refuse("bad MAC", "frame " + i), "frame " + i + " is not logged");
        }
        assertTrue(refusals.refuse("replayed", "another reason is logged at once"));
        now.addAndGet(10_000_000_000L);
        assertTrue(refusals.refuse("bad MAC", "frame 1001"), "logged again once the interval has passed");

        Refusals.Snapshot s = refusals.snapshot();
        assertEquals(1001, s.count("bad MAC"));
        assertEquals(1, s.count("replayed"));
        assertEquals(1002, s.total());
        assertEquals("frame 1001", s.last().get("bad MAC"));
        assertTrue(s.render().startsWith("1002 (bad MAC 1001, replayed 1)"), s.render());
        assertEquals("none", Refusals.Snapshot.EMPTY.render());
        assertEquals(2004, s.plus(s).total());
    }
}
