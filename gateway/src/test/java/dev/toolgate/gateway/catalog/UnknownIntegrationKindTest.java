package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.Tool;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An integration row whose kind this gateway does not know (written by a newer version) loads with
 * the catalog; only calls to its tools are refused, and nothing reaches the upstream.
 */
@MicronautTest
class UnknownIntegrationKindTest {
    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    Catalog catalog;

    @Test
    void executeTool_integrationKindFromANewerVersion_isRefusedAndTheCatalogStillLoads() throws SQLException {
        gateway.fixture().createCaseTool("/cases", 5_000);
        storeKind(gateway.tenant(), "desk", "ftp");
        catalog.invalidate(gateway.tenant());

        assertThat(gateway.agent().listTools(ListToolsRequest.getDefaultInstance()).getToolsList())
                .extracting(Tool::getName).containsExactly("desk.create_case");
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> gateway.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                        .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}")
                        .build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("INTEGRATION_KIND_UNKNOWN");
        assertThat(e.getStatus().getDescription()).contains("has kind 'ftp'");
        assertThat(gateway.upstream().exchanges()).isEmpty();
    }

    private static void storeKind(String tenant, String integration, String kind) throws SQLException {
        try (Connection c = TestDatabase.dataSource(TestDatabase.url()).getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE integrations SET kind = ? WHERE tenant_id = ? AND name = ?")) {
            update.setString(1, kind);
            update.setString(2, tenant);
            update.setString(3, integration);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
