package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code examples/mcp/changing-tools.mjs}: a real MCP server (the official TypeScript SDK) over
 * Streamable HTTP whose tool {@code forecast} changes its description, output schema or answer
 * when told to ({@link #control}).
 */
public final class ChangingMcpServer implements AutoCloseable {
    private static final Path SERVER = McpReferenceServer.TOOLS.resolve("changing-tools.mjs");
    private final int port;
    private final Process process;

    private ChangingMcpServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static ChangingMcpServer start() {
        return start(Ports.free());
    }

    private static ChangingMcpServer start(int port) {
        assertThat(McpReferenceServer.TOOLS.resolve("node_modules/@modelcontextprotocol/sdk")).as("the MCP SDK is"
                + " missing: run the tests with ./toolgate test (it installs examples/mcp)").exists();
        try {
            ProcessBuilder pb = new ProcessBuilder("node", SERVER.toString()).directory(McpReferenceServer.TOOLS.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("PORT", String.valueOf(port));
            Process p = pb.start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread.ofVirtual().name("mcp-changing-log").start(() -> {
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
            try {
                ready.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException("changing-tools.mjs did not start on port " + port, e);
            }
            return new ChangingMcpServer(port, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Replaces what {@code forecast} declares or answers: {@code description}, {@code outputSchema}, {@code result}. */
    public void control(String json) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/control")).timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the server saw: {@code {"cancelled": [notifications/cancelled params…], "slowCalls": n}}. */
    public String seen() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/control")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and starts it again on the same port (its state starts afresh). */
    public ChangingMcpServer restart() {
        close();
        return start(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
