package io.hastack.membership.jgroups;

import io.hastack.core.internal.SequenceWindow;
import io.hastack.core.security.Refusals;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.Global;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

/**
 * Numbers every message this member sends, inside the sealed envelope ({@link SealedEncrypt}), and
 * drops a message whose number was seen before or is older than the last {@value #WINDOW} from its
 * sender, or that was sent to another member (the destination is inside the seal): a captured
 * message replayed later, to its receiver or to another member, is dropped here. The reliable protocols above
 * (NAKACK2, UNICAST3) drop duplicates of their own messages, but the heartbeats, suspicion checks,
 * discovery and merge messages below them would otherwise be replayable (a replayed heartbeat of a
 * hung member would keep it in the view). The sender is the JGroups address, new at every start of
 * a channel, so a restarted member starts a new count.
 */
final class ReplayGuard extends Protocol {
    /** How far behind the highest number from a sender a message may be (reordering allowance). */
    static final int WINDOW = 4096;

    private static final short ID = 1095;
    private static final short HEADER_MAGIC = 1901;
    /** Senders whose window is kept; the least recently heard is forgotten first. */
    private static final int SENDERS = 1024;

    static {
        if (ClassConfigurator.getProtocolId(ReplayGuard.class) == 0) {
            ClassConfigurator.addProtocol(ID, ReplayGuard.class);
        }
        if (ClassConfigurator.getMagicNumber(NumberHeader.class) == -1) {
            ClassConfigurator.add(HEADER_MAGIC, NumberHeader.class);
        }
    }

    /** The number of one message. Public for JGroups, which creates headers reflectively. */
    public static final class NumberHeader extends Header {
        long number;

        /** For JGroups. */
        public NumberHeader() {}

        NumberHeader(long number) {
            this.number = number;
        }

        @Override
        public short getMagicId() {
            return HEADER_MAGIC;
        }

        @Override
        public Supplier<? extends Header> create() {
            return NumberHeader::new;
        }

        @Override
        public int serializedSize() {
            return Global.LONG_SIZE;
        }

        @Override
        public void writeTo(DataOutput out) throws java.io.IOException {
            out.writeLong(number);
        }

        @Override
        public void readFrom(DataInput in) throws java.io.IOException {
            number = in.readLong();
        }

        @Override
        public String toString() {
            return "#" + number;
        }
    }

    private final AtomicLong sent = new AtomicLong();
    private final Map<Address, SequenceWindow> windows = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, SequenceWindow> eldest) {
            return size() > SENDERS;
        }
    };
    private volatile Refusals refusals;

    /** Where drops are counted. */
    void refusals(Refusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public Object down(Message msg) {
        // A copy: the reliable protocols retransmit the same message object, which must not change
        // under a send in progress. The payload is shared, not copied.
        Message numbered = msg.copy(true, true).putHeader(id, new NumberHeader(sent.incrementAndGet()));
        return down_prot.down(numbered);
    }

    @Override
    public Object up(Message msg) {
        return fresh(msg) ? up_prot.up(msg) : null;
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            if (!fresh(it.next())) {
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    private boolean fresh(Message msg) {
        NumberHeader h = msg.getHeader(id);
        Address src = msg.getSrc();
        if (h == null || src == null) {
            refuse("unnumbered", "message from " + src + " carries no replay number");
            return false;
        }
        Address dest = msg.getDest();
        if (dest != null && !dest.equals(local_addr) && !(dest instanceof PhysicalAddress)) {
            // A member's message to another, or to this node's earlier incarnation, replayed here.
            // (Discovery requests go to physical addresses; one replayed elsewhere only asks who is there.)
            refuse("misdirected", "message " + h.number + " from " + src + " was sent to " + dest + ", not here");
            return false;
        }
        boolean ok;
        synchronized (windows) {
            ok = windows.computeIfAbsent(src, a -> new SequenceWindow(WINDOW)).accept(h.number);
        }
        if (!ok) {
            refuse("replayed", "message " + h.number + " from " + src + " was seen before or is too old");
        }
        return ok;
    }

    private void refuse(String reason, String detail) {
        Refusals r = refusals;
        if (r != null) {
            r.refuse(reason, detail);
        }
    }
}
