package io.hastack.core.quorum;

import io.hastack.core.internal.AtomicFiles;
import io.hastack.core.internal.TieRule;
import io.hastack.core.model.NodeId;
import io.hastack.core.model.ResourceId;
import io.hastack.core.spi.quorum.ClaimTooLateException;
import io.hastack.core.spi.quorum.QuorumDevice;
import io.hastack.core.spi.quorum.QuorumDeviceException;
import io.hastack.core.spi.quorum.TieClaim;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A {@link QuorumDevice} on a directory every node can write, as SBD uses a shared disk: one file
 * ({@code quorum-device}) holds the winning partition and the epochs. Every update holds an
 * exclusive lock on a second file ({@code quorum-device.lock}), and a lock within the JVM, since
 * file locks do not exclude threads of one process; it writes the new state to a copy, forces it to
 * storage and renames it over the old one, so the state is never seen empty or half written, even
 * when the caller is interrupted or the machine loses power halfway.
 *
 * <p>Suits nodes on one host (the demo, tests) and storage with working POSIX locks between hosts.
 * It has no timeout of its own: storage that hangs makes calls hang, which the runtime tolerates
 * (quorum stays undecided, nothing starts).
 */
public final class FileQuorumDevice implements QuorumDevice {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    /** Locked for every update; never replaced (the state file is, by a rename). */
    private final Path lockFile;

    /**
     * A device whose state lives in {@code directory}/{@code quorum-device} (created if needed).
     *
     * @throws QuorumDeviceException if the directory cannot be created
     */
    public FileQuorumDevice(Path directory) {
        try {
            Files.createDirectories(directory);
            this.file = directory.resolve("quorum-device").toAbsolutePath().normalize();
            this.lockFile = file.resolveSibling("quorum-device.lock");
        } catch (IOException e) {
            throw new QuorumDeviceException("cannot use " + directory + " for a quorum device: " + e, e);
        }
    }

    /** The state: the winning partition (empty until first recorded) and the last epoch per resource. */
    private record State(Set<NodeId> winner, Map<ResourceId, Long> epochs) {}

    @Override
    public boolean claimTie(Set<NodeId> partition) {
        return update(state -> {
            if (state.winner().isEmpty()) {
                return new Outcome<>(true, new State(partition, state.epochs()));
            }
            return switch (TieRule.decide(state.winner(), partition)) {
                case HOLDS -> new Outcome<>(true, null);
                case LOSES -> new Outcome<>(false, null);
                case TAKE -> new Outcome<>(true, new State(partition, state.epochs()));
            };
        });
    }

    /** The claim and its epochs in one update: one durable write. */
    @Override
    public TieClaim claimTieTakingEpochs(Set<NodeId> partition, Set<ResourceId> resources) {
        return update(state -> claimOutcome(state, partition, resources));
    }

    /**
     * The claim (and its epochs, if any) in one update, asking {@code inTime} under the lock, after
     * the read, unless the claim loses: nothing else can change the winner until the write.
     */
    @Override
    public TieClaim claimTieInTime(Set<NodeId> partition, Set<ResourceId> resources, BooleanSupplier inTime) {
        return update(state -> {
            Outcome<TieClaim> outcome = claimOutcome(state, partition, resources);
            if (outcome.result().held() && !inTime.getAsBoolean()) {
                throw new ClaimTooLateException("the claim for " + partition + " on " + describe()
                        + " was no longer in time once the device was read; nothing written");
            }
            return outcome;
        });
    }

    /**
     * Takes the lock, reads the file and decides a claim with epochs as {@link
     * #claimTieTakingEpochs} does, formatting the state it would write, and writes nothing.
     */
    @Override
    public void warmUp(Set<NodeId> partition, Set<ResourceId> resources) {
        try {
            update(state -> {
                Outcome<TieClaim> claim = claimOutcome(state, partition, resources);
                if (claim.next() != null) {
                    String unused = format(claim.next());
                }
                return new Outcome<>(null, null);
            });
        } catch (QuorumDeviceException e) {
            // nothing was written; the real claim reports the same failure
        }
    }

    private static Outcome<TieClaim> claimOutcome(State state, Set<NodeId> partition, Set<ResourceId> resources) {
        boolean empty = state.winner().isEmpty();
        TieRule.Decision decision = empty ? TieRule.Decision.TAKE : TieRule.decide(state.winner(), partition);
        if (decision == TieRule.Decision.LOSES) {
            return new Outcome<>(TieClaim.LOST, null);
        }
        if (resources.isEmpty() && decision == TieRule.Decision.HOLDS) {
            return new Outcome<>(TieClaim.held(Map.of()), null);
        }
        Map<ResourceId, Long> epochs = new TreeMap<>(state.epochs());
        Map<ResourceId, Long> taken = new TreeMap<>();
        for (ResourceId r : resources) {
            long next = epochs.getOrDefault(r, 0L) + 1;
            epochs.put(r, next);
            taken.put(r, next);
        }
        Set<NodeId> winner = decision == TieRule.Decision.TAKE ? partition : state.winner();
        return new Outcome<>(TieClaim.held(taken), new State(winner, epochs));
    }

    @Override
    public void recordMajority(Set<NodeId> partition) {
        update(state ->
                new Outcome<>(null, state.winner().equals(partition) ? null : new State(partition, state.epochs())));
    }

    @Override
    public long nextEpoch(ResourceId resource) {
        return update(state -> {
            long next = state.epochs().getOrDefault(resource, 0L) + 1;
            Map<ResourceId, Long> epochs = new TreeMap<>(state.epochs());
            epochs.put(resource, next);
            return new Outcome<>(next, new State(state.winner(), epochs));
        });
    }

    /** All in one update: one durable write for the whole plan. */
    @Override
    public List<Long> nextEpochs(List<ResourceId> resources) {
        if (resources.isEmpty()) {
            return List.of();
        }
        return update(state -> {
            Map<ResourceId, Long> epochs = new TreeMap<>(state.epochs());
            List<Long> taken = new ArrayList<>(resources.size());
            for (ResourceId r : resources) {
                long next = epochs.getOrDefault(r, 0L) + 1;
                epochs.put(r, next);
                taken.add(next);
            }
            return new Outcome<>(List.copyOf(taken), new State(state.winner(), epochs));
        });
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    /** What an update returns, and the new state to write (null: unchanged). */
    private record Outcome<T>(T result, State next) {}

    @SuppressWarnings("try") // the file lock is held by the try, not used in it
    private <T> T update(Function<State, Outcome<T>> change) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            Outcome<T> outcome = change.apply(read());
            if (outcome.next() != null) {
                AtomicFiles.replace(file, format(outcome.next()));
            }
            return outcome.result();
        } catch (ClaimTooLateException e) {
            throw e; // nothing written
        } catch (IOException | RuntimeException e) {
            throw new QuorumDeviceException("quorum device " + file + ": " + e, e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** The state in the file; empty if the file was never written. */
    private State read() throws IOException {
        if (!Files.exists(file)) {
            return new State(Set.of(), Map.of());
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            // Never empty once written (AtomicFiles): the winner and the epochs were lost, and handing
            // out epochs from 1 again could let an old copy of a resource pass its epoch guard.
            throw new IllegalStateException("the file is empty, so the winning partition and the epochs it held are"
                    + " lost; refusing to hand out epochs that may repeat (restore the file, or remove it once every"
                    + " resource is stopped everywhere)");
        }
        return parse(text);
    }

    private State parse(String text) {
        Set<NodeId> winner = new TreeSet<>();
        Map<ResourceId, Long> epochs = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("winner=")) {
                String list = line.substring("winner=".length());
                for (String n : list.isEmpty() ? new String[0] : list.split(",")) {
                    winner.add(NodeId.of(n));
                }
            } else if (line.startsWith("epoch.")) {
                int eq = line.indexOf('=');
                epochs.put(
                        ResourceId.of(line.substring("epoch.".length(), eq)), Long.parseLong(line.substring(eq + 1)));
            } else if (!line.isBlank()) {
                throw new IllegalStateException("unexpected line '" + line + "'");
            }
        }
        return new State(winner, epochs);
    }

    private static String format(State state) {
        StringBuilder sb = new StringBuilder("winner=");
        sb.append(String.join(
                        ",",
                        new TreeSet<>(state.winner())
                                .stream().map(NodeId::value).toList()))
                .append('\n');
        state.epochs()
                .forEach((r, e) ->
                        sb.append("epoch.").append(r).append('=').append(e).append('\n'));
        return sb.toString();
    }
}
