package dev.toolgate.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example upstream of the demo: the Support Desk API of
 * {@code examples/openapi/support-desk.yaml} on 127.0.0.1, requiring a bearer token.
 * {@code POST /support/cases} creates a case; {@code GET /support/cases/{case_id}} reads one.
 */
public final class SupportDeskUpstream implements AutoCloseable {
    private static final Set<String> PRIORITIES = Set.of("low", "medium", "high");

    private final HttpServer server;
    private final String token;
    private final AtomicInteger nextCase = new AtomicInteger(1);
    private final AtomicInteger authorizedRequests = new AtomicInteger();
    private final Map<String, ObjectNode> cases = new ConcurrentHashMap<>();

    private SupportDeskUpstream(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. The token is random per start. */
    public static SupportDeskUpstream start(int port) throws IOException {
        byte[] raw = new byte[24];
        Identifiers.random().nextBytes(raw);
        String token = "sd_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        SupportDeskUpstream upstream = new SupportDeskUpstream(server, token);
        server.createContext("/support/cases", upstream::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return upstream;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The bearer token this upstream accepts; the demo stores it as a secret. */
    public String token() {
        return token;
    }

    /** Requests that carried the right bearer token. */
    public int authorizedRequests() {
        return authorizedRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                    auth.getBytes(StandardCharsets.UTF_8))) {
                log(ex, 401, "missing or wrong bearer token");
                reply(ex, 401, error("unauthorized", "a valid bearer token is required"));
                return;
            }
            authorizedRequests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/support/cases") && method.equals("POST")) {
                create(ex);
            } else if (path.startsWith("/support/cases/") && method.equals("GET")) {
                ObjectNode found = cases.get(path.substring("/support/cases/".length()));
                int status = found == null ? 404 : 200;
                log(ex, status, "bearer token matched");
                reply(ex, status, found == null ? error("not_found", "no such case") : found);
            } else {
                log(ex, 405, "bearer token matched");
                reply(ex, 405, error("method_not_allowed", method + " " + path + " is not supported"));
            }
        }
    }

    private void create(HttpExchange ex) throws IOException {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
            body = JsonSupport.mapper().readTree(in.readNBytes(64 * 1024));
        } catch (IOException e) {
            reply(ex, 400, error("bad_request", "body must be JSON"));
            return;
        }
        String priority = body.path("priority").asText("");
        if (!body.path("customer_id").isTextual() || !body.path("summary").isTextual() || !PRIORITIES.contains(priority)) {
            log(ex, 422, "bearer token matched");
            reply(ex, 422, error("invalid_case", "customer_id, summary and priority (low|medium|high) are required"));
            return;
        }
        String id = "CASE-%06d".formatted(nextCase.getAndIncrement());
        ObjectNode created = JsonSupport.mapper().createObjectNode()
                .put("case_id", id)
                .put("status", "open")
                .put("customer_id", body.path("customer_id").asText())
                .put("summary", body.path("summary").asText())
                .put("priority", priority);
        cases.put(id, created);
        log(ex, 201, "bearer token matched");
        reply(ex, 201, created);
    }

    private static ObjectNode error(String code, String message) {
        return JsonSupport.mapper().createObjectNode().put("error", code).put("message", message);
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void log(HttpExchange ex, int status, String note) {
        System.out.println("support-desk: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " -> "
                + status + " (" + note + ")");
    }
}
