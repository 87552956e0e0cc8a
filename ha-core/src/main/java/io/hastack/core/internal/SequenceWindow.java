package io.hastack.core.internal;

import java.util.Arrays;

/**
 * Which of a sender's sequence numbers were seen, within the last {@code size} below the highest:
 * a number is accepted once, and never one older than the window (anti-replay, as IPsec's). Not
 * thread-safe.
 */
public final class SequenceWindow {
    private final int size;
    private final long[] seen;
    private long highest;

    /** A window of {@code size} numbers, a positive multiple of 64. */
    public SequenceWindow(int size) {
        if (size <= 0 || size % 64 != 0) {
            throw new IllegalArgumentException("window size must be a positive multiple of 64, was " + size);
        }
        this.size = size;
        this.seen = new long[size / 64];
    }

    /** The highest number accepted so far (0: none). */
    public long highest() {
        return highest;
    }

    /** Marks {@code n} seen; false if it was seen before or is older than the window. */
    public boolean accept(long n) {
        if (n > highest) {
            if (n - highest >= size) {
                Arrays.fill(seen, 0);
            } else {
                for (long s = highest + 1; s < n; s++) {
                    flip(s, false);
                }
            }
            highest = n;
            flip(n, true);
            return true;
        }
        if (n <= highest - size || isSet(n)) {
            return false;
        }
        flip(n, true);
        return true;
    }

    private void flip(long n, boolean on) {
        int i = (int) Math.floorMod(n, (long) size);
        if (on) {
            seen[i >>> 6] |= 1L << (i & 63);
        } else {
            seen[i >>> 6] &= ~(1L << (i & 63));
        }
    }

    private boolean isSet(long n) {
        int i = (int) Math.floorMod(n, (long) size);
        return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }
}
