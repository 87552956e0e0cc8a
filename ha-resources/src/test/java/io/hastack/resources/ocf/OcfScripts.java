package io.hastack.resources.ocf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Test OCF agents: shell scripts written into a private OCF root. */
final class OcfScripts {
    private OcfScripts() {}

    /**
     * Writes the executable agent {@code <root>/resource.d/test/<name>}: {@code body} after a
     * {@code #!/bin/sh} line.
     */
    static Path write(Path root, String name, String body) throws IOException {
        Path file = Files.createDirectories(root.resolve("resource.d/test")).resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
