package dev.toolgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's class-data archive, started the way the launcher starts {@code serve}: the JVM
 * makes the archive when the gateway exits and loads it on later starts; one per JDK, and one
 * older than the jar is deleted first. On JDK 25+ the launcher's default is an AOT cache
 * ({@code .aot}: loaded and linked classes plus the first run's method profiles), before that a
 * dynamic AppCDS archive ({@code .jsa}); a path given by option picks the kind by its extension.
 */
final class ClassArchive {
    static final String OFF = "off";

    private ClassArchive() {
    }

    /** The archive the harness uses: {@code off}, a given path, or (empty) the launcher's beside the jar. */
    static Optional<Path> choose(String option, Path gatewayJar) {
        if (OFF.equals(option)) {
            return Optional.empty();
        }
        if (!option.isBlank()) {
            return Optional.of(Path.of(option));
        }
        Path dir = gatewayJar.toAbsolutePath().getParent();
        String kind = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";
        return Optional.of(dir.resolve("toolgate-serve-jdk" + System.getProperty("java.version") + kind));
    }

    /** The JVM options that use (or, when it does not exist yet, write at exit) the archive. */
    static List<String> jvmOptions(Optional<Path> archive) {
        return archive.map(a -> a.getFileName().toString().endsWith(".aot")
                ? List.of((Files.isRegularFile(a) ? "-XX:AOTCache=" : "-XX:AOTCacheOutput=") + a, "-Xlog:aot*=off",
                        "-Xlog:cds*=off")
                : List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + a, "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off")).orElse(List.of());
    }

    /**
     * Readies the archive for a start and says how the start uses it, for the results: {@code off};
     * {@code created} when there is none yet or it is older than the jar — it is then deleted,
     * because the JVM neither uses nor remakes an archive of other classes — and this start runs
     * without one and writes it at exit; else {@code reused}.
     */
    static String prepare(Optional<Path> archive, Path gatewayJar) throws IOException {
        if (archive.isEmpty()) {
            return OFF;
        }
        Path a = archive.get();
        if (!Files.isRegularFile(a)) {
            return "created";
        }
        if (Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(gatewayJar)) < 0) {
            Files.delete(a);
            return "created";
        }
        return "reused";
    }
}
