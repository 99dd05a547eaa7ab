package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateApiKeyResponse;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.RevokeApiKeyRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two gateway instances on one PostgreSQL with caches that would hold for a minute: a revocation,
 * a secret change and a catalog change made through A apply on B as soon as B hears of them
 * through {@code LISTEN/NOTIFY}, not when B's caches expire. The delays are printed, not asserted.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "toolgate.auth.cache-ttl", value = "60s")
@Property(name = "toolgate.secrets.cache-ttl", value = "60s")
@Property(name = "toolgate.catalog.refresh-interval", value = "60s")
class InvalidationAcrossInstancesTest {
    private static final Map<String, Object> LONG_CACHES = Map.of("grpc.server.port", 0,
            "toolgate.auth.cache-ttl", "60s", "toolgate.secrets.cache-ttl", "60s",
            "toolgate.catalog.refresh-interval", "60s", "toolgate.mcp.notify-interval", "60s");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channelA;

    @Inject
    PostgresClusterBus busA;

    private ApplicationContext b;
    private ManagedChannel channelB;
    private TestUpstream upstream;

    @BeforeAll
    void startInstanceB() throws Exception {
        b = ApplicationContext.run(LONG_CACHES, "test");
        b.getBean(EmbeddedServer.class).start();
        channelB = Grpc.newChannelBuilderForAddress("127.0.0.1", b.getBean(GrpcEmbeddedServer.class).getPort(),
                InsecureChannelCredentials.create()).build();
        upstream = TestUpstream.start().route("/items", r -> TestUpstream.Reply.json(200, "{\"ok\":true}"));
    }

    @AfterAll
    void stopInstanceB() {
        channelB.shutdownNow();
        b.close();
        upstream.close();
    }

    @Test
    void bothInstancesOnPostgres_listenForInvalidations() {
        assertThat(busA.active()).isTrue();
        assertThat(b.getBean(PostgresClusterBus.class).active()).isTrue();
    }

    @Test
    void keyRevokedThroughA_isRefusedByB_beforeItsCacheExpires() {
        TenantFixture fx = TenantFixture.create(channelA, upstream.baseUrl());
        CreateApiKeyResponse key = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("agent-2").addScopes("tools:call").build());
        ToolServiceGrpc.ToolServiceBlockingStub viaB = Clients.tools(channelB, key.getApiKey());
        viaB.listTools(ListToolsRequest.getDefaultInstance()); // B caches the principal for 60 s

        fx.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setTenant(fx.tenant).setKeyId(key.getKeyId()).build());
        long revoked = System.nanoTime();
        Eventually.until(() -> assertThatThrownBy(() -> viaB.listTools(ListToolsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED)));
        System.out.printf("revocation through A refused by B after %.1f ms%n", (System.nanoTime() - revoked) / 1e6);
    }

    @Test
    void secretChangedThroughA_isSentByB_beforeItsCacheExpires() {
        TenantFixture fx = TenantFixture.create(channelA, upstream.baseUrl());
        fx.lookupTool("get_item");
        ToolServiceGrpc.ToolServiceBlockingStub viaB = Clients.tools(channelB, fx.agentKey);
        call(viaB, "first");
        assertThat(lastAuthorization("first")).isEqualTo("Bearer " + fx.token); // B caches the plaintext for 60 s

        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("desk_token")
                .setValue("rotated-token-value").build());
        long changed = System.nanoTime();
        Eventually.until(() -> {
            String item = "after-" + System.nanoTime();
            call(viaB, item);
            assertThat(lastAuthorization(item)).isEqualTo("Bearer rotated-token-value");
        });
        System.out.printf("secret changed through A sent by B after %.1f ms%n", (System.nanoTime() - changed) / 1e6);
    }

    @Test
    void toolAddedThroughA_isListedByB_beforeItsRefreshInterval() {
        TenantFixture fx = TenantFixture.create(channelA, upstream.baseUrl());
        ToolServiceGrpc.ToolServiceBlockingStub viaB = Clients.tools(channelB, fx.agentKey);
        assertThat(viaB.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty(); // cached 60 s

        fx.createCaseTool("/cases", 5_000);
        long added = System.nanoTime();
        Eventually.until(() -> assertThat(viaB.getTool(GetToolRequest.newBuilder().setName("desk.create_case").build())
                .getVersion()).isEqualTo(1));
        System.out.printf("tool added through A listed by B after %.1f ms%n", (System.nanoTime() - added) / 1e6);
    }

    @Test
    void mcpStreamOnB_announcesAToolAddedThroughA_beforeItsNotifyInterval() throws Exception {
        TenantFixture fx = TenantFixture.create(channelA, upstream.baseUrl());
        fx.lookupTool("get_item");
        URI mcpOnB = URI.create("http://127.0.0.1:" + b.getBean(EmbeddedServer.class).getPort() + "/mcp");
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mcpOnB)
                .header("Authorization", "Bearer " + fx.agentKey).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<String> announced = CompletableFuture.supplyAsync(
                () -> stream.body().filter(line -> line.contains("list_changed")).findFirst().orElse(""));
        try {
            fx.lookupTool("get_other_item");
            long added = System.nanoTime();
            assertThat(announced.get(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .contains("notifications/tools/list_changed");
            System.out.printf("tool added through A announced on B's /mcp stream after %.1f ms%n",
                    (System.nanoTime() - added) / 1e6);
        } finally {
            stream.body().close();
        }
    }

    @Test
    void payload_roundTripsWithItsOrigin_andForeignPayloadsAreIgnored() {
        Invalidation sent = Invalidation.catalog("t-x");
        assertThat(Invalidation.decode(sent.encode("origin-1")))
                .hasValueSatisfying(r -> {
                    assertThat(r.origin()).isEqualTo("origin-1");
                    assertThat(r.invalidation()).isEqualTo(sent);
                });
        assertThat(Invalidation.decode("not ours")).isEmpty();
        assertThat(Invalidation.decode("o\u001fNOPE\u001ft\u001fs")).isEmpty();
    }

    private static ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub stub, String item) {
        return stub.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.get_item")
                .setArgumentsJson("{\"item_id\":\"" + item + "\"}").build());
    }

    private String lastAuthorization(String item) {
        return upstream.exchangesTo("/items/" + item).getLast().header("Authorization");
    }
}
