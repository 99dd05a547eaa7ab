package dev.toolgate.gateway.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.SqlConnectionSpec;
import dev.toolgate.proto.v1.SqlToolSpec;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import dev.toolgate.gateway.management.ManagementServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The attacks of the security review, with loopback allowed as a deployment with a local upstream
 * allows it: a tenant's tools must still not reach the gateway's own database, its own ports or the
 * cloud metadata address. With the old single switch ({@code allow-private-networks=true}) each of
 * these went through.
 */
@MicronautTest
@Property(name = "toolgate.egress.allow", value = "127.0.0.0/8,::1")
class EgressAttackTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    GrpcEmbeddedServer grpcServer;

    @Inject
    EmbeddedServer httpServer;

    @Inject
    ManagementServer management;

    @Inject
    DataSource dataSource;

    @Value("${datasources.default.url}")
    String gatewayDatabaseUrl;

    @Test
    void putSqlIntegration_onTheGatewaysOwnDatabase_isEgressDeniedAndNothingIsStored() {
        TenantFixture fx = TenantFixture.create(channel, "https://api.example.com");
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
        for (String url : new String[] {gatewayDatabaseUrl, gatewayDatabaseUrl.replace("127.0.0.1", "localhost")}) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                    admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant)
                            .setIntegration("steal")
                            .setConnection(SqlConnectionSpec.newBuilder().setJdbcUrl(url).setUser(dev.toolgate.gateway.support.TestDatabase.user()))
                            .addTools(SqlToolSpec.newBuilder().setName("keys").setDescription("every tenant's keys")
                                    .setSql("SELECT * FROM api_keys"))
                            .build()));

            assertThat(e.getStatus().getCode()).as(url).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
            assertThat(e.getStatus().getDescription()).contains("the gateway's own endpoints");
        }
        assertThat(fx.agent().listTools(
                dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList())
                .noneMatch(t -> t.getName().startsWith("steal."));
    }

    @Test
    void execute_toolPointedAtTheGatewaysOwnHttpPort_isEgressDeniedAndRecorded() {
        String own = "http://127.0.0.1:" + httpServer.getPort();
        TenantFixture fx = TenantFixture.create(channel, own);
        getTool(fx, "metrics", "/metrics");

        StatusRuntimeException e = call(fx, "desk.metrics", "own-http");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
        assertThat(new CallRows(dataSource).call(fx.tenant, "own-http")).containsEntry("status", "DENIED");
    }

    @Test
    void execute_toolPointedAtTheManagementListener_isEgressDeniedAndRecorded() {
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            TenantFixture fx = TenantFixture.create(channel, "http://" + host + ":" + management.port());
            getTool(fx, "metrics", "/metrics");

            StatusRuntimeException e = call(fx, "desk.metrics", "own-management");

            assertThat(e.getStatus().getCode()).as(host).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
            assertThat(e.getStatus().getDescription()).contains("the gateway's own endpoints");
            assertThat(new CallRows(dataSource).call(fx.tenant, "own-management")).containsEntry("status", "DENIED");
        }
    }

    @Test
    void execute_toolPointedAtTheGatewaysOwnGrpcPortByName_isEgressDenied() {
        TenantFixture fx = TenantFixture.create(channel, "http://localhost:" + grpcServer.getPort());
        getTool(fx, "grpc", "/");

        StatusRuntimeException e = call(fx, "desk.grpc", "own-grpc");

        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
    }

    @Test
    void execute_toolPointedAtCloudMetadata_isEgressDenied() {
        TenantFixture fx = TenantFixture.create(channel, "http://169.254.169.254");
        getTool(fx, "meta", "/latest/meta-data/iam/security-credentials/");

        StatusRuntimeException e = call(fx, "desk.meta", "metadata");

        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
        assertThat(e.getStatus().getDescription()).contains("link-local (cloud metadata)");
    }

    private void getTool(TenantFixture fx, String name, String path) {
        Clients.bootstrapAdmin(channel).upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("desk").setName(name).setDescription("read " + path).setMethod("GET").setPath(path)
                .setInputSchemaJson("{\"type\":\"object\"}").build());
    }

    private StatusRuntimeException call(TenantFixture fx, String tool, String callId) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> fx.agent()
                .executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setCallId(callId)
                        .setArgumentsJson("{}").build()));
    }
}
