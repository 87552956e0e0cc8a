package io.hastack.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches, every 5 ms, the demo's worker processes ({@code sleep 86400}, started by the process
 * agent) below each node JVM, and records every moment at which more than one runs. A killed worker
 * of a frozen JVM stays a zombie until its parent reaps it; a zombie runs nothing and is not
 * counted.
 */
final class ProcessWitness implements AutoCloseable {
    private final List<NodeProcess> nodes;
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicInteger samples = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread;

    ProcessWitness(List<NodeProcess> nodes) {
        this.nodes = List.copyOf(nodes);
        this.thread = new Thread(this::loop, "process-witness");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The live workers below each node now, by node. */
    Map<String, List<Long>> workers() {
        Map<String, List<Long>> live = new TreeMap<>();
        for (NodeProcess n : nodes) {
            List<Long> pids = new ArrayList<>();
            ProcessHandle.of(n.pid())
                    .ifPresent(h -> h.descendants()
                            .filter(p -> p.info()
                                    .commandLine()
                                    .map(c -> c.contains("sleep 86400"))
                                    .orElse(false))
                            .filter(p -> running(p.pid()))
                            .forEach(p -> pids.add(p.pid())));
            if (!pids.isEmpty()) {
                live.put(n.name(), pids);
            }
        }
        return live;
    }

    /** Every sampled moment at which two or more workers ran, as text; empty if none. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** How many samples were taken. */
    int samples() {
        return samples.get();
    }

    private void loop() {
        while (running) {
            Map<String, List<Long>> live = workers();
            if (live.values().stream().mapToInt(List::size).sum() > 1) {
                overlaps.add(System.currentTimeMillis() + " ms: " + live);
            }
            samples.incrementAndGet();
            LockSupport.parkNanos(5_000_000L);
        }
    }

    /** False for a process that is gone or a zombie (state Z or X in /proc/PID/stat). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
