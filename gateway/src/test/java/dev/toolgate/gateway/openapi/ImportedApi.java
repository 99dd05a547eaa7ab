package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.UUID;

/**
 * What the document-fragment tests import into and call through: a fresh tenant with the bootstrap
 * admin and an agent key, and a real upstream on 127.0.0.1 that answers {@code {"ok":true}} and
 * records what it receives. Every import points at that upstream.
 */
final class ImportedApi implements AutoCloseable {
    final TestUpstream upstream;
    final String tenant;
    final AdminServiceGrpc.AdminServiceBlockingStub admin;
    final ToolServiceGrpc.ToolServiceBlockingStub tools;

    private ImportedApi(TestUpstream upstream, String tenant, AdminServiceGrpc.AdminServiceBlockingStub admin,
            ToolServiceGrpc.ToolServiceBlockingStub tools) {
        this.upstream = upstream;
        this.tenant = tenant;
        this.admin = admin;
        this.tools = tools;
    }

    /** @param prefix the start of the tenant's name, telling which test made it */
    static ImportedApi start(ManagedChannel channel, String prefix) throws Exception {
        TestUpstream upstream = TestUpstream.start().route("/", r -> Reply.json(200, "{\"ok\":true}"));
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
        String tenant = prefix + "-" + UUID.randomUUID().toString().substring(0, 10);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        ToolServiceGrpc.ToolServiceBlockingStub tools = Clients.tools(channel, admin.createApiKey(
                CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("bot").build()).getApiKey());
        return new ImportedApi(upstream, tenant, admin, tools);
    }

    ImportOpenApiResponse importDoc(String integration, String document, OpenApiImportOptions.Builder options) {
        return admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration(integration)
                .setDocument(document).setOptions(options.setBaseUrl(upstream.baseUrl())).build());
    }

    void putSecret(String name, String value) {
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName(name).setValue(value).build());
    }

    ExecuteToolResponse call(String tool, String args) {
        return tools.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    StatusRuntimeException refusedCall(String tool, String args) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> call(tool, args));
    }

    JsonNode inputSchema(String tool) throws Exception {
        return JsonSupport.mapper().readTree(tools.getTool(GetToolRequest.newBuilder().setName(tool).build())
                .getInputSchemaJson());
    }

    /** The last request the upstream received; there must be one. */
    TestUpstream.Exchange last() {
        List<TestUpstream.Exchange> all = upstream.exchanges();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
