package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.PreparedCall;
import dev.toolgate.gateway.execution.ToolExecutor;
import dev.toolgate.gateway.execution.UpstreamFailure;
import dev.toolgate.gateway.execution.UpstreamResponse;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Executes tools of HTTP integrations with the JDK HTTP client. Thread-safe. */
@Singleton
public class HttpToolExecutor implements ToolExecutor {
    private static final String USER_AGENT = "toolgate/0.1";

    private final SecretStore secrets;
    private final EgressGuard egress;
    private final HttpExecutionConfig config;
    private final HttpClient client;

    public HttpToolExecutor(SecretStore secrets, EgressGuard egress,
            @Value("${toolgate.http.max-response-bytes:1048576}") int maxResponseBytes,
            @Value("${toolgate.http.connect-timeout:5s}") Duration connectTimeout) {
        this.secrets = requireNonNull(secrets, "secrets");
        this.egress = requireNonNull(egress, "egress");
        this.config = new HttpExecutionConfig(maxResponseBytes, connectTimeout);
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        IntegrationEntity integration = tool.integration();
        RequestRenderer.Rendered rendered = RequestRenderer.render(tool.binding(), arguments);
        URI uri = URI.create(integration.baseUrl() + rendered.pathAndQuery());
        egress.deniedReason(uri.getHost()).ifPresent(reason -> {
            throw GatewayException.permissionDenied("EGRESS_DENIED", "integration '" + integration.name()
                    + "' may not be called: " + reason);
        });
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        rendered.headers().forEach(request::header);
        if (rendered.body().isEmpty()) {
            request.method(tool.binding().method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(tool.binding().method(), HttpRequest.BodyPublishers.ofString(rendered.body()));
        }
        HttpAuth auth = integration.auth();
        if (auth.kind() == HttpAuth.Kind.BEARER) {
            String token = bearerToken(tool.tenantId(), integration, auth.secret());
            if (!RequestRenderer.isHeaderValue(token)) {
                // never let the HTTP client reject it: its message would carry the token
                throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "secret '" + auth.secret()
                        + "' cannot be sent in an Authorization header; store it again as visible ASCII");
            }
            request.header("Authorization", "Bearer " + token);
        }
        return new HttpPreparedCall(request, integration.name());
    }

    private String bearerToken(String tenant, IntegrationEntity integration, String secretName) {
        String token;
        try {
            token = secrets.reveal(tenant, secretName).orElseThrow(() -> GatewayException.failedPrecondition(
                    "SECRET_NOT_FOUND", "integration '" + integration.name() + "' authenticates with secret '"
                            + secretName + "', which does not exist; an admin must store it with PutSecret"));
        } catch (SecretUnreadableException e) {
            throw GatewayException.failedPrecondition("SECRET_UNREADABLE", e.getMessage());
        }
        return token;
    }

    @PreDestroy
    void close() {
        client.shutdownNow();
    }

    private final class HttpPreparedCall implements PreparedCall {
        private final HttpRequest.Builder request;
        private final String integration;

        HttpPreparedCall(HttpRequest.Builder request, String integration) {
            this.request = request;
            this.integration = integration;
        }

        @Override
        public UpstreamResponse send(Duration timeout) {
            HttpRequest built = request.timeout(timeout).build();
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
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "interrupted while calling integration '"
                        + integration + "'");
            } catch (ExecutionException e) {
                throw failure(e.getCause(), timeout);
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            CappedBodyHandler.Body body = response.body();
            return new UpstreamResponse(response.statusCode(),
                    ResultBodies.toJson(contentType, body.bytes(), body.truncated()), body.truncated());
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
