package io.hastack.core.runtime;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the cluster messages a node sends and receives, by kind, with their bytes. Counting is a
 * {@link LongAdder} increment in a map filled once; {@link #snapshot()} reads them all (not as one
 * atomic picture: a message counted meanwhile may show in its count before its bytes).
 * Thread-safe.
 */
final class MessageTraffic {
    /** The messages of one kind in one direction and their bytes. */
    private static final class Adders {
        final LongAdder messages = new LongAdder();
        final LongAdder bytes = new LongAdder();

        void add(int size) {
            messages.increment();
            bytes.add(size);
        }

        MessageCounts.Traffic sum() {
            return new MessageCounts.Traffic(messages.sum(), bytes.sum());
        }
    }

    private final Map<MessageKind, Adders> sent = adders();
    private final Map<MessageKind, Adders> received = adders();
    private final Adders invalid = new Adders();

    private static Map<MessageKind, Adders> adders() {
        Map<MessageKind, Adders> m = new EnumMap<>(MessageKind.class);
        for (MessageKind k : MessageKind.values()) {
            m.put(k, new Adders());
        }
        return Collections.unmodifiableMap(m);
    }

    /** A message of {@code kind}, {@code bytes} long on the wire, was sent. */
    void sent(MessageKind kind, int bytes) {
        sent.get(kind).add(bytes);
    }

    /** A message of {@code kind}, {@code bytes} long on the wire, was received. */
    void received(MessageKind kind, int bytes) {
        received.get(kind).add(bytes);
    }

    /** A frame of {@code bytes} that could not be decoded was received. */
    void invalid(int bytes) {
        invalid.add(bytes);
    }

    /** The counts now. */
    MessageCounts snapshot() {
        Map<MessageKind, MessageCounts.Traffic> s = new EnumMap<>(MessageKind.class);
        Map<MessageKind, MessageCounts.Traffic> r = new EnumMap<>(MessageKind.class);
        sent.forEach((k, a) -> s.put(k, a.sum()));
        received.forEach((k, a) -> r.put(k, a.sum()));
        return new MessageCounts(s, r, invalid.sum());
    }
}
