package io.hastack.core.watchdog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WalkRuleTest {
    private static final long BACKSTOP = 5_000;

    @Test
    void walksFirstThenOnlyWhenTheMarkMovedOrTheBackstopCame() {
        WalkRule rule = new WalkRule(BACKSTOP);
        assertTrue(rule.mustWalk(100, 0), "the first look walks");
        assertTrue(rule.mustWalk(100, 250), "and the next, to confirm");
        assertFalse(rule.mustWalk(100, 500), "nothing created: no walk");
        assertFalse(rule.mustWalk(100, BACKSTOP + 249), "nothing created, before the backstop: no walk");
        assertTrue(rule.mustWalk(100, BACKSTOP + 250), "the backstop walks though nothing was created");
        assertFalse(rule.mustWalk(100, BACKSTOP + 500), "the backstop counts from its own walk");
        assertTrue(rule.mustWalk(101, BACKSTOP + 1_000), "a task was created: walk");
        assertTrue(
                rule.mustWalk(101, BACKSTOP + 1_500),
                "and walk once more: the task's id comes before the task shows in /proc");
        assertFalse(rule.mustWalk(101, BACKSTOP + 2_000), "then the new mark is the one compared with");
        // The ids wrap: a smaller mark is a move like any other.
        assertTrue(rule.mustWalk(3, BACKSTOP + 2_500));
        assertTrue(rule.mustWalk(4, BACKSTOP + 3_000), "a move during the confirming look: walk");
        assertTrue(rule.mustWalk(4, BACKSTOP + 3_500), "and confirm that one too");
        assertFalse(rule.mustWalk(4, BACKSTOP + 4_000));
    }

    @Test
    void aMarkThatCannotBeReadWalksEveryTime() {
        WalkRule rule = new WalkRule(BACKSTOP);
        assertTrue(rule.mustWalk(-1, 0));
        assertTrue(rule.mustWalk(-1, 1), "no mark, walk again");
        assertTrue(rule.mustWalk(7, 2));
        assertTrue(rule.mustWalk(-1, 3), "a mark that cannot be read after one that could: walk");
    }

    @Test
    void aChangeOrAKillMakesTheNextLookWalk() {
        WalkRule rule = new WalkRule(BACKSTOP);
        assertTrue(rule.mustWalk(100, 0));
        assertTrue(rule.mustWalk(100, 5));
        assertFalse(rule.mustWalk(100, 6));
        rule.forget();
        assertTrue(rule.mustWalk(100, 10), "after forget the next look walks whatever the mark says");
        assertFalse(rule.mustWalk(100, 20), "and then the mark counts again");
    }

    @Test
    void monotonicTimeMayBeNegative() {
        WalkRule rule = new WalkRule(BACKSTOP);
        long start = Long.MAX_VALUE - 1_000; // nanoTime may be anywhere, and wraps
        assertTrue(rule.mustWalk(5, start));
        assertTrue(rule.mustWalk(5, start + 1_000));
        assertFalse(rule.mustWalk(5, start + 2_000));
        assertTrue(rule.mustWalk(5, start + 1_000 + BACKSTOP), "the backstop across the wrap");
    }
}
