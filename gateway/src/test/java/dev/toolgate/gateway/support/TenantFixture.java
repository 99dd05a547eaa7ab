package dev.toolgate.gateway.support;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Channel;
import java.util.List;
import java.util.UUID;

/**
 * A fresh tenant per test (unique name, so tests never see each other's rows) with an agent
 * key, a bearer secret and an HTTP integration {@code desk} pointing at a test upstream.
 */
public final class TenantFixture {
    public static final String CASE_SCHEMA = """
            {"type":"object",
             "properties":{
               "customer_id":{"type":"string","minLength":1},
               "summary":{"type":"string","minLength":1},
               "priority":{"type":"string","enum":["low","medium","high"]}},
             "required":["customer_id","summary","priority"],
             "additionalProperties":false}""";

    public final String tenant;
    public final String agentKey;
    public final String token;
    private final AdminServiceGrpc.AdminServiceBlockingStub admin;
    private final Channel channel;

    private TenantFixture(String tenant, String agentKey, String token, AdminServiceGrpc.AdminServiceBlockingStub admin,
            Channel channel) {
        this.channel = channel;
        this.tenant = tenant;
        this.agentKey = agentKey;
        this.token = token;
        this.admin = admin;
    }

    public static TenantFixture create(Channel channel, String baseUrl) {
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
        String token = "tok_" + UUID.randomUUID().toString().replace("-", "");
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("desk_token").setValue(token).build());
        admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant).setName("desk")
                .setBaseUrl(baseUrl)
                .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret("desk_token")))
                .build());
        String key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("agent-1")
                .addScopes("tools:call").build()).getApiKey();
        return new TenantFixture(tenant, key, token, admin, channel);
    }

    /** {@code desk.create_case}: POST {path} with the three case fields in the body. */
    public Tool createCaseTool(String path, long timeoutMillis) {
        return admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration("desk")
                .setName("create_case").setDescription("Open a support case").setMethod("POST").setPath(path)
                .setInputSchemaJson(CASE_SCHEMA)
                .setTimeout(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(timeoutMillis / 1000).setNanos((int) (timeoutMillis % 1000) * 1_000_000))
                .build());
    }

    /** {@code desk.<name>}: GET /items/{item_id} with a query and a header argument. */
    public Tool lookupTool(String name) {
        return admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration("desk")
                .setName(name).setDescription("Look up an item").setMethod("GET").setPath("/items/{item_id}")
                .setInputSchemaJson("""
                        {"type":"object","properties":{
                          "item_id":{"type":"string"},
                          "tags":{"type":"array","items":{"type":"string"}},
                          "locale":{"type":"string"},
                          "limit":{"type":"integer"}},
                         "required":["item_id"]}""")
                .addParams(ParamBinding.newBuilder().setArgument("item_id").setLocation(ParamLocation.PARAM_LOCATION_PATH))
                .addParams(ParamBinding.newBuilder().setArgument("tags").setLocation(ParamLocation.PARAM_LOCATION_QUERY).setName("tag"))
                .addParams(ParamBinding.newBuilder().setArgument("locale").setLocation(ParamLocation.PARAM_LOCATION_HEADER).setName("Accept-Language"))
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true))
                .build());
    }

    public AdminServiceGrpc.AdminServiceBlockingStub admin() {
        return admin;
    }

    /** {@code ToolService} on the fixture's channel with the key of {@code agent-1} ({@code tools:call}). */
    public ToolServiceGrpc.ToolServiceBlockingStub agent() {
        return Clients.tools(channel, agentKey);
    }

    /** A new key of this tenant for {@code agentId} with {@code scopes}. */
    public String key(String agentId, String... scopes) {
        return admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId(agentId)
                .addAllScopes(List.of(scopes)).build()).getApiKey();
    }

    /** {@code ToolService} as a new key of {@code agentId} with {@code scopes}. */
    public ToolServiceGrpc.ToolServiceBlockingStub toolsAs(String agentId, String... scopes) {
        return Clients.tools(channel, key(agentId, scopes));
    }
}
