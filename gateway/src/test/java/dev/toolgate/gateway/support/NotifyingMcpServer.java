package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code examples/mcp/notifying-tools.mjs}: a real stateful MCP server (the official TypeScript
 * SDK) that announces changes of its tool list on each session's GET stream, and that the test
 * tells to change its tools, end its streams or refuse new ones ({@link #control}).
 */
public final class NotifyingMcpServer implements AutoCloseable {
    private static final Path SERVER = McpReferenceServer.TOOLS.resolve("notifying-tools.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int port;
    private final Map<String, String> env;
    private final ServerProcess process;

    private NotifyingMcpServer(int port, Map<String, String> env, ServerProcess process) {
        this.port = port;
        this.env = env;
        this.process = process;
    }

    /** With {@code tools} listed (comma-separated); {@code eventIds} false: its events carry no ids. */
    public static NotifyingMcpServer start(String tools, boolean eventIds) {
        return start(Ports.free(), Map.of("TOOLS", tools, "EVENT_IDS", eventIds ? "1" : "0"));
    }

    private static NotifyingMcpServer start(int port, Map<String, String> env) {
        assertThat(McpReferenceServer.TOOLS.resolve("node_modules/@modelcontextprotocol/sdk")).as("the MCP SDK is"
                + " missing: run the tests with ./toolgate test (it installs examples/mcp)").exists();
        ProcessBuilder pb = new ProcessBuilder("node", SERVER.toString()).directory(McpReferenceServer.TOOLS.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PORT", String.valueOf(port));
        return new NotifyingMcpServer(port, env, ServerProcess.start(pb, "listening on port", "notifying-tools.mjs",
                Duration.ofSeconds(30)));
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** {@code {"tools": [...]}}, {@code {"closeStreams": true}}, {@code {"refuseStreams": bool}}. */
    public void control(String json) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/control"))
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** {@code {"sessions": n, "openStreams": n, "gets": [{"status": s, "lastEventId": id|null}…], "tools": […]}}. */
    public JsonNode seen() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/control"))
                .GET());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and starts it again on the same port with {@code tools}: every session is gone. */
    public NotifyingMcpServer restart(String tools) {
        close();
        java.util.Map<String, String> next = new java.util.HashMap<>(env);
        next.put("TOOLS", tools);
        return start(port, Map.copyOf(next));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.stop();
    }
}
