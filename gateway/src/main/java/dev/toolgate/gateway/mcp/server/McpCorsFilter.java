package dev.toolgate.gateway.mcp.server;

import dev.toolgate.gateway.execution.mcp.McpProperties;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.annotation.PreMatching;
import io.micronaut.http.server.cors.CorsFilter;
import io.micronaut.http.server.util.HttpHostResolver;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.resource.StaticResourceResolver;
import java.util.Set;

/**
 * CORS: for {@code /mcp} by {@code toolgate.mcp.allowed-origins}, elsewhere Micronaut's own
 * {@link CorsFilter} (which this replaces and delegates to). Micronaut's filter, with no CORS
 * configured, refuses every browser preflight and — on a loopback address — every request from
 * another origin, so an allowed origin could never reach {@code /mcp}. Here a page on an allowed
 * origin gets its preflight answered (it may send the key, the session and version headers) and the
 * headers that let it read the answers (session id, {@code WWW-Authenticate}); another origin's
 * preflight is 403 without CORS headers and its requests stay refused by the endpoint (403
 * {@code ORIGIN_NOT_ALLOWED}). Requests without {@code Origin} pass untouched. Thread-safe.
 */
@Replaces(CorsFilter.class)
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class McpCorsFilter implements Ordered {
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id,"
            + " MCP-Protocol-Version, Last-Event-ID, traceparent, tracestate";
    private static final String EXPOSED_HEADERS = "Mcp-Session-Id, WWW-Authenticate, Retry-After";
    private final Set<String> allowedOrigins;
    private final CorsFilter others;

    McpCorsFilter(McpProperties config, HttpServerConfiguration.CorsConfiguration cors,
            StaticResourceResolver resources, Router router, HttpHostResolver hosts) {
        this.allowedOrigins = Set.copyOf(config.allowedOrigins().stream().filter(o -> !o.isBlank()).toList());
        this.others = new CorsFilter(cors, resources, router, hosts);
    }

    private static boolean isMcp(HttpRequest<?> request) {
        String path = request.getPath();
        return path.equals("/mcp") || path.startsWith("/mcp/");
    }

    /** A preflight ({@code OPTIONS} from a browser), answered before any route. */
    @PreMatching
    @RequestFilter
    @Nullable
    public HttpResponse<?> preflight(HttpRequest<?> request) {
        if (!isMcp(request)) {
            return others.isEnabled(request) ? others.filterPreFlightRequest(request) : null;
        }
        if (request.getMethod() != HttpMethod.OPTIONS) {
            return null;
        }
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin == null || !allowedOrigins.contains(origin)) {
            return McpEndpoint.problem(HttpStatus.FORBIDDEN, origin == null ? "OPTIONS is a CORS preflight: name the"
                    + " Origin" : "origin '" + origin + "' is not allowed (toolgate.mcp.allowed-origins)");
        }
        return HttpResponse.noContent()
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE, OPTIONS")
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
                .header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    }

    /** Other paths: Micronaut's checks; {@code /mcp} checks the origin itself. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> request(HttpRequest<?> request) {
        return !isMcp(request) && others.isEnabled(request) ? others.filterRequest(request) : null;
    }

    /** Lets a page on an allowed origin read the answer (also a 401 or 429, so it can act on them). */
    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!isMcp(request)) {
            if (others.isEnabled(request)) {
                others.filterResponse(request, response);
            }
            return;
        }
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin != null && allowedOrigins.contains(origin)
                && !response.getHeaders().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS)
                    .header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
    }

    @Override
    public int getOrder() {
        return CorsFilter.CORS_FILTER_ORDER;
    }
}
