package io.hastack.core.watchdog;

/**
 * When a look of the watchdog must walk the machine's process list: when the {@link NewTasks} mark
 * read just before the look differs from the one read before the last walk (or could not be read,
 * -1), when the last walk found the tree changed, and at least once per backstop interval. Not
 * thread-safe: the watchdog's main loop alone uses it.
 */
final class WalkRule {
    private final long backstopNanos;
    private long walkedAt = -1;
    private long lastWalk;
    private boolean walked;

    WalkRule(long backstopNanos) {
        this.backstopNanos = backstopNanos;
    }

    /**
     * Whether the look at {@code now} (monotonic nanos), which read {@code mark} before anything
     * else, must walk; if so, the walk is recorded as made at {@code now} after {@code mark}.
     */
    boolean mustWalk(long mark, long now) {
        boolean walk = !walked || mark < 0 || mark != walkedAt || now - lastWalk >= backstopNanos;
        if (walk) {
            walked = true;
            walkedAt = mark;
            lastWalk = now;
        }
        return walk;
    }

    /**
     * The next look walks whatever the mark says: the last walk found a change (the walk is one
     * pass over {@code /proc}, not a snapshot, so it may have missed a child whose parent changed
     * during it), or what was noted was just killed.
     */
    void forget() {
        walked = false;
    }
}
