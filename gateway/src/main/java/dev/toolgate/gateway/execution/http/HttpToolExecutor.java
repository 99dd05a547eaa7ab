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
import dev.toolgate.gateway.net.EventLoops;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetAddress;
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
 * Executes tools of HTTP integrations: renders the request, adds the credentials the tool's security
 * requirements call for, checks egress, and sends it with the HTTP/1.1 client on the gateway's event
 * loops ({@link UpstreamHttpClient}) to an address the egress check approved (or, with
 * {@code toolgate.http.client=jdk}, with the JDK HTTP client). A 401 to a
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
    private final UpstreamHttpClient upstream;
    private final boolean jdkClient;

    HttpToolExecutor(UpstreamCredentials credentials, OAuthTokens tokens, EgressGuard egress, TlsClients clients,
            Tracer tracer, java.time.Clock clock,
            HttpProperties http, EventLoops loops) {
        this.credentials = requireNonNull(credentials, "credentials");
        this.tokens = requireNonNull(tokens, "tokens");
        this.egress = requireNonNull(egress, "egress");
        this.clients = requireNonNull(clients, "clients");
        this.tracer = requireNonNull(tracer, "tracer");
        this.clock = requireNonNull(clock, "clock");
        this.config = new HttpExecutionConfig(http.maxResponseBytes(), http.connectTimeout());
        this.upstream = new UpstreamHttpClient(loops, http.maxResponseBytes());
        this.jdkClient = http.client().equals("jdk");
    }

    @PreDestroy
    void close() {
        upstream.close();
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
        // one parse: the query does not change the host and port the egress check looks at
        URI target = URI.create(integration.baseUrl() + rendered.withQuery(creds.query()));
        // the client connects to one of these very addresses: no second lookup between check and connect
        List<InetAddress> checked = egress.checkedAddresses(integration.tenantId(), target,
                "integration '" + integration.name() + "'");
        OutgoingRequest request = new OutgoingRequest(tool.httpBinding().method(), target)
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
        if (!rendered.body().isEmpty()) {
            request.header("Content-Type", rendered.contentType());
            request.body(rendered.body());
        }
        try {
            creds.headers().forEach(request::setHeader);
        } catch (IllegalArgumentException e) { // never echo the message: it may hold the value
            throw GatewayException.failedPrecondition("CREDENTIAL_UNUSABLE", "integration '" + integration.name()
                    + "' puts a credential in a header the HTTP client refuses; fix its security scheme");
        }
        Transport transport;
        try {
            transport = jdkClient ? new JdkTransport(clients.forIdentity(creds.clientPem()))
                    : new NettyTransport(clients.nettyForIdentity(creds.clientPem()), checked.get(0));
        } catch (IllegalArgumentException e) {
            throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "the TLS client identity of integration '"
                    + integration.name() + "' is unusable: " + e.getMessage());
        }
        return new HttpPreparedCall(transport, request, integration.name(), tool, scope, creds);
    }

    /**
     * The raw exchange: one request, its answer or the failure, completed off the caller's thread;
     * completed with a {@link TimeoutException} at the latest when {@code timeout} has passed.
     */
    private interface Transport {
        CompletableFuture<UpstreamHttpClient.Answer> send(OutgoingRequest request, Duration timeout);
    }

    /** The Netty client, to the address the egress check approved. */
    private final class NettyTransport implements Transport {
        private final TlsClients.NettyTls tls;
        private final InetAddress address;

        NettyTransport(TlsClients.NettyTls tls, InetAddress address) {
            this.tls = tls;
            this.address = address;
        }

        @Override
        public CompletableFuture<UpstreamHttpClient.Answer> send(OutgoingRequest request, Duration timeout) {
            long connect = Math.min(config.connectTimeout().toMillis(), Math.max(1, timeout.toMillis()));
            return upstream.send(request, address, tls.context(), tls.identity(), connect, timeout.toNanos());
        }
    }

    /** The JDK HTTP client ({@code toolgate.http.client=jdk}); its lookup at connect time is answered from the pin. */
    private final class JdkTransport implements Transport {
        private final HttpClient client;

        JdkTransport(HttpClient client) {
            this.client = client;
        }

        @Override
        public CompletableFuture<UpstreamHttpClient.Answer> send(OutgoingRequest request, Duration timeout) {
            HttpRequest.Builder b = HttpRequest.newBuilder(request.uri());
            request.headers().forEach(h -> b.header(h.name(), h.value()));
            b.method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            CompletableFuture<HttpResponse<CappedBodyHandler.Body>> sent =
                    client.sendAsync(b.build(), new CappedBodyHandler(config.maxResponseBytes()));
            CompletableFuture<UpstreamHttpClient.Answer> answer = sent.thenApply(r -> new UpstreamHttpClient.Answer(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Retry-After"), r.body().bytes(), r.body().truncated()))
                    .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
            answer.whenComplete((a, t) -> {
                if (answer.isCancelled() || t instanceof TimeoutException) {
                    sent.cancel(true);
                }
            });
            return answer;
        }
    }

    private final class HttpPreparedCall implements PreparedCall {
        private final Transport transport;
        private final OutgoingRequest request;
        private final String integration;
        private final ToolDefinition tool;
        private final CredentialScope scope;
        private final Credentials sent;

        HttpPreparedCall(Transport transport, OutgoingRequest request, String integration, ToolDefinition tool,
                CredentialScope scope, Credentials sent) {
            this.scope = scope;
            this.transport = transport;
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
                UpstreamResponse response = sendOnce(request.copy(), timeout);
                if (response.status() == 401 && sent.connectedUser().isPresent()) {
                    String refused = sent.connectedSecret();
                    Duration left = Duration.ofNanos(deadline - System.nanoTime());
                    Optional<Credentials> renewed = left.toMillis() > 0
                            ? credentials.renewConnection(tool, scope, sent.connectedUser().get(), refused, left)
                            : Optional.empty();
                    if (renewed.isPresent()) {
                        mask = mask.and(renewed.get().echoMask());
                        OutgoingRequest retry = request.copy();
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
                        OutgoingRequest retry = request.copy();
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
        private UpstreamResponse sendOnce(OutgoingRequest out, Duration timeout) {
            URI uri = out.uri();
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            Span span = tracer.spanBuilder(out.method()).setSpanKind(SpanKind.CLIENT)
                    .setAttribute("http.request.method", out.method())
                    // no query: it may carry an API key
                    .setAttribute("url.full", uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath())
                    .setAttribute("server.address", uri.getHost())
                    .setAttribute("server.port", (long) port)
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                W3CTraceContextPropagator.getInstance().inject(Context.current(), out,
                        (b, key, value) -> b.setHeader(key, value));
                UpstreamResponse r = sendTraced(out, timeout);
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
         * Sends and waits for the whole answer, body included, which the transport ends after
         * {@code timeout} (closing the connection). The wait is untimed: a timed park of a virtual
         * thread would register with, and later cancel at, the JDK's delay scheduler, waking its
         * thread twice per call; the Netty transport's deadline is a timer on the connection's
         * event loop instead.
         */
        private UpstreamResponse sendTraced(OutgoingRequest out, Duration timeout) {
            long sentAt = System.nanoTime();
            CompletableFuture<UpstreamHttpClient.Answer> future = transport.send(out, timeout);
            UpstreamHttpClient.Answer response;
            try {
                response = future.get();
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                if (System.nanoTime() - sentAt >= timeout.toNanos()) {
                    // The wait had already run out when the caller's cancel arrived (a busy machine wakes
                    // this thread late; the client's deadline passes just after ours): a timeout, not a cancel.
                    throw timeout(timeout);
                }
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the caller cancelled the call while"
                        + " integration '" + integration + "' was answering; the upstream request was cancelled");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TimeoutException) {
                    throw timeout(timeout);
                }
                throw failure(e.getCause(), timeout);
            }
            return new UpstreamResponse(response.status(),
                    ResultBodies.toJson(response.contentType(), response.body(), response.truncated()),
                    response.truncated(), UpstreamResponse.parseRetryAfter(response.retryAfter(), clock.instant()));
        }

        private UpstreamFailure failure(Throwable cause, Duration timeout) {
            if (cause instanceof HttpConnectTimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
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
            // the epoll transport's socket errors are Netty's NativeIoException: named as NIO names them
            String what = cause instanceof io.netty.channel.unix.Errors.NativeIoException ? "SocketException"
                    : cause instanceof IOException ? cause.getClass().getSimpleName() : "unexpected error";
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
