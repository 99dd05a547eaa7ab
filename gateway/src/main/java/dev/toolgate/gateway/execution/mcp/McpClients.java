package dev.toolgate.gateway.execution.mcp;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.EchoMask;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.catalog.IntegrationChanged;
import io.micronaut.runtime.event.annotation.EventListener;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One initialised MCP client per integration, shared by its calls: the session is set up once
 * and reused; the SDK opens a new session when the server says the old one is gone, and a client
 * whose server could not be reached is dropped, so the next call connects afresh (a restarted
 * server is found again). The credential is read from the secret store on every request, so a
 * rotated token is used at once. Thread-safe.
 */
@Singleton
public class McpClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpClients.class);
    private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("toolgate", "0.1.0");

    private final SecretStore secrets;
    private final EgressGuard egress;
    private final StdioServers stdio;
    private final Duration connectTimeout;
    private final reactor.core.scheduler.Scheduler streamTimer = reactor.core.scheduler.Schedulers.parallel();
    private final McpJsonMapper json = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(TaskSupport.module())); // a tool's execution.taskSupport, which the SDK drops
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final dev.toolgate.gateway.core.KeyedLocks locks = new dev.toolgate.gateway.core.KeyedLocks();
    private volatile BiConsumer<IntegrationEntity, List<McpSchema.Tool>> onToolsChanged = (i, t) -> { };
    private volatile java.util.function.Consumer<McpSchema.ProgressNotification> onProgress = p -> { };

    /** {@code http} is the HTTP client that keeps the server's notification stream open (none for stdio). */
    private record Entry(String fingerprint, McpAsyncClient client, TrackedTransport transport,
            java.util.Optional<ReopeningHttpClient> http) {
        void close() {
            http.ifPresent(ReopeningHttpClient::close);
            closeQuietly(client);
        }
    }

    /** A transport and the HTTP client under it. */
    private record Http(McpClientTransport transport, ReopeningHttpClient client) {
    }

    public McpClients(SecretStore secrets, EgressGuard egress, StdioServers stdio,
            McpProperties config) {
        Duration connectTimeout = config.connectTimeout();
        this.stdio = requireNonNull(stdio, "stdio");
        dev.toolgate.gateway.logging.WireLogPinning.clearJdkHttpClientSwitches(); // before the JDK client loads
        this.secrets = requireNonNull(secrets, "secrets");
        this.egress = requireNonNull(egress, "egress");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
    }

    /** Who hears a server's {@code notifications/tools/list_changed} (with the server's new list). */
    public void onToolsChanged(BiConsumer<IntegrationEntity, List<McpSchema.Tool>> listener) {
        this.onToolsChanged = requireNonNull(listener, "listener");
    }

    /** Who hears progress notifications of calls in flight. */
    public void onProgress(java.util.function.Consumer<McpSchema.ProgressNotification> listener) {
        this.onProgress = requireNonNull(listener, "listener");
    }

    /** The JSON mapper of the MCP types. */
    public McpJsonMapper json() {
        return json;
    }

    /**
     * The integration's client, initialised (connecting when there is none, or the integration's
     * URL or credential changed).
     *
     * @throws UpstreamFailure UNAVAILABLE or TIMEOUT when the server cannot be reached or does
     *         not complete the handshake within {@code timeout}
     * @throws GatewayException PERMISSION_DENIED when the egress rules forbid its address
     */
    public McpAsyncClient client(IntegrationEntity integration, Duration timeout) {
        String key = integration.tenantId() + '/' + integration.name();
        String fingerprint = integration.baseUrl() + '|' + integration.authKind() + '|' + integration.authSecret()
                + '|' + integration.settings();
        Entry entry = clients.get(key);
        if (entry != null && entry.fingerprint().equals(fingerprint)) {
            return entry.client();
        }
        return locks.call(key, () -> { // one slow server blocks only itself
            Entry current = clients.get(key);
            if (current != null && current.fingerprint().equals(fingerprint)) {
                return current.client();
            }
            if (current != null) {
                clients.remove(key);
                current.close();
            }
            java.util.Optional<ReopeningHttpClient> http = java.util.Optional.empty();
            McpClientTransport inner;
            if (StdioServers.isStdio(integration.baseUrl())) {
                inner = stdio(stdio.require(integration.tenantId(), integration.baseUrl()));
            } else {
                Http made = http(integration);
                inner = made.transport();
                http = java.util.Optional.of(made.client());
            }
            TrackedTransport transport = new TrackedTransport(inner);
            McpAsyncClient client;
            try {
                client = connect(integration, transport, timeout);
            } catch (RuntimeException e) {
                http.ifPresent(ReopeningHttpClient::close);
                throw e;
            }
            clients.put(key, new Entry(fingerprint, client, transport, http));
            return client;
        });
    }

    /**
     * Tells the integration's server that the call sent on {@code client} with {@code progressToken}
     * is given up ({@code notifications/cancelled}); see {@link TrackedTransport#cancel}.
     */
    public void cancel(IntegrationEntity integration, McpAsyncClient client, String progressToken, String reason) {
        Entry entry = clients.get(integration.tenantId() + '/' + integration.name());
        if (entry != null && entry.client() == client) {
            entry.transport().cancel(progressToken, reason);
        }
    }

    /** The call sent on {@code client} with {@code progressToken} is over. */
    public void done(IntegrationEntity integration, McpAsyncClient client, String progressToken) {
        Entry entry = clients.get(integration.tenantId() + '/' + integration.name());
        if (entry != null && entry.client() == client) {
            entry.transport().done(progressToken);
        }
    }

    /** Drops the integration's client (its server went away); the next call connects again. */
    public void evict(IntegrationEntity integration, McpAsyncClient client) {
        String key = integration.tenantId() + '/' + integration.name();
        Entry entry = clients.get(key);
        if (entry != null && entry.client() == client && clients.remove(key, entry)) {
            entry.close();
        }
    }

    /**
     * The server no longer knows the session whose notification stream {@code http} kept (it
     * restarted, or dropped the session): that client is dropped, and the listeners of
     * {@link #onToolsChanged} hear of it, since the tools may have changed while nobody listened —
     * their sync opens a new session, with a new stream.
     */
    private void sessionLost(IntegrationEntity integration, ReopeningHttpClient http) {
        String key = integration.tenantId() + '/' + integration.name();
        Entry entry = clients.get(key);
        if (entry != null && entry.http().filter(h -> h == http).isPresent() && clients.remove(key, entry)) {
            entry.close();
            onToolsChanged.accept(integration, List.of());
        }
    }

    /**
     * The integration was replaced: its client is closed now (a stdio server's process ends)
     * rather than at its next call; the next call connects with the new settings.
     */
    @EventListener
    void onIntegrationChanged(IntegrationChanged changed) {
        String key = changed.tenantId() + '/' + changed.name();
        locks.call(key, () -> {
            Entry entry = clients.remove(key);
            if (entry != null) {
                entry.close();
            }
            return null;
        });
    }

    private McpAsyncClient connect(IntegrationEntity integration, McpClientTransport transport, Duration timeout) {
        String tenant = integration.tenantId();
        McpAsyncClient client = McpClient.async(transport)
                .clientInfo(CLIENT)
                .requestTimeout(Duration.ofMinutes(5)) // each call sets its own, shorter, deadline
                .initializationTimeout(timeout)
                .progressConsumer(p -> {
                    onProgress.accept(p);
                    return Mono.empty();
                })
                .toolsChangeConsumer(tools -> {
                    LOG.info("MCP server of integration {}/{} changed its tools", tenant, integration.name());
                    onToolsChanged.accept(integration, tools);
                    return Mono.empty();
                })
                .build();
        try {
            client.initialize().block(timeout.plusMillis(100));
            return client;
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw McpFailures.of(integration, e, timeout);
        }
    }

    /** A local process the gateway's configuration declares (never one named by an API call). */
    private McpClientTransport stdio(StdioServers.Server server) {
        StdioClientTransport transport = new StdioClientTransport(new ServerParameters.Builder(server.command())
                .args(server.args()).build(), json) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                // not the gateway's environment (master key, database password): only what the SDK adds
                // back, HOME, PATH, USER and the like
                ProcessBuilder pb = new ProcessBuilder();
                pb.environment().clear();
                return pb;
            }
        };
        transport.setStdErrorHandler(line -> LOG.debug("stdio MCP server {}: {}", server.id(), line));
        return transport;
    }

    private Http http(IntegrationEntity integration) {
        URI url = URI.create(integration.baseUrl());
        egress.check(integration.tenantId(), url, "the MCP server of integration '" + integration.name() + "'");
        String origin = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            endpoint += "?" + url.getRawQuery();
        }
        HttpAuth auth = integration.auth();
        String tenant = integration.tenantId();
        Map<String, String> secretHeaders = secretHeaders(integration);
        java.util.function.BiConsumer<java.net.http.HttpRequest.Builder, URI> credentials = (request, uri) -> {
            // every request: the name may resolve elsewhere by now (DNS rebinding)
            egress.check(tenant, uri, "the MCP server of integration '" + integration.name() + "'");
            secretHeaders.forEach((header, secret) -> request.setHeader(header, secrets.reveal(tenant, secret)
                    .orElseThrow(() -> GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '"
                            + secret + "' of integration '" + integration.name() + "' does not exist"))));
            if (auth.kind() == HttpAuth.Kind.BEARER) {
                request.setHeader("Authorization", "Bearer " + secrets.reveal(tenant, auth.secret())
                        .orElseThrow(() -> GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '"
                                + auth.secret() + "' of integration '" + integration.name() + "' does not exist")));
            }
        };
        ReopeningHttpClient[] made = new ReopeningHttpClient[1];
        java.net.http.HttpClient.Builder clientBuilder = ReopeningHttpClient.builder(java.net.http.HttpClient
                .newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1), delegate -> {
                    made[0] = new ReopeningHttpClient(delegate, tenant + "/" + integration.name(), request -> {
                        credentials.accept(request, url);
                        return request;
                    }, () -> sessionLost(integration, made[0]), streamTimer);
                    return made[0];
                });
        McpClientTransport transport = HttpClientStreamableHttpTransport.builder(origin)
                .clientBuilder(clientBuilder)
                .endpoint(endpoint)
                .jsonMapper(json)
                .connectTimeout(connectTimeout)
                .httpRequestCustomizer((request, method, uri, body, context) -> credentials.accept(request, uri))
                .build();
        return new Http(transport, made[0]);
    }

    /**
     * Masks the credentials sent to the integration's server (its bearer secret and secret
     * headers) wherever the server echoes them back; {@link EchoMask#NONE} when it has none.
     */
    public EchoMask echoMask(IntegrationEntity integration) {
        List<String> values = new java.util.ArrayList<>();
        String tenant = integration.tenantId();
        secretHeaders(integration).values().forEach(secret -> readable(tenant, secret).ifPresent(values::add));
        HttpAuth auth = integration.auth();
        if (auth.kind() == HttpAuth.Kind.BEARER) {
            readable(tenant, auth.secret()).ifPresent(values::add);
        }
        return values.isEmpty() ? EchoMask.NONE : EchoMask.of(values);
    }

    /** A secret that cannot be read is not sent either: the request fails on it, with its own error. */
    private java.util.Optional<String> readable(String tenant, String secret) {
        try {
            return secrets.reveal(tenant, secret);
        } catch (dev.toolgate.gateway.secrets.SecretUnreadableException e) {
            return java.util.Optional.empty();
        }
    }

    /** Header name -> secret name, from the integration's settings. */
    private static Map<String, String> secretHeaders(IntegrationEntity integration) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            dev.toolgate.gateway.core.JsonSupport.mapper().readTree(integration.settings()).path("secret_headers")
                    .properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored settings of integration " + integration.name() + " are not JSON", e);
        }
        return out;
    }

    private static void closeQuietly(McpAsyncClient client) {
        try {
            client.closeGracefully().timeout(Duration.ofSeconds(2)).onErrorComplete().subscribe();
        } catch (RuntimeException e) {
            LOG.debug("closing an MCP client failed", e);
        }
    }

    @PreDestroy
    @Override
    public void close() {
        clients.values().forEach(Entry::close);
        clients.clear();
    }
}
