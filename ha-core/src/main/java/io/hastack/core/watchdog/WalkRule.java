package io.hastack.core.watchdog;

/**
 * When a look of the watchdog must walk the machine's process list: when the {@link NewTasks} mark
 * read just before the look differs from the one read before the last walk (or could not be read,
 * -1), on the look after such a walk, when the last walk found the tree changed, and at least once
 * per backstop interval. Not thread-safe: the watchdog's main loop alone uses it.
 */
final class WalkRule {
    private final long backstopNanos;
    private long walkedAt = -1;
    private long lastWalk;
    private boolean walked;
    private boolean confirm;

    WalkRule(long backstopNanos) {
        this.backstopNanos = backstopNanos;
    }

    /**
     * Whether the look at {@code now} (monotonic nanos), which read {@code mark} before anything
     * else, must walk; if so, the walk is recorded as made at {@code now} after {@code mark}.
     */
    boolean mustWalk(long mark, long now) {
        boolean moved = mark != walkedAt;
        boolean walk = !walked || confirm || mark < 0 || moved || now - lastWalk >= backstopNanos;
        if (walk) {
            walked = true;
            // The kernel hands out a new task's id before the task shows in /proc: a walk made
            // because the mark moved may have missed it, so the next look walks once more.
            confirm = moved;
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
