package io.hastack.core.runtime;

import io.hastack.core.internal.SequenceWindow;
import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.MessageCodec.Frame;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.membership.ViewId;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stamps this node's outgoing frames with their envelope and checks the envelope of incoming ones,
 * so that a frame is acted on at most once, only by the node it was sent to, and only if it came
 * from the node it names (see {@code docs/security.md}):
 *
 * <ul>
 *   <li>the sender the membership reports must be the sender the frame names (forged sender);
 *   <li>the frame must be addressed to this node and must not be this node's own (reflected);
 *   <li>each sender speaks as one incarnation (random, new at each start); a frame of an earlier
 *       incarnation is refused (replayed), and so is a frame of another incarnation while the
 *       current one is in this node's view, unless it was sent in a later view than any frame of
 *       the current one (the node restarted and rejoined before this node saw it leave);
 *   <li>within an incarnation each sequence number is accepted once, and none older than the last
 *       {@value #WINDOW} (replayed);
 *   <li>a frame sent in a view older than the last {@value #RECENT_VIEWS} views this node installed
 *       is refused (stale view).
 * </ul>
 *
 * {@link #stamp} is thread-safe; {@link #check} and {@link #viewInstalled} are confined to the
 * event loop.
 */
final class FrameFilter {
    /** How many sequence numbers behind the highest one are still accepted (reordering allowance). */
    static final int WINDOW = 4096;
    /** How many of this node's recent views a frame may have been sent in. */
    static final int RECENT_VIEWS = 8;
    /** Earlier incarnations remembered per sender. */
    private static final int RETIRED = 16;

    /**
     * Why a frame was refused.
     *
     * @param reason a short fixed phrase, counted in the status
     * @param detail what was wrong with this frame
     */
    record Refusal(String reason, String detail) {}

    private final NodeId self;
    private final long incarnation;
    private final AtomicLong sent = new AtomicLong();
    private final Map<NodeId, Peer> peers = new HashMap<>();
    private final Deque<Long> recentViews = new ArrayDeque<>();
    private View current;

    private static final class Peer {
        long incarnation;
        boolean known;
        /** True until a frame is accepted after the peer (re)appeared in this node's view. */
        boolean open = true;

        boolean absent = true;
        final Set<Long> retired = new LinkedHashSet<>();
        SequenceWindow window = new SequenceWindow(WINDOW);
        /** The latest view the current incarnation sent a frame in. */
        long lastView = Long.MIN_VALUE;

        void adopt(long newIncarnation) {
            if (known) {
                retired.add(incarnation);
                if (retired.size() > RETIRED) {
                    retired.remove(retired.iterator().next());
                }
            }
            incarnation = newIncarnation;
            known = true;
            window = new SequenceWindow(WINDOW);
            lastView = Long.MIN_VALUE;
        }
    }

    /** A filter for node {@code self}, with a new random incarnation. */
    FrameFilter(NodeId self) {
        this(self, new SecureRandom().nextLong());
    }

    /** A filter for node {@code self} speaking as {@code incarnation} (tests). */
    FrameFilter(NodeId self, long incarnation) {
        this.self = self;
        this.incarnation = incarnation;
    }

    /** This node's incarnation. */
    long incarnation() {
        return incarnation;
    }

    /** {@code message} to {@code to}, enveloped with the next sequence number. */
    Frame stamp(NodeId to, ViewId view, Messages.Message message) {
        return new Frame(self, to, incarnation, sent.incrementAndGet(), view, message);
    }

    /** Notes a view this node installed: peers that left may come back as new incarnations. */
    void viewInstalled(View view) {
        current = view;
        recentViews.addLast(view.id().sequence());
        while (recentViews.size() > RECENT_VIEWS) {
            recentViews.removeFirst();
        }
        for (Map.Entry<NodeId, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            boolean member = view.contains(e.getKey());
            if (member && p.absent) {
                p.open = true;
            }
            p.absent = !member;
        }
    }

    /**
     * Checks {@code frame}, which the membership says came from {@code from}.
     *
     * @return empty if it may be acted on (it is then marked seen), else why not
     */
    Optional<Refusal> check(NodeId from, Frame frame) {
        if (frame.sender().equals(self)) {
            return refuse(
                    "reflected",
                    "this node's own frame came back from " + from + " (sequence " + frame.sequence() + ")");
        }
        if (!frame.sender().equals(from)) {
            return refuse("forged sender", "frame from " + from + " names " + frame.sender() + " as its sender");
        }
        if (!frame.recipient().equals(self)) {
            return refuse(
                    "reflected", "frame from " + from + " was sent to " + frame.recipient() + ", not to this node");
        }
        if (frame.sequence() <= 0) {
            return refuse("malformed", "frame from " + from + " has sequence " + frame.sequence());
        }
        long oldest = recentViews.stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
        if (frame.view().sequence() < oldest) {
            return refuse(
                    "stale view",
                    "frame from " + from + " was sent in view " + frame.view() + ", older than this node's last "
                            + RECENT_VIEWS + " views");
        }
        Peer p = peers.computeIfAbsent(from, n -> {
            Peer fresh = new Peer();
            fresh.absent = current == null || !current.contains(n);
            return fresh;
        });
        if (!p.known || p.incarnation != frame.incarnation()) {
            if (p.retired.contains(frame.incarnation())) {
                return refuse(
                        "replayed",
                        "frame from an earlier incarnation of " + from + " (sequence " + frame.sequence() + ")");
            }
            if (p.known && !p.open && !p.absent && frame.view().sequence() <= p.lastView) {
                return refuse(
                        "replayed",
                        "frame from " + from + " as incarnation " + Long.toHexString(frame.incarnation())
                                + " while it speaks as " + Long.toHexString(p.incarnation) + " in this view");
            }
            p.adopt(frame.incarnation());
        }
        if (!p.window.accept(frame.sequence())) {
            return refuse(
                    "replayed",
                    "frame " + frame.sequence() + " from " + from + " was seen before or is older than the last "
                            + WINDOW + " (highest " + p.window.highest() + ")");
        }
        p.open = false;
        p.lastView = Math.max(p.lastView, frame.view().sequence());
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(String reason, String detail) {
        return Optional.of(new Refusal(reason, detail));
    }
}
