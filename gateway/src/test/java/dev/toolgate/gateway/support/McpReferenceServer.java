package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

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
    private ServerProcess process;

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
        ProcessBuilder pb = new ProcessBuilder("node", SERVER.toString(), "streamableHttp").directory(TOOLS.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        process = ServerProcess.start(pb, "listening on port", "the MCP reference server on port " + port,
                Duration.ofSeconds(30));
    }

    /** Stops the server (its sessions are gone with it). */
    public synchronized void down() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    @Override
    public void close() {
        down();
    }
}
