package dev.toolgate.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.McpInspector;
import dev.toolgate.gateway.support.McpSdkClient;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ListToolsResponse;
import dev.toolgate.proto.v1.McpSyncReport;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.HttpAuth;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant with 1,500 tools over {@code /mcp}, as the official clients see it: the MCP
 * TypeScript SDK pages through all of them with cursors, searches with
 * {@code toolgate__search_tools} and calls a tool it found; the MCP Inspector CLI lists the first
 * page; and a second gateway tenant that registers this {@code /mcp} as an MCP integration (a
 * chain of two gateways) syncs all 1,500 and calls through both.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BigCatalogOverMcpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OPERATIONS = 1_500;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    TestUpstream upstream;
    TenantFixture fx;

    @BeforeAll
    void setUp() throws java.io.IOException {
        upstream = TestUpstream.start().route("/r", r -> Reply.json(200, "{\"found\":true}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("big")
                .setDocument(BigCatalog.document(OPERATIONS).replace("http://127.0.0.1:9", upstream.baseUrl()))
                .setOptions(OpenApiImportOptions.getDefaultInstance()).build());
    }

    @AfterAll
    void tearDown() {
        upstream.close();
    }

    private String url() {
        return "http://127.0.0.1:" + http.getPort() + "/mcp";
    }

    @Test
    void theTypeScriptSdk_pagesThroughAll1500Tools_withCursors() throws Exception {
        McpSdkClient.Run run = McpSdkClient.run(url(), fx.agentKey, "list");

        assertThat(run.exit()).as(run.out()).isZero();
        List<String> names = new ArrayList<>();
        run.json().path("names").forEach(n -> names.add(n.asText()));
        assertThat(names).hasSize(OPERATIONS + 2).doesNotHaveDuplicates().startsWith("toolgate__search_tools")
                .contains("big__op_0000", "big__op_1499");
        assertThat(run.json().path("pages").size()).isEqualTo(15);
        assertThat(run.json().path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @Test
    void theInspectorCli_listsTheFirstPage_withANextCursor() throws Exception {
        McpInspector.Run list = McpInspector.run(url(), fx.agentKey, "--method", "tools/list");

        assertThat(list.exit()).as(list.out()).isZero();
        JsonNode page = JSON.readTree(list.out());
        assertThat(page.path("tools").size()).isEqualTo(102); // the two built-ins (search, session summary) and 100 tools
        assertThat(page.path("nextCursor").asText()).isNotEmpty();
    }

    @Test
    void theTypeScriptSdk_searchesTools_thenCallsTheOneItFound() throws Exception {
        McpSdkClient.Run run = McpSdkClient.run(url(), fx.agentKey, "search", "list refund number 1055",
                "{\"id\":\"R-1\"}");

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.json().path("called").asText()).isEqualTo("big__op_1055");
        JsonNode result = run.json().path("result");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.path("structuredContent").path("found").asBoolean()).isTrue();
        assertThat(upstream.exchangesTo("/r1055/")).isNotEmpty();
    }

    @Test
    void aSecondGateway_chainedToThisOnesMcpEndpoint_syncsAll1500Tools_andCallsThroughBoth() throws Exception {
        TenantFixture downstream = TenantFixture.create(channel, upstream.baseUrl());
        downstream.admin().putSecret(PutSecretRequest.newBuilder().setTenant(downstream.tenant).setName("gw_key")
                .setValue(fx.agentKey).build());

        // the gateway refuses to call its own ports; a TCP relay stands for "another gateway's address"
        try (dev.toolgate.observability.testing.TcpProxy relay = dev.toolgate.observability.testing.TcpProxy.start(
                "127.0.0.1", http.getPort())) {
            chainThrough("http://127.0.0.1:" + relay.port() + "/mcp", downstream);
        }
    }

    private void chainThrough(String otherGateway, TenantFixture downstream) {
        McpSyncReport report = downstream.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder()
                .setTenant(downstream.tenant).setName("gw").setUrl(otherGateway)
                .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret("gw_key"))).build());

        assertThat(report.getRejectedMap()).isEmpty();
        assertThat(report.getAddedList()).hasSize(OPERATIONS + 2).contains("gw.big_op_0000", "gw.big_op_1499");
        int listed = 0;
        String token = "";
        do {
            ListToolsResponse page = downstream.agent().listTools(ListToolsRequest.newBuilder().setIntegration("gw")
                    .setPageToken(token).build());
            listed += page.getToolsCount();
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(listed).isEqualTo(OPERATIONS + 2);

        ExecuteToolResponse r = Clients.tools(channel, downstream.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                .setTool("gw.big_op_0777").setArgumentsJson("{\"id\":\"chained\"}").build());
        assertThat(r.getIsError()).as(r.getResultJson()).isFalse();
        assertThat(upstream.exchangesTo("/r0777/chained")).hasSize(1);
    }
}
