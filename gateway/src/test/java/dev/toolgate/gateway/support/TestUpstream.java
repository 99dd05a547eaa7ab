package dev.toolgate.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP upstream on 127.0.0.1 for tests: routes by path prefix to scripted responses
 * and records every request it receives.
 */
public final class TestUpstream implements AutoCloseable {
    /** One received request. */
    public record Exchange(String method, String uri, Map<String, List<String>> headers, String body,
            long receivedNanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** A scripted reply; {@code delayMillis} before the headers are sent. */
    public record Reply(int status, String contentType, String body, long delayMillis, Map<String, String> headers) {
        public Reply(int status, String contentType, String body, long delayMillis) {
            this(status, contentType, body, delayMillis, Map.of());
        }

        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body, 0);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> more = new java.util.HashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, delayMillis, Map.copyOf(more));
        }
    }

    @FunctionalInterface
    public interface Route {
        Reply reply(Exchange request);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    private TestUpstream(HttpServer server) {
        this.server = server;
    }

    public static TestUpstream start() throws IOException {
        return startOn(InetAddress.getLoopbackAddress(), 0);
    }

    /** An upstream on the given local address and port (0: a free one). */
    public static TestUpstream startOn(InetAddress address, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
        TestUpstream upstream = new TestUpstream(server);
        server.createContext("/", upstream::handle);
        server.setExecutor(upstream.executor);
        server.start();
        return upstream;
    }

    public TestUpstream route(String pathPrefix, Route route) {
        routes.put(pathPrefix, route);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    public List<Exchange> exchangesTo(String pathPrefix) {
        return exchanges.stream().filter(e -> e.uri().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Exchange request = new Exchange(ex.getRequestMethod(), ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()),
                    Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime());
            exchanges.add(request);
            Route route = routes.entrySet().stream()
                    .filter(e -> request.uri().startsWith(e.getKey()))
                    .max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
                    .map(Map.Entry::getValue)
                    .orElse(r -> Reply.json(404, "{\"error\":\"no route\"}"));
            Reply reply = route.reply(request);
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            if (!reply.contentType().isEmpty()) {
                ex.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the gateway gave up (timeout): nothing to answer
        }
    }
}
