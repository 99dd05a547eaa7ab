package dev.toolgate.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.admin.IssuedKey;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.gateway.support.McpInspector;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The embedded default: the same Flyway migrations and repositories on H2 in PostgreSQL mode,
 * driven through the demo setup against the Support Desk example upstream.
 */
class DemoOnH2Test {

    private static Map<String, Object> demoProperties(java.nio.file.Path tmp, String database) throws Exception {
        return Map.of(
                "toolgate.policy.dir", DemoPolicies.extract(tmp.resolve("policies")).toString(),
                "datasources.default.url", "jdbc:h2:mem:" + database + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "datasources.default.username", "sa",
                "datasources.default.password", "",
                "grpc.server.port", 0,
                "micronaut.server.port", -1,
                "toolgate.secrets.master-key", "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=",
                "toolgate.egress.allow", "127.0.0.0/8");
    }

    @Test
    void demoSetup_onH2_registersToolsAndExecutesAgainstSupportDesk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        try (ApplicationContext ctx = ApplicationContext.run(demoProperties(tmp, "demo-h2-test"), "h2");
             SupportDeskUpstream upstream = SupportDeskUpstream.start(0)) {
            DemoSetup setup = ctx.getBean(DemoSetup.class);
            setup.apply(upstream.baseUrl(), upstream.token());
            IssuedKey key = setup.apply(upstream.baseUrl(), upstream.token()); // a second start changes no tool

            Catalog catalog = ctx.getBean(Catalog.class);
            assertThat(catalog.list(DemoSetup.TENANT)).extracting(ToolDefinition::qualifiedName)
                    .containsExactly("support_desk.create_support_case", "support_desk.get_support_case");
            assertThat(catalog.list(DemoSetup.TENANT)).allSatisfy(t -> assertThat(t.version()).isEqualTo(1));

            Principal agent = ctx.getBean(Authenticator.class).authenticate("Bearer " + key.apiKey());
            ToolCallService calls = ctx.getBean(ToolCallService.class);
            CallResult created = calls.execute(agent, new ExecuteCommand("support_desk.create_support_case",
                    "{\"customer_id\":\"acme\",\"summary\":\"Printer on fire\",\"priority\":\"high\"}", "h2-call-1", "",
                    Optional.empty()));
            assertThat(created.status()).isEqualTo(CallStatus.SUCCEEDED);
            assertThat(created.resultJson()).contains("\"case_id\":\"CASE-000001\"");
            assertThat(upstream.authorizedRequests()).isEqualTo(1);

            CallResult read = calls.execute(agent, new ExecuteCommand("support_desk.get_support_case",
                    "{\"case_id\":\"CASE-000001\"}", "", "", Optional.empty()));
            assertThat(read.resultJson()).contains("Printer on fire");

            CallRows rows = new CallRows(ctx.getBean(DataSource.class));
            assertThat(rows.call(DemoSetup.TENANT, "h2-call-1")).containsEntry("status", "SUCCEEDED")
                    .containsEntry("upstream_status", 201);
            // the read's whole record is written by the background writer, on H2 as on PostgreSQL
            assertThat(rows.call(DemoSetup.TENANT, read.callId())).containsEntry("status", "SUCCEEDED")
                    .containsEntry("tool_name", "support_desk.get_support_case");
        }
    }

    @Test
    void theDemoTenantsTools_areServedOverMcp_toTheInspector(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        try (ApplicationContext ctx = ApplicationContext.run(demoProperties(tmp, "demo-mcp-test"), "h2");
             SupportDeskUpstream upstream = SupportDeskUpstream.start(0)) {
            IssuedKey key = ctx.getBean(DemoSetup.class).apply(upstream.baseUrl(), upstream.token());
            EmbeddedServer http = ctx.getBean(EmbeddedServer.class).start();
            String url = "http://127.0.0.1:" + http.getPort() + "/mcp";

            McpInspector.Run list = McpInspector.run(url, key.apiKey(), "--method", "tools/list");
            assertThat(list.exit()).as(list.out()).isZero();
            assertThat(list.out()).contains("support_desk__create_support_case", "support_desk__get_support_case");

            McpInspector.Run call = McpInspector.run(url, key.apiKey(), "--method", "tools/call", "--tool-name",
                    "support_desk__create_support_case", "--tool-arg", "customer_id=acme", "summary=Printer on fire",
                    "priority=high");
            assertThat(call.exit()).as(call.out()).isZero();
            assertThat(call.out()).contains("CASE-000001").contains("\"isError\": false");
            assertThat(upstream.authorizedRequests()).isEqualTo(1);
        }
    }
}
