package io.hastack.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces small files atomically and durably: the new text goes to {@code <name>.new}, is forced
 * to storage and renamed over the file, then the directory is forced. A caller that is interrupted
 * (which closes its channel) or a machine that loses power halfway leaves the old content or the
 * new one, never an empty or partial file. Callers that may race must hold a lock of their own.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Makes {@code text} (UTF-8) the content of {@code file}.
     *
     * @throws IOException if it could not be written; the file then holds its old content
     */
    public static void replace(Path file, String text) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(
                copy, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path directory = file.toAbsolutePath().getParent();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true); // makes the rename itself durable
        }
    }
}
