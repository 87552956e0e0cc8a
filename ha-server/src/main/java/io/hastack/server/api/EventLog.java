package io.hastack.server.api;

import io.hastack.core.runtime.HaEvent;
import io.hastack.core.runtime.HaEventListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The node's events as the API serves them: the last {@code capacity} in a ring (newest last),
 * each numbered and rendered as JSON, and handed to every open event stream. With a file, every
 * event is also appended to it as one JSON line, and a new log starts with the last {@code
 * capacity} lines of the file, so the history survives a restart of the node; the file is cut
 * back to {@code capacity} lines (atomically) whenever it holds twice as many. Thread-safe; {@link
 * #onEvent} never blocks on a stream: one that falls {@value #STREAM_BACKLOG} events behind is ended
 * (its client reconnects and reads the history).
 */
final class EventLog implements HaEventListener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventLog.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();
    /** Events a stream may fall behind before it is ended. */
    static final int STREAM_BACKLOG = 1024;

    /**
     * An event and its number in this log (from 1, in order).
     *
     * @param seq the number
     * @param json the event as the API serves it ({@link Json#event(long, HaEvent)})
     */
    record Recorded(long seq, com.fasterxml.jackson.databind.node.ObjectNode json) {}

    private final int capacity;
    private final ArrayDeque<Recorded> ring = new ArrayDeque<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private long seq;
    private final Optional<java.nio.file.Path> file;
    /** Lines in the file (after the last cut); only the writer thread touches it after the load. */
    private final java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Writes the file off the thread that delivers events (the node's): a slow disk must never
     * delay the node. Events beyond its backlog are not written, and counted.
     */
    private final java.util.concurrent.ThreadPoolExecutor writer = new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(STREAM_BACKLOG),
            r -> {
                Thread t = new Thread(r, "ha-history-writer");
                t.setDaemon(true);
                return t;
            },
            (task, pool) -> {
                // dropped: counted below
            });

    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    /** The last {@code capacity} events written, in order: the writer thread's own, for a cut-back. */
    private final ArrayDeque<Recorded> written = new ArrayDeque<>();

    EventLog(int capacity) {
        this(capacity, Optional.empty());
    }

    /** A log kept in {@code file} too (created if missing), starting with the events it holds. */
    EventLog(int capacity, Optional<java.nio.file.Path> file) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event history capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.file = file;
        file.ifPresent(this::load);
    }

    private void load(java.nio.file.Path f) {
        if (!java.nio.file.Files.exists(f)) {
            return;
        }
        List<String> all;
        try {
            all = java.nio.file.Files.readAllLines(f, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            LOG.warn("cannot read the event history {}: {}; it starts empty", f, e.toString());
            return;
        }
        lines.set(all.size());
        int skipped = 0;
        for (String line : all.subList(Math.max(0, all.size() - capacity), all.size())) {
            try {
                com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(line);
                if (!(n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || !o.has("type")) {
                    skipped++;
                    continue;
                }
                o.put("seq", ++seq);
                ring.addLast(new Recorded(seq, o));
                written.addLast(new Recorded(seq, o)); // before any write: the writer starts after this
            } catch (java.io.IOException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn("{}: {} lines of the event history were not events; skipped", f, skipped);
        }
    }

    @Override
    public void onEvent(HaEvent event) {
        Recorded r;
        synchronized (this) {
            r = new Recorded(++seq, Json.event(seq, event));
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(r);
            file.ifPresent(f -> {
                if (writer.getQueue().remainingCapacity() == 0) {
                    if (dropped.incrementAndGet() % 100 == 1) {
                        LOG.warn("the event history {} falls behind the events: {} not written", f, dropped.get());
                    }
                } else {
                    writer.execute(() -> append(f, r));
                }
            });
        }
        for (Stream s : streams) {
            if (!s.queue.offer(r)) {
                s.overflowed = true;
                end(s);
            }
        }
    }

    /**
     * Appends {@code r} to {@code f}, or, when {@code f} holds twice the capacity, replaces it with
     * the last {@code capacity} events written. On the writer thread, which alone touches {@link
     * #written} and the file.
     */
    private void append(java.nio.file.Path f, Recorded r) {
        written.addLast(r);
        if (written.size() > capacity) {
            written.removeFirst();
        }
        try {
            if (lines.get() + 1 >= 2L * capacity) {
                StringBuilder kept = new StringBuilder();
                for (Recorded k : written) {
                    kept.append(MAPPER.writeValueAsString(k.json())).append('\n');
                }
                io.hastack.core.internal.AtomicFiles.replace(f, kept.toString());
                restrict(f);
                lines.set(written.size());
                return;
            }
            boolean created = !java.nio.file.Files.exists(f);
            java.nio.file.Files.writeString(
                    f,
                    MAPPER.writeValueAsString(r.json()) + "\n",
                    java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            if (created) {
                restrict(f);
            }
            lines.incrementAndGet();
        } catch (java.io.IOException e) {
            LOG.warn("cannot keep an event in the history {}: {}", f, e.toString());
        }
    }

    /** The history names nodes and resources: readable by the node's account only. */
    private static void restrict(java.nio.file.Path f) {
        try {
            java.nio.file.Files.setPosixFilePermissions(
                    f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException | UnsupportedOperationException e) {
            LOG.debug("cannot restrict {}: {}", f, e.toString());
        }
    }

    /** Writes what is queued (for at most a few seconds) and stops the writer. */
    void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code limit} events, oldest first. */
    synchronized List<Recorded> last(int limit) {
        List<Recorded> all = new ArrayList<>(ring);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** How many events the ring keeps. */
    int capacity() {
        return capacity;
    }

    /** The open streams. */
    int streams() {
        return streams.size();
    }

    /** A new stream of the events from now on; close it with {@link #end}. */
    Stream open() {
        Stream s = new Stream();
        streams.add(s);
        return s;
    }

    /** Ends {@code stream}: its reader sees the end. Idempotent. */
    void end(Stream stream) {
        streams.remove(stream);
        stream.queue.clear();
        stream.queue.offer(Stream.END);
    }

    /** Ends every stream. */
    void endAll() {
        streams.forEach(this::end);
    }

    /** One reader's queue of events; {@link #END} ends it. */
    static final class Stream {
        /** Marks the end of a stream (number -1, no event). */
        static final Recorded END = new Recorded(-1, null);

        private final BlockingQueue<Recorded> queue = new ArrayBlockingQueue<>(STREAM_BACKLOG + 1);
        private volatile boolean overflowed;

        /**
         * The next event: empty if none came within {@code millis}, {@link #END} (number -1) once the
         * stream has ended.
         */
        Optional<Recorded> next(long millis) throws InterruptedException {
            return Optional.ofNullable(queue.poll(millis, TimeUnit.MILLISECONDS));
        }

        /** True if the stream was ended because its reader fell behind. */
        boolean overflowed() {
            return overflowed;
        }
    }
}
