package io.hastack.server.config;

import io.hastack.core.internal.AtomicFiles;
import io.hastack.core.model.VersionedConfig;
import io.hastack.core.spi.config.ConfigStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps each configuration version a node takes in the node's own configuration file ({@link
 * ConfigWriter}), replaced atomically, so that the node starts from it next time; a version
 * discarded as changed apart is kept beside it as {@code <file>.discarded-v<version>-<hash>}.
 */
public final class FileConfigStore implements ConfigStore {
    private final Path file;

    /** A store in {@code file}, the configuration file the node was started from. */
    public FileConfigStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public void save(VersionedConfig config) {
        write(file, config);
    }

    @Override
    public void discarded(VersionedConfig lost, VersionedConfig winner) {
        write(file.resolveSibling(file.getFileName() + ".discarded-v" + lost.version() + "-" + lost.hash()), lost);
    }

    private void write(Path target, VersionedConfig config) {
        try {
            String original = Files.readString(file, StandardCharsets.UTF_8);
            AtomicFiles.replace(target, ConfigWriter.render(file.toString(), original, config, file.getParent()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write configuration " + config + " to " + target, e);
        }
    }

    @Override
    public String toString() {
        return "configuration file " + file;
    }
}
