package dev.toolgate.gateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationRepository;
import dev.toolgate.gateway.resilience.IntegrationGuard;
import dev.toolgate.gateway.resilience.IntegrationGuards;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.SqlConnectionSpec;
import dev.toolgate.proto.v1.SqlToolSpec;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What the gateway keeps per integration is dropped when the integration is replaced or the
 * secret it was opened with is rotated: the SQL pool's sessions end (PostgreSQL's
 * {@code pg_stat_activity} shows none left under the pool's {@code application_name}) and the
 * circuit breaker starts afresh. Before, a pool lived on with its idle sessions until the
 * integration's next call (or the pool's one-minute idle timeout), and a re-registration with the
 * same settings kept the old pool and breaker.
 */
@MicronautTest
class IntegrationLifecycleTest {
    /** Well inside the pools' one-minute idle timeout, which would close the sessions anyway. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(20);

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    IntegrationGuards guards;

    @Inject
    IntegrationRepository integrations;

    @Value("${datasources.default.url}")
    String databaseUrl;

    private final String appName = "tg-lifecycle-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void rotatingThePasswordSecret_endsThePoolsSessions_andTheNextCallConnectsAgain() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
        admin.putSecret(secret(fx, "first"));
        admin.putSqlIntegration(integration(fx));
        assertThat(call(fx).getIsError()).isFalse();
        assertThat(sessions()).isPositive(); // the pool keeps its connection for the next call

        admin.putSecret(secret(fx, "second")); // rotated: sessions opened with "first" must go

        Eventually.within(CLOSED_WITHIN, () -> assertThat(sessions()).isZero());
        assertThat(call(fx).getIsError()).isFalse();
        assertThat(sessions()).isPositive();
    }

    @Test
    void reRegisteringTheIntegration_endsTheOldPoolsSessions_andResetsItsCircuit() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
        admin.putSecret(secret(fx, "pw"));
        admin.putSqlIntegration(integration(fx));
        assertThat(call(fx).getIsError()).isFalse();
        assertThat(sessions()).isPositive();
        IntegrationGuard before = guards.of(entity(fx));

        admin.putSqlIntegration(integration(fx)); // the same declaration again: a re-import

        Eventually.within(CLOSED_WITHIN, () -> assertThat(sessions()).isZero());
        assertThat(guards.of(entity(fx))).isNotSameAs(before);
        assertThat(call(fx).getIsError()).isFalse();
    }

    private IntegrationEntity entity(TenantFixture fx) {
        return integrations.findByTenantIdAndName(fx.tenant, "ledger").orElseThrow();
    }

    private static PutSecretRequest secret(TenantFixture fx, String value) {
        return PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("ledger_password").setValue(value).build();
    }

    private PutSqlIntegrationRequest integration(TenantFixture fx) {
        String url = databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "ApplicationName=" + appName;
        return PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("ledger")
                .setConnection(SqlConnectionSpec.newBuilder().setJdbcUrl(url)
                        .setUser(dev.toolgate.gateway.support.TestDatabase.user())
                        .setPasswordSecret("ledger_password").setPoolSize(1))
                .addTools(SqlToolSpec.newBuilder().setName("one").setDescription("Returns one")
                        .setSql("SELECT 1 AS one"))
                .build();
    }

    private ExecuteToolResponse call(TenantFixture fx) {
        ToolServiceGrpc.ToolServiceBlockingStub agent = Clients.tools(channel, fx.agentKey);
        return agent.executeTool(ExecuteToolRequest.newBuilder().setTool("ledger.one").setArgumentsJson("{}").build());
    }

    /** Sessions open under this test's pool's application name. */
    private int sessions() {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, appName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
