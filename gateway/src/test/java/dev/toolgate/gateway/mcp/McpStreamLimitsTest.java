package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.KeysTableLock;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.RevokeApiKeyRequest;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /mcp} streams are bounded per key and per tenant, end when their key is revoked, and
 * are authenticated off the Netty event loop.
 */
@MicronautTest(transactional = false)
@Property(name = "toolgate.mcp.notify-interval", value = "200ms")
@Property(name = "toolgate.mcp.max-streams-per-tenant", value = "6")
class McpStreamLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    /** A connection of its own: the gateway's pool may be all in use while the key store is locked. */
    private Connection ownConnection() throws java.sql.SQLException {
        return TestDatabase.dataSource(TestDatabase.url()).getConnection();
    }

    private final List<HttpResponse<Stream<String>>> open = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        open.forEach(r -> r.body().close());
    }

    private HttpRequest streamRequest(String key) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/mcp"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20)).GET().build();
    }

    private HttpResponse<Stream<String>> stream(String key) throws Exception {
        HttpResponse<Stream<String>> r = CLIENT.send(streamRequest(key), HttpResponse.BodyHandlers.ofLines());
        open.add(r);
        return r;
    }

    private String newKey(TenantFixture fx) {
        return Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("agent-2").addScopes("tools:call").build()).getApiKey();
    }

    private static JsonNode jsonRpcError(HttpResponse<Stream<String>> r) throws Exception {
        String body = String.join("\n", r.body().toList());
        JsonNode json = JSON.readTree(body);
        assertThat(json.path("jsonrpc").asText()).as(body).isEqualTo("2.0");
        return json.path("error");
    }

    @Test
    void theFifthStreamOfAKey_is429WithAJsonRpcError() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        for (int i = 0; i < 4; i++) {
            assertThat(stream(fx.agentKey).statusCode()).isEqualTo(200);
        }
        HttpResponse<Stream<String>> fifth = stream(fx.agentKey);
        assertThat(fifth.statusCode()).isEqualTo(429);
        JsonNode error = jsonRpcError(fifth);
        assertThat(error.path("data").path("reason").asText()).isEqualTo("TOO_MANY_STREAMS");
        assertThat(error.path("message").asText()).contains("toolgate.mcp.max-streams-per-key");

        // a closed stream frees its place
        open.remove(0).body().close();
        Eventually.within(Duration.ofSeconds(10), () -> {
            try {
                HttpResponse<Stream<String>> again = stream(fx.agentKey);
                assertThat(again.statusCode()).isEqualTo(200);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void everyStreamOfAKey_announcesAToolAdded_throughTheSharedWatcher() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        List<HttpResponse<Stream<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(stream(fx.agentKey));
        }
        fx.createCaseTool("/cases", 5_000);
        for (HttpResponse<Stream<String>> s : streams) {
            assertThat(CompletableFuture.supplyAsync(() -> s.body().anyMatch(line -> line.contains("list_changed")))
                    .get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theStreamsOfATenant_areCappedAcrossItsKeys() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        String second = newKey(fx);
        for (int i = 0; i < 4; i++) {
            assertThat(stream(fx.agentKey).statusCode()).isEqualTo(200);
        }
        assertThat(stream(second).statusCode()).isEqualTo(200);
        assertThat(stream(second).statusCode()).isEqualTo(200);
        HttpResponse<Stream<String>> seventh = stream(second);
        assertThat(seventh.statusCode()).isEqualTo(429);
        assertThat(jsonRpcError(seventh).path("message").asText()).contains("toolgate.mcp.max-streams-per-tenant");
    }

    @Test
    void anOpenStream_endsWhenItsKeyIsRevoked() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        HttpResponse<Stream<String>> s = stream(fx.agentKey);
        assertThat(s.statusCode()).isEqualTo(200);
        String keyId = keyIdOf(fx.tenant);
        Clients.bootstrapAdmin(channel).revokeApiKey(RevokeApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setKeyId(keyId).build());
        // the stream ends (count returns); the bound only limits how long a broken gateway is waited for
        assertThat(CompletableFuture.supplyAsync(() -> s.body().count()).get(20, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void anOpenStream_endsWhenItsKeyIsRevokedThroughAnotherInstance() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        HttpResponse<Stream<String>> s = stream(fx.agentKey);
        assertThat(s.statusCode()).isEqualTo(200);
        try (Connection c = ownConnection();
                PreparedStatement revoke = c.prepareStatement(
                        "UPDATE api_keys SET revoked_at = now() WHERE tenant_id = ?")) {
            revoke.setString(1, fx.tenant);
            assertThat(revoke.executeUpdate()).isEqualTo(1);
        }
        assertThat(CompletableFuture.supplyAsync(() -> s.body().count()).get(20, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void theStreamAuthenticatesOffTheEventLoop_soOtherRequestsAreServedWhileTheKeyStoreIsSlow() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1"); // its key is not cached yet
        int requests = 4 * Runtime.getRuntime().availableProcessors() + 8; // more than the event-loop threads
        List<CompletableFuture<HttpResponse<Stream<String>>>> pending = new ArrayList<>();
        try (KeysTableLock locked = KeysTableLock.hold(ownConnection())) {
            for (int i = 0; i < requests; i++) {
                pending.add(CLIENT.sendAsync(streamRequest(fx.agentKey), HttpResponse.BodyHandlers.ofLines()));
            }
            // as many waiting lookups as the HTTP server has event-loop threads (one per core here):
            // were they on the event loop, every loop would now be stuck
            int waiters = Math.min(Runtime.getRuntime().availableProcessors(), 6);
            Eventually.within(Duration.ofSeconds(20), () -> assertThat(lockWaiters()).isGreaterThanOrEqualTo(waiters));

            HttpResponse<String> other = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.getPort() + "/mcp")).timeout(Duration.ofSeconds(10))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(405);
        } finally {
            for (CompletableFuture<HttpResponse<Stream<String>>> p : pending) {
                p.handle((r, e) -> {
                    if (r != null) {
                        r.body().close();
                    }
                    return null;
                });
            }
        }
    }

    private int lockWaiters() {
        try (Connection c = ownConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'api_keys'::regclass");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private String keyIdOf(String tenant) throws Exception {
        try (Connection c = ownConnection();
                PreparedStatement q = c.prepareStatement("SELECT id FROM api_keys WHERE tenant_id = ?")) {
            q.setString(1, tenant);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
