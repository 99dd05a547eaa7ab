package dev.toolgate.gateway.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo's policy directory. Run from a checkout, it is {@code examples/policies} itself, so
 * that editing a file there changes the running demo's decisions; anywhere else, the copy
 * bundled in the jar is written to {@code <data-dir>/demo-policies} (refreshed at each start).
 */
public final class DemoPolicies {
    /** The bundled files (examples/policies, top level). */
    static final List<String> FILES = List.of("_all.yaml", "_all_test.yaml", "demo.yaml", "demo_test.yaml");
    private static final Path CHECKOUT = Path.of("examples", "policies");

    private DemoPolicies() {
    }

    /** The directory the demo should load its policies from. */
    public static Path directory(Path dataDir) {
        if (Files.isRegularFile(CHECKOUT.resolve("demo.yaml"))) {
            return CHECKOUT.toAbsolutePath().normalize();
        }
        return extract(dataDir.resolve("demo-policies"));
    }

    /** Writes the bundled policy files into {@code dir} and returns it. */
    public static Path extract(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String name : FILES) {
                try (InputStream in = DemoPolicies.class.getResourceAsStream("/demo/policies/" + name)) {
                    if (in != null) {
                        Path tmp = dir.resolve("." + name + ".tmp");
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            return dir.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo policies to " + dir, e);
        }
    }
}
