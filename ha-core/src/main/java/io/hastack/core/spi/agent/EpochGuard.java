package io.hastack.core.spi.agent;

import io.hastack.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Lets a resource reject work from a stale holder: it admits an epoch only if no higher epoch was
 * admitted before. An agent passes {@link AgentContext#epoch()} along with the resource's writes (a
 * database's fencing token, a lease file); the resource asks the guard before accepting one. Even
 * if two nodes believe they hold the resource, only writes of the newest epoch are accepted once it
 * has written.
 *
 * <p>Thread-safe. {@link #persistent} keeps the highest epoch in a file beside the resource's data,
 * written atomically, so the guard survives restarts; {@link #inMemory()} does not.
 */
public final class EpochGuard {
    private final Optional<Path> file;
    private long highest;

    private EpochGuard(Optional<Path> file, long highest) {
        this.file = file;
        this.highest = highest;
    }

    /** A guard that forgets on restart; for resources that live only as long as the process. */
    public static EpochGuard inMemory() {
        return new EpochGuard(Optional.empty(), 0);
    }

    /**
     * A guard that keeps the highest admitted epoch in {@code file}.
     *
     * @throws UncheckedIOException if the file exists but cannot be read or parsed
     */
    public static EpochGuard persistent(Path file) {
        try {
            long highest = Files.exists(file)
                    ? Long.parseLong(
                            Files.readString(file, StandardCharsets.UTF_8).trim())
                    : 0;
            return new EpochGuard(Optional.of(file), highest);
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(
                    "cannot read epoch guard " + file, e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * Admits {@code epoch} if it is at least the highest admitted so far (and records it); rejects
     * it otherwise. Epoch 0 (no epoch) is rejected once any epoch was admitted.
     */
    public synchronized boolean admit(long epoch) {
        if (epoch < highest) {
            return false;
        }
        if (epoch > highest) {
            file.ifPresent(f -> write(f, epoch));
            highest = epoch;
        }
        return true;
    }

    /** The highest epoch admitted so far (0 if none). */
    public synchronized long highest() {
        return highest;
    }

    private static void write(Path file, long epoch) {
        try {
            AtomicFiles.replace(file, Long.toString(epoch));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record epoch " + epoch + " in " + file, e);
        }
    }
}
