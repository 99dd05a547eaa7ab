package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The MCP reference server ({@code @modelcontextprotocol/server-everything}, from
 * {@code examples/mcp}) over Streamable HTTP on a port of its own; it can be stopped and started
 * again on the same port, as a server restart.
 */
public final class McpReferenceServer implements AutoCloseable {
    public static final Path TOOLS = Path.of("..").toAbsolutePath().normalize().resolve("examples/mcp");
    private static final Path SERVER = TOOLS.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js");

    private final int port;
    private Process process;

    private McpReferenceServer(int port) {
        this.port = port;
    }

    public static McpReferenceServer start() {
        assertThat(SERVER).as("the MCP reference server is missing: run the tests with ./toolgate test"
                + " (it installs examples/mcp)").exists();
        McpReferenceServer server = new McpReferenceServer(Ports.free());
        server.up();
        return server;
    }

    /** Its Streamable HTTP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Starts the server and waits until it listens. */
    public synchronized void up() {
        try {
            ProcessBuilder pb = new ProcessBuilder("node", SERVER.toString(), "streamableHttp")
                    .directory(TOOLS.toFile()).redirectErrorStream(true);
            pb.environment().put("PORT", String.valueOf(port));
            process = pb.start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Process p = process;
            Thread.ofVirtual().name("mcp-everything-log").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.contains("listening on port")) {
                            ready.complete(null);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                } finally {
                    ready.completeExceptionally(new IllegalStateException("the MCP server exited before listening"));
                }
            });
            ready.get(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            down();
            throw new IllegalStateException("the MCP reference server did not start on port " + port, e);
        }
    }

    /** Stops the server (its sessions are gone with it). */
    public synchronized void down() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        down();
    }
}
