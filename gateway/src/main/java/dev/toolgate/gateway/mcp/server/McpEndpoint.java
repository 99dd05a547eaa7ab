package dev.toolgate.gateway.mcp.server;

import dev.toolgate.gateway.execution.mcp.McpProperties;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
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
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;
import java.util.Set;

/**
 * {@code /mcp} on the HTTP port: Toolgate's tools for MCP clients over Streamable HTTP, in its
 * stateless form — each POST carries one JSON-RPC message and gets its answer as JSON (or, for a
 * call that asks the user, a stream of messages ending with it); sessions are signed tokens, not
 * server state (DELETE answers 405); a GET opens the stream of {@code tools/list_changed}
 * notifications (bounded per key and tenant, see {@link McpStreams}). Every request is
 * authenticated with a Toolgate API key ({@code Authorization: Bearer tg_…}); a request that
 * comes from a browser page ({@code Origin}) is refused unless that origin is allowed.
 */
@Controller("/mcp")
public class McpEndpoint {
    private static final int MAX_BODY_CHARS = 4 * 1024 * 1024;
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final Duration KEEPALIVE = Duration.ofSeconds(30);
    private final reactor.core.publisher.Sinks.Empty<Void> shutdown = reactor.core.publisher.Sinks.empty();
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
    private final McpStreams streams;
    private final Set<String> allowedOrigins;
    private final Duration maxStreamAge;

    public McpEndpoint(Authenticator authenticator, McpServerProtocol protocol, McpStreams streams,
            McpProperties config) {
        List<String> allowedOrigins = config.allowedOrigins();
        this.streams = requireNonNull(streams, "streams");
        this.maxStreamAge = config.maxStreamAge();
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.protocol = requireNonNull(protocol, "protocol");
        this.allowedOrigins = Set.copyOf(allowedOrigins.stream().filter(o -> !o.isBlank()).toList());
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> post(HttpRequest<?> request, @Body String body) {
        return answer(request, body);
    }

    private HttpResponse<?> answer(HttpRequest<?> request, String body) {
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
            principal = authenticate(request);
        } catch (GatewayException e) {
            return failure(e);
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.getHeaders(), HEADERS);
        try (Scope ignored = parent.makeCurrent()) {
            McpServerProtocol.Reply reply = protocol.handle(principal, body,
                    Optional.ofNullable(request.getHeaders().get(SESSION_HEADER)), Optional.ofNullable(version));
            if (reply.stream().isPresent()) { // messages for the client, then the answer
                MutableHttpResponse<Flux<Event<String>>> streamed = HttpResponse.ok(reply.stream().get()
                        .takeUntilOther(shutdown.asMono()).map(Event::of));
                return streamed.contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
            }
            MutableHttpResponse<String> response = HttpResponse.status(HttpStatus.valueOf(reply.status()));
            reply.sessionId().ifPresent(id -> response.header(SESSION_HEADER, id));
            return reply.json().map(json -> response.body(json).contentType(MediaType.APPLICATION_JSON_TYPE))
                    .orElse(response);
        } catch (GatewayException e) {
            return failure(e);
        }
    }

    /**
     * The server-to-client stream: {@code notifications/tools/list_changed} whenever what this
     * agent's {@code tools/list} holds changes (a tool added, changed or removed, or the policy
     * showing or hiding one). It holds no session: any instance can serve it, as it watches the
     * shared catalog and the policy every {@code toolgate.mcp.notify-interval}. A key past its
     * stream limit gets 429 with a JSON-RPC error; a revoked key's streams end.
     */
    @Get(produces = MediaType.TEXT_EVENT_STREAM)
    @ExecuteOn(TaskExecutors.BLOCKING) // authentication and the first fingerprint read the database
    public HttpResponse<?> stream(HttpRequest<?> request) {
        return openStream(request);
    }

    private HttpResponse<?> openStream(HttpRequest<?> request) {
        String accept = request.getHeaders().get(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains(MediaType.TEXT_EVENT_STREAM)) {
            return notAllowed(); // what the protocol asks of a server that offers no stream to this request
        }
        Principal principal;
        String baseline;
        try {
            principal = authenticate(request);
            baseline = protocol.toolsFingerprint(principal); // refuses keys that cannot list tools
            String session = request.getHeaders().get(SESSION_HEADER);
            if (session != null && !protocol.knowsSession(session, principal)) {
                return problem(HttpStatus.NOT_FOUND, "no such session for this key; send initialize again");
            }
        } catch (GatewayException e) {
            return failure(e);
        }
        McpStreams.Admitted admitted;
        switch (streams.open(principal, baseline)) {
            case McpStreams.Refused refused -> {
                return tooManyStreams(refused.message());
            }
            case McpStreams.Admitted a -> admitted = a;
        }
        // a ping at once (so the client gets the response headers) and every 30 s (so a stream whose
        // client went away is noticed and dropped); the client answers pings with a POST. The event id is
        // the fingerprint of the tool list the client was told of: a client that reopens the stream with
        // it (Last-Event-ID) hears list_changed at once when the list changed while it had no stream
        Flux<Event<String>> pings = Flux.interval(Duration.ZERO, KEEPALIVE)
                .onBackpressureDrop()
                .map(n -> {
                    Event<String> ping = Event.of(McpServerProtocol.ping("toolgate-ping-" + n));
                    return n == 0 ? ping.id(baseline) : ping;
                });
        String lastSeen = request.getHeaders().get("Last-Event-ID");
        Flux<Event<String>> missed = lastSeen != null && !lastSeen.equals(baseline)
                ? Flux.just(Event.of(McpServerProtocol.listChanged()).id(baseline)) : Flux.empty();
        Flux<Event<String>> changes = admitted.changes()
                .map(fingerprint -> Event.of(McpServerProtocol.listChanged()).id(fingerprint));
        Flux<Event<String>> notes = admitted.notifications().map(Event::of);
        Flux<Event<String>> stream = Flux.concat(pings.take(1), missed, Flux.merge(pings.skip(1), changes, notes))
                .take(maxStreamAge) // clients open a new one, as Streamable HTTP expects
                .takeUntilOther(shutdown.asMono())
                .takeUntilOther(admitted.revoked())
                .doFinally(signal -> admitted.release().run());
        return HttpResponse.ok(stream).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    /** Ends the open streams when the gateway stops. */
    @jakarta.annotation.PreDestroy
    void closeStreams() {
        shutdown.tryEmitEmpty();
    }

    /** No sessions to end. */
    @Delete
    public HttpResponse<?> delete(HttpRequest<?> request) {
        return notAllowed();
    }

    private Principal authenticate(HttpRequest<?> request) {
        String origin = request.getHeaders().get("Origin");
        if (origin != null && !allowedOrigins.contains(origin)) {
            throw GatewayException.permissionDenied("ORIGIN_NOT_ALLOWED", "origin '" + origin
                    + "' is not allowed (toolgate.mcp.allowed-origins)");
        }
        return authenticator.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION),
                request.getRemoteAddress().getAddress());
    }

    private static HttpResponse<String> notAllowed() {
        return HttpResponse.<String>status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST");
    }

    private static HttpResponse<String> failure(GatewayException e) {
        HttpStatus status = switch (e.code()) {
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case PERMISSION_DENIED, NOT_FOUND -> HttpStatus.FORBIDDEN;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
            default -> HttpStatus.BAD_REQUEST;
        };
        ObjectNode body = problemBody(status, e.getMessage());
        body.put("reason", e.reason());
        MutableHttpResponse<String> response = HttpResponse.<String>status(status).body(body.toString())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"toolgate\"");
        }
        e.retryAfter().ifPresent(after -> response.header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, after.toSeconds()))));
        return response;
    }

    /** 429 with a JSON-RPC error (no id: it answers no message) whose {@code data.reason} is {@code TOO_MANY_STREAMS}. */
    private static HttpResponse<String> tooManyStreams(String message) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("jsonrpc", "2.0");
        body.putNull("id");
        ObjectNode error = body.putObject("error");
        error.put("code", -32000);
        error.put("message", message);
        error.putObject("data").put("reason", "TOO_MANY_STREAMS");
        return HttpResponse.<String>status(HttpStatus.TOO_MANY_REQUESTS).body(body.toString())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    static HttpResponse<String> problem(HttpStatus status, String message) {
        return HttpResponse.<String>status(status).body(problemBody(status, message).toString())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static ObjectNode problemBody(HttpStatus status, String message) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("error", status == HttpStatus.UNAUTHORIZED ? "unauthorized" : status.getReason().toLowerCase());
        body.put("message", message);
        return body;
    }
}
