package dev.toolgate.gateway.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What a reader's second shell needs to talk to a running demo, written by {@code toolgate demo} as
 * {@code <data-dir>/demo.env} (owner-only: it holds keys) for {@code . data/demo.env}: the gRPC address
 * ({@code TOOLGATE_ADDRESS}, read by the CLI and the example clients), the {@code /mcp} URL, the
 * bootstrap admin key when the demo generated it, the demo agent's key, and the Support Desk upstream's
 * URL and bearer token (for integrations of one's own pointed at it). Values are shell-quoted.
 *
 * @param adminKey null when the admin key came from the environment (the reader has it already)
 */
record DemoEnvironment(String address, String mcpUrl, String adminKey, String apiKey, String upstreamUrl,
        String upstreamToken) {
    static final String FILE = "demo.env";

    /** Writes the file into {@code dataDir} (replacing an earlier one at once) and returns its path. */
    static Path write(Path dataDir, DemoEnvironment env) {
        StringBuilder text = new StringBuilder("# written by `toolgate demo` at each start; load it with: . data/demo.env\n");
        line(text, "TOOLGATE_ADDRESS", env.address());
        line(text, "TOOLGATE_MCP_URL", env.mcpUrl());
        if (env.adminKey() != null) {
            line(text, "TOOLGATE_ADMIN_KEY", env.adminKey());
        }
        line(text, "TOOLGATE_API_KEY", env.apiKey());
        line(text, "TOOLGATE_DEMO_UPSTREAM_URL", env.upstreamUrl());
        line(text, "TOOLGATE_DEMO_UPSTREAM_TOKEN", env.upstreamToken());
        try {
            Files.createDirectories(dataDir);
            Path tmp = dataDir.resolve("." + FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Path file = dataDir.resolve(FILE);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path relative = Path.of("").toAbsolutePath().relativize(file.toAbsolutePath().normalize());
            return relative.startsWith("..") ? file.toAbsolutePath().normalize() : relative;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    private static void line(StringBuilder text, String name, String value) {
        text.append("export ").append(name).append("='").append(value.replace("'", "'\\''")).append("'\n");
    }
}
