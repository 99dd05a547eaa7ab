package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** When PostgreSQL goes away, calls are refused as UNAVAILABLE and nothing is executed. */
class DatabaseDownTest {
    private static final String VALID = "{\"customer_id\":\"a\",\"summary\":\"b\",\"priority\":\"low\"}";

    @Test
    void databaseGone_refusesWithUnavailable_andNeverCallsTheUpstream() throws Exception {
        // caches off: this test is about reads that reach the database (a cached key or secret keeps
        // working for its ttl, and the call still fails closed on its call record)
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("grpc.server.port", 0,
                "toolgate.auth.cache-ttl", "0s", "toolgate.secrets.cache-ttl", "0s"), "test");
             TestUpstream upstream = TestUpstream.start().route("/cases", r -> Reply.json(201, "{}"))) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
                    ctx.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
            try {
                TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
                fx.createCaseTool("/cases", 2_000);
                fx.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                        .setName("open").setBaseUrl(upstream.baseUrl()).build());
                fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("open")
                        .setName("create_case").setDescription("no credentials needed").setMethod("POST")
                        .setPath("/cases").setInputSchemaJson(TenantFixture.CASE_SCHEMA).build());
                Principal agent = ctx.getBean(Authenticator.class).authenticate("Bearer " + fx.agentKey);
                assertThat(ctx.getBean(Catalog.class).list(fx.tenant)).hasSize(2); // cached from here on

                DelegatingDataSource.unwrapDataSource(ctx.getBean(DataSource.class)).unwrap(HikariDataSource.class).close();

                StatusRuntimeException overGrpc = catchThrowableOfType(StatusRuntimeException.class, () ->
                        fx.agent().listTools(ListToolsRequest.getDefaultInstance()));
                assertThat(overGrpc.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(overGrpc.getStatus().getDescription()).contains("retry later");
                assertThat(Clients.errorInfo(overGrpc).getReason()).isEqualTo("CREDENTIAL_STORE_UNAVAILABLE");

                ToolCallService calls = ctx.getBean(ToolCallService.class);
                GatewayException noRecord = catchThrowableOfType(GatewayException.class, () -> calls.execute(agent,
                        new ExecuteCommand("open.create_case", VALID, "db-down-1", "", Optional.empty())));
                assertThat(noRecord.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(noRecord.reason()).isEqualTo("CALL_RECORD_UNAVAILABLE");
                GatewayException noSecret = catchThrowableOfType(GatewayException.class, () -> calls.execute(agent,
                        new ExecuteCommand("desk.create_case", VALID, "db-down-2", "", Optional.empty())));
                assertThat(noSecret.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(noSecret.reason()).isEqualTo("STORAGE_UNAVAILABLE");
                assertThat(upstream.exchanges()).isEmpty();

                StatusRuntimeException execute = catchThrowableOfType(StatusRuntimeException.class, () ->
                        fx.agent().executeTool(ExecuteToolRequest.newBuilder()
                                .setTool("desk.create_case").setArgumentsJson(VALID).build()));
                assertThat(execute.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(upstream.exchanges()).isEmpty();
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
