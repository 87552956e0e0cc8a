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
 * each numbered, and handed to every open event stream. Thread-safe; {@link #onEvent} never blocks:
 * a stream that falls {@value #STREAM_BACKLOG} events behind is ended (its client reconnects and
 * reads the history).
 */
final class EventLog implements HaEventListener {
    /** Events a stream may fall behind before it is ended. */
    static final int STREAM_BACKLOG = 1024;

    /**
     * An event and its number in this log (from 1, in order).
     *
     * @param seq the number
     * @param event the event
     */
    record Recorded(long seq, HaEvent event) {}

    private final int capacity;
    private final ArrayDeque<Recorded> ring = new ArrayDeque<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private long seq;

    EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event history capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void onEvent(HaEvent event) {
        Recorded r;
        synchronized (this) {
            r = new Recorded(++seq, event);
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(r);
        }
        for (Stream s : streams) {
            if (!s.queue.offer(r)) {
                s.overflowed = true;
                end(s);
            }
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
