package dev.toolgate.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the foreign programs the harness drives (h2load, nginx) on the PATH and the sbin directories. */
final class Tools {
    private Tools() {
    }

    static Optional<String> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    static String require(String name, String install) {
        return find(name).orElseThrow(() -> new IllegalStateException(
                name + " not found on the PATH; install it (Debian: " + install + ")"));
    }
}
