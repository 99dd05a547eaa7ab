package dev.toolgate.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The policy directory of a test class's gateway ({@code toolgate.policy.dir}): a fresh directory
 * per class, and policy files written whole (a temporary file moved into place), so the gateway
 * never reads half a file.
 */
public final class PolicyFiles {
    private PolicyFiles() {
    }

    /** A new, empty directory under the system's temporary folder. */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code <name>.yaml} in {@code dir}: a tenant's file, or {@code _all} for every tenant. */
    /**
     * A new directory whose shared policy allows every agent the {@code desk.*} tools and holds
     * {@code desk.create_case} with {@code priority: high} for a human's confirmation.
     */
    public static Path deskWithUrgentCasesConfirmed(String prefix) {
        Path dir = newDirectory(prefix);
        write(dir, "_all", """
                rules:
                  - id: cases
                    effect: allow
                    tools: ["desk.*"]
                    agents: ["*"]
                  - id: urgent-cases-need-a-human
                    effect: allow
                    tools: [desk.create_case]
                    agents: ["*"]
                    when: args.priority == "high"
                    confirm: true
                """);
        return dir;
    }

    public static void write(Path dir, String name, String yaml) {
        try {
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.writeString(tmp, yaml);
            Files.move(tmp, dir.resolve(name + ".yaml"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code <name>.yaml} from {@code dir}, if it is there. */
    public static void delete(Path dir, String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
