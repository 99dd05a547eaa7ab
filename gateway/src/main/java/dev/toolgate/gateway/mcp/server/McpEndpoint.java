package dev.toolgate.gateway.mcp.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Set;

/**
 * {@code /mcp} on the HTTP port: Toolgate's tools for MCP clients over Streamable HTTP, in its
 * stateless form — each POST carries one JSON-RPC message and gets its answer as JSON; there is
 * no session and no server-to-client stream (GET and DELETE answer 405). Every request is
 * authenticated with a Toolgate API key ({@code Authorization: Bearer tg_…}); a request that
 * comes from a browser page ({@code Origin}) is refused unless that origin is allowed.
 */
@Controller("/mcp")
public class McpEndpoint {
    private static final int MAX_BODY_CHARS = 4 * 1024 * 1024;
    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Authenticator authenticator;
    private final McpServerProtocol protocol;
    private final Set<String> allowedOrigins;

    public McpEndpoint(Authenticator authenticator, McpServerProtocol protocol,
            @Value("${toolgate.mcp.allowed-origins:}") List<String> allowedOrigins) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.protocol = requireNonNull(protocol, "protocol");
        this.allowedOrigins = Set.copyOf(allowedOrigins.stream().filter(o -> !o.isBlank()).toList());
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> post(HttpRequest<?> request, @Body String body) {
        String origin = request.getHeaders().get("Origin");
        if (origin != null && !allowedOrigins.contains(origin)) {
            return problem(HttpStatus.FORBIDDEN, "origin '" + origin + "' is not allowed (toolgate.mcp.allowed-origins)");
        }
        String version = request.getHeaders().get("MCP-Protocol-Version");
        if (version != null && !McpServerProtocol.VERSIONS.contains(version)) {
            return problem(HttpStatus.BAD_REQUEST, "MCP protocol version '" + version + "' is not supported; supported: "
                    + McpServerProtocol.VERSIONS);
        }
        if (body == null || body.length() > MAX_BODY_CHARS) {
            return problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "a message may have at most " + MAX_BODY_CHARS
                    + " characters");
        }
        Principal principal;
        try {
            principal = authenticator.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        } catch (GatewayException e) {
            return failure(e);
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.getHeaders(), HEADERS);
        try (Scope ignored = parent.makeCurrent()) {
            McpServerProtocol.Reply reply = protocol.handle(principal, body);
            MutableHttpResponse<String> response = HttpResponse.status(HttpStatus.valueOf(reply.status()));
            return reply.json().map(json -> response.body(json).contentType(MediaType.APPLICATION_JSON_TYPE))
                    .orElse(response);
        } catch (GatewayException e) {
            return failure(e);
        }
    }

    /** No server-to-client stream: this server is stateless. */
    @Get
    public HttpResponse<String> get() {
        return notAllowed();
    }

    /** No sessions to end. */
    @Delete
    public HttpResponse<String> delete() {
        return notAllowed();
    }

    private static HttpResponse<String> notAllowed() {
        return HttpResponse.<String>status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST");
    }

    private static HttpResponse<String> failure(GatewayException e) {
        HttpStatus status = switch (e.code()) {
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case PERMISSION_DENIED, NOT_FOUND -> HttpStatus.FORBIDDEN;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.BAD_REQUEST;
        };
        MutableHttpResponse<String> response = (MutableHttpResponse<String>) problem(status, e.getMessage());
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"toolgate\"");
        }
        return response;
    }

    private static HttpResponse<String> problem(HttpStatus status, String message) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("error", status == HttpStatus.UNAUTHORIZED ? "unauthorized" : status.getReason().toLowerCase());
        body.put("message", message);
        return HttpResponse.<String>status(status).body(body.toString()).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
