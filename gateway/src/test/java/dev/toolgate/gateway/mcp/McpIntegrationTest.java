package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.McpReferenceServer;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.McpSyncReport;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.SyncMcpIntegrationRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** An MCP server as an integration: its tools synced into the catalog and called through the whole pipeline. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpIntegrationTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    InMemorySpanExporter spans;

    McpReferenceServer server;
    TenantFixture fx;
    McpSyncReport registered;

    /** The tenant the gateway's configuration lets use the stdio server. */
    private static final String STDIO_TENANT = "stdio-" + java.util.UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.telemetry", "memory",
                "toolgate.mcp.stdio-servers", "everything-local " + STDIO_TENANT + " node "
                        + McpReferenceServer.TOOLS.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
                        + " stdio");
    }

    @BeforeAll
    void register() {
        server = McpReferenceServer.start();
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        registered = fx.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                .setName("everything").setUrl(server.url()).setDescription("MCP reference server").build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private ToolServiceGrpc.ToolServiceBlockingStub agent() {
        return fx.agent().withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private ExecuteToolResponse call(String tool, String arguments) {
        return agent().executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(arguments).build());
    }

    @Test
    void registration_storesTheServersTools_withTheirSchemasAndAnnotations() {
        assertThat(registered.getAddedList()).contains("everything.get-sum", "everything.echo", "everything.get-tiny-image");
        assertThat(registered.getServerName()).isNotEmpty();
        assertThat(agent().listTools(ListToolsRequest.getDefaultInstance()).getToolsList())
                .extracting(Tool::getName).contains("everything.get-sum", "everything.get-structured-content");
        Tool sum = agent().getTool(GetToolRequest.newBuilder().setName("everything.get-sum").build());
        assertThat(sum.getInputSchemaJson()).contains("\"a\"", "\"b\"", "number", "draft-07"); // as declared
        assertThat(sum.getDescription()).isNotBlank();

        McpSyncReport again = fx.admin().syncMcpIntegration(SyncMcpIntegrationRequest.newBuilder()
                .setTenant(fx.tenant).setIntegration("everything").build());
        assertThat(again.getAddedList()).isEmpty();
        assertThat(again.getChangedList()).isEmpty();
        assertThat(again.getUnchangedList()).containsAll(registered.getAddedList());
    }

    @Test
    void getSum_answersThroughExecuteTool_andLeavesItsAuditRow() throws Exception {
        ExecuteToolResponse r = call("everything.get-sum", "{\"a\":2,\"b\":3}");

        assertThat(r.getIsError()).isFalse();
        JsonNode result = JSON.readTree(r.getResultJson());
        assertThat(result.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(result.path("content").get(0).path("text").asText()).contains("5");
        assertThat(new CallRows(dataSource).call(fx.tenant, r.getCallId()))
                .containsEntry("tool_name", "everything.get-sum").containsEntry("status", "SUCCEEDED");
    }

    @Test
    void aWrongArgumentType_isRefusedBeforeTheServerIsCalled() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("everything.get-sum", "{\"a\":\"two\",\"b\":3}"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).anySatisfy(v -> assertThat(v.getField()).isEqualTo("/a"));
    }

    @Test
    void richResults_keepEveryPartOfTheMcpAnswer() throws Exception {
        JsonNode image = JSON.readTree(call("everything.get-tiny-image", "{}").getResultJson());
        assertThat(image.path("content").findValuesAsText("type")).contains("image");
        assertThat(image.path("content").findValue("mimeType").asText()).isEqualTo("image/png");

        JsonNode structured = JSON.readTree(call("everything.get-structured-content",
                "{\"location\":\"Chicago\"}").getResultJson());
        assertThat(structured.path("structuredContent").has("temperature")).isTrue();

        JsonNode links = JSON.readTree(call("everything.get-resource-links", "{\"count\":2}").getResultJson());
        assertThat(links.path("content").findValuesAsText("type")).contains("resource_link");

        JsonNode embedded = JSON.readTree(call("everything.get-resource-reference",
                "{\"resourceType\":\"Text\",\"resourceId\":1}").getResultJson());
        assertThat(embedded.path("content").findValuesAsText("type")).contains("resource");
    }

    @Test
    void anErrorResultOfTheServer_isAnAnswerWithIsError() throws Exception {
        ExecuteToolResponse r = call("everything.get-resource-reference",
                "{\"resourceType\":\"Text\",\"resourceId\":0}");

        assertThat(r.getIsError()).isTrue();
        assertThat(JSON.readTree(r.getResultJson()).path("isError").asBoolean()).isTrue();
    }

    @Test
    void serverStopped_isUnavailableWithAClearMessage_andCallsWorkAgainOnceItIsBack() {
        assertThat(call("everything.echo", "{\"message\":\"before\"}").getResultJson()).contains("before");
        server.down();
        try {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> call("everything.echo", "{\"message\":\"while away\"}"));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("MCP server of integration 'everything'")
                    .contains("cannot be reached");
        } finally {
            server.up();
        }
        assertThat(call("everything.echo", "{\"message\":\"after\"}").getResultJson()).contains("after");
    }

    @Test
    void progressNotificationsOfTheServer_becomeEventsOnTheCallsSpan() {
        spans.reset();
        ExecuteToolResponse r = call("everything.trigger-long-running-operation", "{\"duration\":1,\"steps\":2}");

        assertThat(r.getIsError()).as(r.getResultJson()).isFalse();
        SpanData span = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("execute_tool everything.trigger-long-running-operation"))
                .findFirst().orElseThrow();
        assertThat(span.getEvents()).extracting(EventData::getName).contains("mcp.progress");
        assertThat(span.getEvents()).filteredOn(e -> e.getName().equals("mcp.progress"))
                .anySatisfy(e -> assertThat(e.getAttributes().asMap().toString()).contains("mcp.progress.total=2"));
    }

    @Test
    void aStdioServerDeclaredInTheGatewaysConfig_isAnIntegration_thatNoOtherTenantMayName() {
        var admin = dev.toolgate.gateway.support.Clients.bootstrapAdmin(channel);
        admin.createTenant(dev.toolgate.proto.v1.CreateTenantRequest.newBuilder().setId(STDIO_TENANT).build());
        McpSyncReport local = admin.putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(STDIO_TENANT)
                .setName("local").setUrl("stdio:everything-local").build());
        assertThat(local.getAddedList()).contains("local.get-sum");
        String key = admin.createApiKey(dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder().setTenant(STDIO_TENANT)
                .setAgentId("stdio-agent").addScopes("tools:call").build()).getApiKey();
        ExecuteToolResponse r = Clients.tools(channel, key).withDeadlineAfter(20, TimeUnit.SECONDS).executeTool(
                ExecuteToolRequest.newBuilder().setTool("local.get-sum").setArgumentsJson("{\"a\":2,\"b\":3}").build());
        assertThat(r.getResultJson()).contains("5");
        String env = Clients.tools(channel, key).withDeadlineAfter(20, TimeUnit.SECONDS).executeTool(
                ExecuteToolRequest.newBuilder().setTool("local.get-env").setArgumentsJson("{}").build()).getResultJson();
        assertThat(env).contains("PATH").doesNotContain("JAVA_HOME").doesNotContain("TOOLGATE_"); // not the gateway's

        // re-registering the integration closes its client: the server process ends (it used to run on)
        assertThat(stdioServers()).isPositive();
        admin.putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(STDIO_TENANT)
                .setName("local").setUrl("stdio:everything-local").setDescription("re-registered").build());
        dev.toolgate.gateway.support.Eventually.within(java.time.Duration.ofSeconds(20),
                () -> assertThat(stdioServers()).isZero());
        assertThat(Clients.tools(channel, key).withDeadlineAfter(20, TimeUnit.SECONDS).executeTool(
                ExecuteToolRequest.newBuilder().setTool("local.get-sum").setArgumentsJson("{\"a\":2,\"b\":3}").build())
                .getResultJson()).contains("5"); // the next call starts it again

        for (String url : new String[] {"stdio:everything-local", "stdio:bash"}) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                    .putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("local")
                            .setUrl(url).build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("not a stdio MCP server this gateway declares");
        }
    }

    /** Processes of the stdio reference server this gateway started (its children). */
    private static long stdioServers() {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("")
                .contains("server-everything/dist/index.js stdio")).count();
    }
}
