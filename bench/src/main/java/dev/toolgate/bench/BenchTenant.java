package dev.toolgate.bench;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A fresh tenant with the echo integration and its two tools, set up through AdminService. */
final class BenchTenant {
    static final String WRITE_BODY = "{\"note\":\"bench\"}";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ToolServiceGrpc.ToolServiceBlockingStub tools;
    private final String id;
    private final String apiKey;

    private BenchTenant(ToolServiceGrpc.ToolServiceBlockingStub tools, String id, String apiKey) {
        this.tools = tools;
        this.id = id;
        this.apiKey = apiKey;
    }

    /** The tenant's id. */
    String id() {
        return id;
    }

    /** The agent key the measured calls carry (for a foreign load generator's headers). */
    String apiKey() {
        return apiKey;
    }

    /** The request body of a call of {@code echo.read} or {@code echo.write}. */
    static ExecuteToolRequest request(String tool) {
        return ExecuteToolRequest.newBuilder().setTool("echo." + tool)
                .setArgumentsJson(tool.equals("read") ? "{}" : WRITE_BODY).build();
    }

    static BenchTenant create(Channel channel, String adminKey, String upstreamUrl, String token) {
        AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(bearer(adminKey)).withDeadlineAfter(30, TimeUnit.SECONDS);
        String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("echo_token").setValue(token).build());
        admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant).setName("echo")
                .setBaseUrl(upstreamUrl)
                .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret("echo_token"))).build());
        admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration("echo").setName("read")
                .setDescription("Read from the echo upstream").setMethod("GET").setPath("/echo")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
        admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration("echo").setName("write")
                .setDescription("Write to the echo upstream").setMethod("POST").setPath("/echo")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"note\":{\"type\":\"string\",\"maxLength\":100}},"
                        + "\"required\":[\"note\"],\"additionalProperties\":false}").build());
        String key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("bench")
                .build()).getApiKey();
        return new BenchTenant(ToolServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(key)), tenant, key);
    }

    /** A call of {@code echo.read} or {@code echo.write}; fails unless the upstream answered 200. */
    Driver.Call call(String tool) {
        ExecuteToolRequest request = request(tool);
        return () -> {
            ExecuteToolResponse r = tools.withDeadlineAfter(Driver.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .executeTool(request);
            if (r.getIsError()) {
                throw new IllegalStateException("upstream answered " + r.getUpstreamStatus());
            }
        };
    }

    private static io.grpc.ClientInterceptor bearer(String key) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + key);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
