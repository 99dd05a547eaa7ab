package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP TypeScript SDK client ({@code examples/mcp/sdk-client.mjs}, on
 * {@code @modelcontextprotocol/sdk}) run against an MCP endpoint, one scenario per run.
 */
public final class McpSdkClient {
    private static final Path SCRIPT = McpReferenceServer.TOOLS.resolve("sdk-client.mjs");

    /** How the run ended and the JSON line it printed (with {@code clientError} when the SDK threw). */
    public record Run(int exit, String out, JsonNode json) {
    }

    private McpSdkClient() {
    }

    public static Run run(String url, String key, String... args) throws Exception {
        assertThat(McpReferenceServer.TOOLS.resolve("node_modules/@modelcontextprotocol/sdk")).as("the MCP SDK is"
                + " missing: run the tests with ./toolgate test (it installs examples/mcp)").exists();
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString(), url, key));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("mcp-sdk-client", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(McpReferenceServer.TOOLS.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            JsonNode json = null;
            for (String line : text.split("\n")) {
                if (line.startsWith("{")) {
                    json = new ObjectMapper().readTree(line);
                }
            }
            return new Run(p.exitValue(), text, json);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
