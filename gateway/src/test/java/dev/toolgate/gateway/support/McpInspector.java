package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The official MCP Inspector CLI ({@code @modelcontextprotocol/inspector --cli}, from {@code examples/mcp}). */
public final class McpInspector {
    private static final Path INSPECTOR = McpReferenceServer.TOOLS.resolve("node_modules/.bin/mcp-inspector");

    /** What one run printed (stdout and stderr) and how it ended. */
    public record Run(int exit, String out) {
    }

    private McpInspector() {
    }

    /** Runs it against a Streamable HTTP endpoint, with {@code Authorization: Bearer key} unless key is null. */
    public static Run run(String url, String key, String... args) throws Exception {
        assertThat(INSPECTOR).as("the MCP Inspector is missing: run the tests with ./toolgate test").exists();
        List<String> command = new ArrayList<>(List.of(INSPECTOR.toString(), "--cli", url, "--transport", "http"));
        if (key != null) {
            command.addAll(List.of("--header", "Authorization: Bearer " + key));
        }
        command.addAll(List.of(args));
        java.nio.file.Path out = java.nio.file.Files.createTempFile("mcp-inspector", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(McpReferenceServer.TOOLS.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start(); // a file: no pipe to fill up
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Run(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }
}
