package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateApiKeyResponse;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.DeleteSecretRequest;
import dev.toolgate.proto.v1.DeleteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.RevokeApiKeyRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MicronautTest
class AuthAndTenancyTest {
    private static final String VALID = "{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"low\"}";

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    TestUpstream upstream;
    TenantFixture a;
    TenantFixture b;

    @BeforeEach
    void setUp() throws IOException {
        upstream = TestUpstream.start().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"));
        a = TenantFixture.create(channel, upstream.baseUrl());
        a.createCaseTool("/cases", 5_000);
        b = TenantFixture.create(channel, upstream.baseUrl());
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    /** Every ToolService RPC, called with the given stub. */
    private static Map<String, Consumer<ToolServiceGrpc.ToolServiceBlockingStub>> toolRpcs() {
        Map<String, Consumer<ToolServiceGrpc.ToolServiceBlockingStub>> rpcs = new LinkedHashMap<>();
        rpcs.put("ListTools", s -> s.listTools(ListToolsRequest.getDefaultInstance()));
        rpcs.put("GetTool", s -> s.getTool(GetToolRequest.newBuilder().setName("desk.create_case").build()));
        rpcs.put("ExecuteTool", s -> s.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(VALID).build()));
        rpcs.put("ExportTools", s -> s.exportTools(dev.toolgate.proto.v1.ExportToolsRequest.newBuilder()
                .setFormat(dev.toolgate.proto.v1.ExportFormat.EXPORT_FORMAT_OPENAI).build()));
        return rpcs;
    }

    /** Every AdminService RPC against tenant {@code tenant}. */
    private static Map<String, Consumer<AdminServiceGrpc.AdminServiceBlockingStub>> adminRpcs(String tenant) {
        Map<String, Consumer<AdminServiceGrpc.AdminServiceBlockingStub>> rpcs = new LinkedHashMap<>();
        rpcs.put("CreateApiKey", s -> s.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("x").build()));
        rpcs.put("RevokeApiKey", s -> s.revokeApiKey(RevokeApiKeyRequest.newBuilder().setTenant(tenant).setKeyId("key_x").build()));
        rpcs.put("PutSecret", s -> s.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("s").setValue("v").build()));
        rpcs.put("DeleteSecret", s -> s.deleteSecret(DeleteSecretRequest.newBuilder().setTenant(tenant).setName("desk_token").build()));
        rpcs.put("CreateHttpIntegration", s -> s.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder()
                .setTenant(tenant).setName("other").setBaseUrl("https://example.com").build()));
        rpcs.put("UpsertHttpTool", s -> s.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant)
                .setIntegration("desk").setName("t").setDescription("d").setMethod("GET").setPath("/x")
                .setInputSchemaJson("{\"type\":\"object\"}").build()));
        rpcs.put("DeleteTool", s -> s.deleteTool(DeleteToolRequest.newBuilder().setTenant(tenant).setName("desk.create_case").build()));
        return rpcs;
    }

    private static Status.Code codeOf(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("expected a gRPC error").isNotNull();
        return e.getStatus().getCode();
    }

    @Test
    void everyToolRpc_withoutKeyOrWithWrongKey_isUnauthenticated() {
        for (String key : new String[] {null, "tg_not-a-real-key", "garbage"}) {
            toolRpcs().forEach((name, rpc) -> assertThat(codeOf(() -> rpc.accept(Clients.tools(channel, key))))
                    .as(name + " with key " + key).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void everyAdminRpc_withoutKey_isUnauthenticated() {
        adminRpcs(a.tenant).forEach((name, rpc) -> assertThat(codeOf(() -> rpc.accept(Clients.admin(channel, null))))
                .as(name).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(codeOf(() -> Clients.admin(channel, "tg_wrong").createTenant(
                CreateTenantRequest.newBuilder().setId("never").build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void authorizationWithoutBearerPrefix_isUnauthenticatedWithHint() {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), a.agentKey);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                ToolServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                        .listTools(ListToolsRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("Bearer");
    }

    @Test
    void tenantBKey_cannotListGetOrExecuteTenantATools() {
        ToolServiceGrpc.ToolServiceBlockingStub asB = Clients.tools(channel, b.agentKey);

        assertThat(asB.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
        assertThat(asB.exportTools(dev.toolgate.proto.v1.ExportToolsRequest.newBuilder()
                .setFormat(dev.toolgate.proto.v1.ExportFormat.EXPORT_FORMAT_MCP).build()).getToolsJson()).isEqualTo("[]");
        StatusRuntimeException byExportName = catchThrowableOfType(StatusRuntimeException.class, () ->
                asB.executeTool(ExecuteToolRequest.newBuilder().setTool("desk__create_case").setArgumentsJson(VALID).build()));
        assertThat(byExportName.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException get = catchThrowableOfType(StatusRuntimeException.class, () ->
                asB.getTool(GetToolRequest.newBuilder().setName("desk.create_case").build()));
        StatusRuntimeException exec = catchThrowableOfType(StatusRuntimeException.class, () ->
                asB.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setArgumentsJson(VALID).build()));

        assertThat(get.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(exec.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // no hint that would reveal tenant A's tool names
        assertThat(get.getStatus().getDescription()).doesNotContain("did you mean");
        assertThat(exec.getStatus().getDescription()).doesNotContain("did you mean");
        assertThat(upstream.exchanges()).isEmpty();
        // and tenant A still sees and runs its tool
        assertThat(Clients.tools(channel, a.agentKey).listTools(ListToolsRequest.getDefaultInstance()).getToolsCount())
                .isEqualTo(1);
    }

    @Test
    void tenantBAdminKey_cannotTouchTenantA_anyAdminRpcLooksLikeMissingTenant() {
        String bAdmin = Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(b.tenant).setAgentId("b-admin").addScopes("admin").build()).getApiKey();

        adminRpcs(a.tenant).forEach((name, rpc) -> {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> rpc.accept(Clients.admin(channel, bAdmin)));
            assertThat(e.getStatus().getCode()).as(name).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Clients.errorInfo(e).getReason()).as(name).isEqualTo("TENANT_NOT_FOUND");
        });
        assertThat(Clients.tools(channel, a.agentKey).listTools(ListToolsRequest.getDefaultInstance()).getToolsCount())
                .as("tenant A's tool survived").isEqualTo(1);
    }

    @Test
    void tenantAdminKey_managesItsOwnTenantButCannotCreateTenants() {
        String bAdmin = Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(b.tenant).setAgentId("b-admin").addScopes("admin").build()).getApiKey();
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.admin(channel, bAdmin);

        admin.putSecret(PutSecretRequest.newBuilder().setTenant(b.tenant).setName("own").setValue("v").build());
        assertThat(codeOf(() -> admin.createTenant(CreateTenantRequest.newBuilder().setId("sneaky").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void agentKeyWithoutAdminScope_isPermissionDeniedOnEveryAdminRpc() {
        adminRpcs(a.tenant).forEach((name, rpc) -> assertThat(codeOf(() -> rpc.accept(Clients.admin(channel, a.agentKey))))
                .as(name).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void keyWithoutToolsCallScope_cannotExecute() {
        String readOnlyKey = Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(a.tenant).setAgentId("reader").addScopes("tools:read").build()).getApiKey();

        assertThat(codeOf(() -> Clients.tools(channel, readOnlyKey).executeTool(ExecuteToolRequest.newBuilder()
                .setTool("desk.create_case").setArgumentsJson(VALID).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void revokedKey_isUnauthenticatedFromTheNextCall() {
        CreateApiKeyResponse key = Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(a.tenant).setAgentId("temp").build());
        ToolServiceGrpc.ToolServiceBlockingStub stub = Clients.tools(channel, key.getApiKey());
        assertThat(stub.listTools(ListToolsRequest.getDefaultInstance()).getToolsCount()).isEqualTo(1);

        Clients.bootstrapAdmin(channel).revokeApiKey(RevokeApiKeyRequest.newBuilder().setTenant(a.tenant)
                .setKeyId(key.getKeyId()).build());

        assertThat(codeOf(() -> stub.listTools(ListToolsRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void bootstrapAdminKey_cannotCallTools() {
        assertThat(codeOf(() -> Clients.tools(channel, Clients.BOOTSTRAP_ADMIN_KEY).executeTool(
                ExecuteToolRequest.newBuilder().setTool("desk.create_case").setArgumentsJson(VALID).build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void health_needsNoKey() {
        io.grpc.health.v1.HealthCheckResponse health = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void reflection_needsNoKey_andListsBothServices() throws Exception {
        java.util.concurrent.CompletableFuture<java.util.List<String>> services = new java.util.concurrent.CompletableFuture<>();
        io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
                io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                        new io.grpc.stub.StreamObserver<>() {
                            @Override
                            public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                                services.complete(r.getListServicesResponse().getServiceList().stream()
                                        .map(io.grpc.reflection.v1.ServiceResponse::getName).toList());
                            }

                            @Override
                            public void onError(Throwable t) {
                                services.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
        requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();

        assertThat(services.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .contains("toolgate.v1.ToolService", "toolgate.v1.AdminService", "grpc.health.v1.Health");
    }
}
