package dev.toolgate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The tiny upstream both sides of the comparison call: {@code GET|POST /echo} answers a small
 * JSON object after checking the bearer token, on 127.0.0.1.
 */
final class EchoUpstream implements AutoCloseable {
    private static final byte[] OK = "{\"ok\":true,\"source\":\"echo\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DENIED = "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String expectedAuthorization;

    private EchoUpstream(HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.expectedAuthorization = "Bearer " + token;
    }

    static EchoUpstream start(String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        EchoUpstream upstream = new EchoUpstream(server, executor, token);
        server.createContext("/echo", upstream::handle);
        server.setExecutor(executor);
        server.start();
        return upstream;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
            boolean ok = expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ok ? OK : DENIED;
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
