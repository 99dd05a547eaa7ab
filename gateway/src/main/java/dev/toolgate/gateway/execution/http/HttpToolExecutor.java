package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.resilience.ResilienceOverrides;
import dev.toolgate.gateway.secrets.EchoMask;
import dev.toolgate.gateway.upstream.EchoMasking;
import dev.toolgate.gateway.upstream.IntegrationExecutor;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Executes tools of HTTP integrations with the JDK HTTP client: renders the request, adds the
 * credentials the tool's security requirements call for, checks egress, and sends. A 401 to a
 * request carrying an OAuth client-credentials token renews the token and sends once more.
 * Thread-safe.
 */
@Singleton
public class HttpToolExecutor implements IntegrationExecutor {
    private static final String USER_AGENT = "toolgate/0.1";

    private final UpstreamCredentials credentials;
    private final OAuthTokens tokens;
    private final EgressGuard egress;
    private final HttpExecutionConfig config;
    private final TlsClients clients;
    private final Tracer tracer;
    private final java.time.Clock clock;

    HttpToolExecutor(UpstreamCredentials credentials, OAuthTokens tokens, EgressGuard egress, TlsClients clients,
            Tracer tracer, java.time.Clock clock,
            HttpProperties http) {
        this.credentials = requireNonNull(credentials, "credentials");
        this.tokens = requireNonNull(tokens, "tokens");
        this.egress = requireNonNull(egress, "egress");
        this.clients = requireNonNull(clients, "clients");
        this.tracer = requireNonNull(tracer, "tracer");
        this.clock = requireNonNull(clock, "clock");
        this.config = new HttpExecutionConfig(http.maxResponseBytes(), http.connectTimeout());
    }

    @Override
    public IntegrationKind kind() {
        return IntegrationKind.HTTP;
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        return prepare(tool, arguments, "");
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId) {
        return prepare(tool, arguments, callId, CredentialScope.TENANT, "");
    }

    /**
     * The request carries only credentials of {@code scope} (a skill's attached secrets, or the
     * tenant's) and, for an integration that acts with each user's own account, the access token of
     * the end user {@code userId}.
     */
    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId, CredentialScope scope,
            String userId) {
        IntegrationEntity integration = tool.integration();
        Credentials creds = credentials.resolve(tool, scope, tool.timeout(), userId); // an unusable credential is named first
        RequestRenderer.Rendered rendered = RequestRenderer.render(tool.httpBinding(), arguments, creds.bound());
        URI target = URI.create(integration.baseUrl() + rendered.path());
        egress.check(integration.tenantId(), target, "integration '" + integration.name() + "'");
        String uri = integration.baseUrl() + rendered.withQuery(creds.query());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .header("Accept", tool.httpBinding().accept())
                .header("User-Agent", USER_AGENT);
        rendered.headers().forEach(request::header);
        if (!callId.isEmpty() && !tool.annotations().readOnly()) {
            String keyHeader = ResilienceOverrides.fromSettings(integration.settings()).idempotencyKeyHeader();
            if (!keyHeader.isEmpty()) {
                request.header(keyHeader, callId); // the upstream de-duplicates repeats of this call by it
            }
        }
        List<String> cookies = new ArrayList<>(rendered.cookies());
        cookies.addAll(creds.cookies());
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies));
        }
        if (rendered.body().isEmpty()) {
            request.method(tool.httpBinding().method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", rendered.contentType());
            request.method(tool.httpBinding().method(), HttpRequest.BodyPublishers.ofString(rendered.body()));
        }
        try {
            creds.headers().forEach(request::setHeader);
        } catch (IllegalArgumentException e) { // never echo the message: it may hold the value
            throw GatewayException.failedPrecondition("CREDENTIAL_UNUSABLE", "integration '" + integration.name()
                    + "' puts a credential in a header the HTTP client refuses; fix its security scheme");
        }
        HttpClient client;
        try {
            client = clients.forIdentity(creds.clientPem());
        } catch (IllegalArgumentException e) {
            throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "the TLS client identity of integration '"
                    + integration.name() + "' is unusable: " + e.getMessage());
        }
        return new HttpPreparedCall(client, request, integration.name(), tool, scope, creds);
    }

    private final class HttpPreparedCall implements PreparedCall {
        private final HttpClient client;
        private final HttpRequest.Builder request;
        private final String integration;
        private final ToolDefinition tool;
        private final CredentialScope scope;
        private final Credentials sent;

        HttpPreparedCall(HttpClient client, HttpRequest.Builder request, String integration, ToolDefinition tool,
                CredentialScope scope, Credentials sent) {
            this.scope = scope;
            this.client = client;
            this.request = request;
            this.integration = integration;
            this.tool = tool;
            this.sent = sent;
        }

        /** The answer with every credential this call injected masked wherever the upstream echoed it. */
        @Override
        public UpstreamResponse send(Duration timeout) {
            EchoMask mask = sent.echoMask();
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                UpstreamResponse response = sendOnce(request, timeout);
                if (response.status() == 401 && sent.connectedUser().isPresent()) {
                    String refused = sent.headers().get("Authorization").substring("Bearer ".length());
                    Duration left = Duration.ofNanos(deadline - System.nanoTime());
                    Optional<Credentials> renewed = left.toMillis() > 0
                            ? credentials.renewConnection(tool, sent.connectedUser().get(), refused, left)
                            : Optional.empty();
                    if (renewed.isPresent()) {
                        mask = mask.and(renewed.get().echoMask());
                        HttpRequest.Builder retry = request.copy();
                        renewed.get().headers().forEach(retry::setHeader);
                        return EchoMasking.apply(sendOnce(retry, left), mask);
                    }
                }
                if (response.status() == 401 && sent.oauth().isPresent()) {
                    OAuthTokens.Key key = sent.oauth().get();
                    String refused = sent.headers().get("Authorization").substring("Bearer ".length());
                    tokens.invalidate(key, refused);
                    Duration left = Duration.ofNanos(deadline - System.nanoTime());
                    if (left.toMillis() > 0) {
                        Credentials renewed = credentials.resolve(tool, scope, left, "");
                        mask = mask.and(renewed.echoMask());
                        HttpRequest.Builder retry = request.copy();
                        renewed.headers().forEach(retry::setHeader);
                        return EchoMasking.apply(sendOnce(retry, left), mask);
                    }
                }
                return EchoMasking.apply(response, mask);
            } catch (UpstreamFailure f) {
                throw EchoMasking.apply(f, mask);
            }
        }

        /** One request in an HTTP client span; the span's context travels on as {@code traceparent}. */
        private UpstreamResponse sendOnce(HttpRequest.Builder builder, Duration timeout) {
            HttpRequest probe = builder.build();
            URI uri = probe.uri();
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            Span span = tracer.spanBuilder(probe.method()).setSpanKind(SpanKind.CLIENT)
                    .setAttribute("http.request.method", probe.method())
                    // no query: it may carry an API key
                    .setAttribute("url.full", uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath())
                    .setAttribute("server.address", uri.getHost())
                    .setAttribute("server.port", (long) port)
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                W3CTraceContextPropagator.getInstance().inject(Context.current(), builder,
                        (b, key, value) -> b.setHeader(key, value));
                UpstreamResponse r = sendTraced(builder, timeout);
                span.setAttribute("http.response.status_code", (long) r.status());
                if (r.status() >= 500) {
                    span.setAttribute("error.type", String.valueOf(r.status()));
                    span.setStatus(StatusCode.ERROR);
                }
                return r;
            } catch (UpstreamFailure f) {
                span.setAttribute("error.type", f.kind().name().toLowerCase(java.util.Locale.ROOT));
                span.setStatus(StatusCode.ERROR);
                throw f;
            } finally {
                span.end();
            }
        }

        /**
         * Sends and waits at most {@code timeout} for the whole answer, body included; then the
         * exchange is cancelled (which closes its connection). The request itself carries no
         * timeout: the client would register a timer with its selector thread and wake it for
         * every request, and its timeout ends with the response headers anyway. The wait is this
         * thread's own timed park: one JDK delay scheduler serves every call's deadline.
         */
        private UpstreamResponse sendTraced(HttpRequest.Builder builder, Duration timeout) {
            HttpRequest built = builder.build();
            CompletableFuture<HttpResponse<CappedBodyHandler.Body>> future =
                    client.sendAsync(built, new CappedBodyHandler(config.maxResponseBytes()));
            HttpResponse<CappedBodyHandler.Body> response;
            try {
                response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                throw timeout(timeout);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the caller cancelled the call while"
                        + " integration '" + integration + "' was answering; the upstream request was cancelled");
            } catch (ExecutionException e) {
                throw failure(e.getCause(), timeout);
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            CappedBodyHandler.Body body = response.body();
            return new UpstreamResponse(response.statusCode(),
                    ResultBodies.toJson(contentType, body.bytes(), body.truncated()), body.truncated(),
                    UpstreamResponse.parseRetryAfter(response.headers().firstValue("Retry-After"), clock.instant()));
        }

        private UpstreamFailure failure(Throwable cause, Duration timeout) {
            if (cause instanceof HttpConnectTimeoutException) {
                return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "could not connect to integration '"
                        + integration + "' (connect timed out)");
            }
            if (cause instanceof HttpTimeoutException) {
                return timeout(timeout);
            }
            if (cause instanceof ConnectException) {
                return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "could not connect to integration '"
                        + integration + "' (connection refused)");
            }
            String what = cause instanceof IOException ? cause.getClass().getSimpleName() : "unexpected error";
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "integration '" + integration
                    + "' failed before answering (" + what + ")");
        }

        private UpstreamFailure timeout(Duration timeout) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "integration '" + integration
                    + "' did not answer within " + timeout.toMillis() + " ms");
        }

        @Override
        public String toString() {
            return "HttpPreparedCall[integration=" + integration + "]";
        }
    }
}
