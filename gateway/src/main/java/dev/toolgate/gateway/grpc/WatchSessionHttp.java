package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.mcp.McpProperties;
import dev.toolgate.gateway.session.SessionWatches;
import dev.toolgate.proto.v1.SessionEvent;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * {@code GET /sessions/{session_id}/watch} on the HTTP port: WatchSession as Server-Sent Events, for
 * clients without gRPC (a chat UI's backend). Authenticated like {@code /mcp}: a Toolgate API key in
 * {@code Authorization: Bearer tg_…}, and a request from a browser page ({@code Origin}) only from
 * {@code toolgate.mcp.allowed-origins}. Each event's data is the {@link SessionEvent} in the proto3
 * JSON mapping (field names as in the .proto): events named {@code call}, one {@code caught_up} after
 * the calls so far, and a {@code ping} comment-like event every 30 s so a dead client is noticed. A
 * refusal before the stream starts is a JSON problem with the HTTP status of its gRPC code; an error
 * after it (a reader too slow) is an {@code error} event, then the stream ends.
 */
@Controller("/sessions")
public class WatchSessionHttp {
    private static final Duration KEEPALIVE = Duration.ofSeconds(30);
    private static final Event<String> END = Event.of("end");
    private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private final Authenticator authenticator;
    private final SessionWatches watches;
    private final Set<String> allowedOrigins;

    public WatchSessionHttp(Authenticator authenticator, SessionWatches watches, McpProperties mcp) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.watches = requireNonNull(watches, "watches");
        this.allowedOrigins = Set.copyOf(mcp.allowedOrigins().stream().filter(o -> !o.isBlank()).toList());
    }

    @Get(uri = "/{sessionId}/watch", produces = {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON})
    @ExecuteOn(TaskExecutors.BLOCKING) // authentication reads the database
    public HttpResponse<?> watch(HttpRequest<?> request, @PathVariable String sessionId) {
        Flux<SessionWatches.Update> updates;
        try {
            String origin = request.getHeaders().get("Origin");
            if (origin != null && !allowedOrigins.contains(origin)) {
                throw GatewayException.permissionDenied("ORIGIN_NOT_ALLOWED", "origin '" + origin
                        + "' is not allowed (toolgate.mcp.allowed-origins)");
            }
            Principal p = authenticator.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION),
                    request.getRemoteAddress().getAddress());
            updates = watches.watch(p, sessionId);
        } catch (GatewayException e) {
            return failure(e);
        }
        Flux<Event<String>> events = updates.map(WatchSessionHttp::event)
                .onErrorResume(GatewayException.class, e -> Flux.just(Event.of(problem(e).toString()).name("error")));
        Flux<Event<String>> pings = Flux.interval(KEEPALIVE, KEEPALIVE).onBackpressureDrop()
                .map(n -> Event.of("{}").name("ping"));
        // the pings stop when the watch ends (the sentinel marks its end; it is not sent)
        Flux<Event<String>> stream = Flux.merge(events.concatWith(reactor.core.publisher.Mono.just(END)), pings)
                .takeWhile(e -> e != END);
        return HttpResponse.ok(stream).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    private static Event<String> event(SessionWatches.Update u) {
        SessionEvent e = ProtoMapper.sessionEvent(u);
        try {
            return Event.of(JSON.print(e)).name(e.getCaughtUp() ? "caught_up" : "call");
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("a SessionEvent always prints", ex);
        }
    }

    private static HttpResponse<String> failure(GatewayException e) {
        HttpStatus status = switch (e.code()) {
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
            case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
            case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        MutableHttpResponse<String> response = HttpResponse.<String>status(status).body(problem(e).toString())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"toolgate\"");
        }
        return response;
    }

    private static ObjectNode problem(GatewayException e) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("error", e.code().name().toLowerCase(java.util.Locale.ROOT));
        body.put("reason", e.reason());
        body.put("message", e.getMessage());
        return body;
    }
}
