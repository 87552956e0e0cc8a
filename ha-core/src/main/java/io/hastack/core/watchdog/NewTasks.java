package io.hastack.core.watchdog;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Whether any process or thread was created since an earlier reading: Linux's {@code
 * /proc/sys/kernel/ns_last_pid} holds the id given last in the reader's pid namespace, and a
 * task created in that namespace or below it (a fork, a thread) takes a new one. While the mark
 * stays the same, a process joins the node's tree only in the rare ways {@code
 * docs/design/watchdog-walks.md} lists (ids wrapping after about {@code pid_max} creations, an id
 * chosen by a privileged process, an adoption by a pid-namespace init inside the tree), which the
 * watchdog's periodic walk covers; so most looks need not walk every process of the machine
 * (about one millisecond of CPU a look).
 */
final class NewTasks {
    /** Linux's last id handed out in this pid namespace (needs {@code CONFIG_CHECKPOINT_RESTORE}). */
    static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    private final Path file;

    NewTasks(Path file) {
        this.file = file;
    }

    /** The mark now, or -1 when the file cannot be read or does not hold a number. */
    long mark() {
        // One read: a sysctl file answers a read at a later offset with nothing.
        byte[] buf = new byte[32];
        int n;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            n = in.read(buf);
        } catch (IOException e) {
            return -1;
        }
        // Digits and a line end; read twice a second, so no regular expression.
        long value = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b >= '0' && b <= '9' && digits < 10) {
                value = value * 10 + (b - '0');
                digits++;
            } else if (b != '\n' || i != n - 1) {
                return -1;
            }
        }
        return digits > 0 ? value : -1;
    }

    /**
     * Starts {@code thread} and says whether the mark moved with it: false where the file is
     * missing, unreadable or does not follow creations (a sandbox that fakes it), and then the
     * watchdog looks every time.
     */
    boolean movesWith(Thread thread) {
        long before = mark();
        thread.start(); // returns once the thread exists, with its id
        long after = mark();
        return before >= 0 && after >= 0 && after != before;
    }
}
