package io.hastack.core.runtime;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How many cluster messages a node has sent and received since it was built, by {@link
 * MessageKind}, with their bytes on the wire (frames as encoded, with their envelope and MAC). Only
 * messages between nodes count: a message a node sends itself does not go through the wire, and the
 * membership's own traffic (heartbeats, views) is not a cluster message. Received frames count
 * whether or not the node then accepts them (a replay, a stale view); frames that cannot be decoded
 * at all count as {@link #invalid()}. An immutable snapshot ({@link HaNode#messageCounts()}).
 *
 * @param sent the messages sent, for every kind (zero for kinds never sent)
 * @param received the messages received and decoded, for every kind
 * @param invalid the frames received that could not be decoded (malformed, a bad MAC, another
 *     version)
 */
public record MessageCounts(Map<MessageKind, Traffic> sent, Map<MessageKind, Traffic> received, Traffic invalid) {
    /**
     * A number of messages and their bytes.
     *
     * @param messages how many
     * @param bytes their size on the wire, in bytes
     */
    public record Traffic(long messages, long bytes) {
        /** No messages. */
        public static final Traffic NONE = new Traffic(0, 0);

        /** Checks that the counts are not negative. */
        public Traffic {
            if (messages < 0 || bytes < 0) {
                throw new IllegalArgumentException(
                        "traffic of " + messages + " messages and " + bytes + " bytes: counts cannot be negative");
            }
        }
    }

    /** Copies the maps, filling in {@link Traffic#NONE} for every kind missing. */
    public MessageCounts {
        sent = complete(sent, "sent");
        received = complete(received, "received");
        Objects.requireNonNull(invalid, "invalid");
    }

    private static Map<MessageKind, Traffic> complete(Map<MessageKind, Traffic> counts, String what) {
        Objects.requireNonNull(counts, what);
        Map<MessageKind, Traffic> all = new EnumMap<>(MessageKind.class);
        for (MessageKind k : MessageKind.values()) {
            all.put(k, counts.getOrDefault(k, Traffic.NONE));
        }
        return Map.copyOf(all);
    }

    /** The messages of {@code kind} sent. */
    public Traffic sent(MessageKind kind) {
        return sent.get(Objects.requireNonNull(kind, "kind"));
    }

    /** The messages of {@code kind} received. */
    public Traffic received(MessageKind kind) {
        return received.get(Objects.requireNonNull(kind, "kind"));
    }
}
