package io.hastack.core.runtime;

import io.hastack.core.internal.Votes;
import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NoQuorumPolicy;
import io.hastack.core.model.NodeId;
import io.hastack.core.spi.membership.View;
import io.hastack.core.spi.plan.Action;
import io.hastack.core.spi.plan.ActionType;
import io.hastack.core.spi.quorum.QuorumDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every view, whether this node's partition has quorum, and talks to the quorum
 * device: tie claims, majority records and fencing epochs. Thread-free: it is confined to the
 * node's event thread, device calls (which may block) go to the executor it is given, and their
 * results come back through {@link Host#post}; the simulation harness gives it virtual time for
 * both. See {@code docs/safety.md} for the rules.
 */
final class QuorumKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumKeeper.class);

    /** This node's view of its partition's quorum. */
    enum Quorum {
        UNDECIDED,
        QUORATE,
        NOT_QUORATE
    }

    /** The node that keeps this quorum. Called on the event thread (except {@link #post}). */
    interface Host {
        /** Runs {@code task} on the event thread. */
        void post(Runnable task);

        /** Quorum was decided (or is undecided) for {@code view}; {@code previous} is the state before. */
        void decided(View view, Quorum previous, Quorum now, String text);

        /** A majority was recorded on the device. */
        void recorded(View view, String detail);
    }

    private final NodeId self;
    private final ClusterConfig config;
    private final Optional<QuorumDevice> device;
    private final Host host;
    private final Executor deviceCalls;
    private View view;
    private Quorum state = Quorum.UNDECIDED;
    private String text = "undecided: not in a view yet";
    /** True if the current view is quorate by the tie-break (exactly half of the votes). */
    private boolean byTie;

    /**
     * @param deviceCalls where the device is called (it may block); nothing runs there without a
     *     device
     */
    QuorumKeeper(NodeId self, ClusterConfig config, Optional<QuorumDevice> device, Executor deviceCalls, Host host) {
        this.self = self;
        this.config = config;
        this.device = device;
        this.deviceCalls = deviceCalls;
        this.host = host;
    }

    Quorum state() {
        return state;
    }

    /** The quorum in words, for status. */
    String text() {
        return text;
    }

    /**
     * True if the members {@code heard} (this node included) keep this node's partition quorate:
     * the partition is quorate, and they hold a majority of the votes, or exactly half if the
     * tie-break was won for the current view and they are all of its members. The lease's rule
     * ({@link Lease#expiry}); monotone in {@code heard}.
     */
    boolean sustains(Set<NodeId> heard) {
        if (state != Quorum.QUORATE) {
            return false;
        }
        if (config.noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            return true;
        }
        Votes votes = Votes.of(config.nodes(), heard);
        return votes.isMajority() || (byTie && votes.isTie() && heard.containsAll(view.members()));
    }

    /** Decides quorum for {@code v}: at once for a majority or minority, through the device for a tie. */
    @SuppressWarnings("ReferenceEquality") // identity: is {@code v} still the current view?
    void evaluate(View v) {
        view = v;
        byTie = false;
        Votes votes = Votes.of(config.nodes(), v.members());
        if (config.noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            if (!votes.isMajority()) {
                LOG.warn(
                        "{}: {} is not a majority; no-quorum-policy=ignore runs resources anyway (unsafe)",
                        self,
                        votes);
            }
            set(v, Quorum.QUORATE, "quorate by no-quorum-policy=ignore: " + votes);
            return;
        }
        if (votes.isMajority()) {
            set(v, Quorum.QUORATE, "quorate: " + votes);
            device.ifPresent(d -> deviceCalls.execute(() -> {
                try {
                    d.recordMajority(votes.present());
                    host.post(() -> host.recorded(v, "majority " + votes.present() + " recorded on " + d.describe()));
                } catch (RuntimeException e) {
                    LOG.warn(
                            "{}: could not record the majority {} on {}: {}",
                            self,
                            votes,
                            d.describe(),
                            e.getMessage());
                }
            }));
        } else if (votes.isTie() && device.isPresent()) {
            QuorumDevice d = device.get();
            set(v, Quorum.UNDECIDED, "undecided: " + votes + ", asking " + d.describe() + " to break the tie");
            deviceCalls.execute(() -> {
                Quorum result;
                String decided;
                try {
                    boolean won = d.claimTie(votes.present());
                    result = won ? Quorum.QUORATE : Quorum.NOT_QUORATE;
                    decided = (won ? "quorate: " : "no quorum: ") + votes + ", tie " + (won ? "won" : "lost") + " on "
                            + d.describe();
                } catch (RuntimeException e) {
                    result = Quorum.NOT_QUORATE;
                    decided = "no quorum: " + votes + ", tie-break failed: " + e.getMessage();
                }
                Quorum r = result;
                String t = decided;
                host.post(() -> {
                    if (view == v) {
                        byTie = r == Quorum.QUORATE;
                    }
                    set(v, r, t);
                });
            });
        } else {
            set(
                    v,
                    Quorum.NOT_QUORATE,
                    "no quorum: " + votes + (votes.isTie() ? " and no quorum device to break the tie" : ""));
        }
    }

    @SuppressWarnings("ReferenceEquality") // identity: is {@code forView} still the current view?
    private void set(View forView, Quorum now, String newText) {
        if (view != forView) {
            return; // decided for a view that is gone
        }
        Quorum previous = state;
        state = now;
        text = newText;
        host.decided(forView, previous, now, newText);
    }

    /**
     * Gives every start in {@code actions} a fresh epoch from the device (none without a device);
     * completes on the event thread, exceptionally if the device fails.
     */
    CompletableFuture<List<Action>> stampEpochs(List<Action> actions) {
        CompletableFuture<List<Action>> result = new CompletableFuture<>();
        if (device.isEmpty() || actions.stream().noneMatch(a -> a.type() == ActionType.START)) {
            result.complete(actions);
            return result;
        }
        QuorumDevice d = device.get();
        deviceCalls.execute(() -> {
            try {
                List<Action> stamped = new ArrayList<>();
                for (Action a : actions) {
                    stamped.add(a.type() == ActionType.START ? a.withEpoch(d.nextEpoch(a.resource())) : a);
                }
                host.post(() -> result.complete(stamped));
            } catch (RuntimeException e) {
                host.post(() -> result.completeExceptionally(e));
            }
        });
        return result;
    }
}
