package dev.toolgate.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.AssignSkillRequest;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateSkillRequest;
import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.ExportToolsResponse;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ListToolsResponse;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant with 1,500 imported tools (plus two hand-made ones) listed over a real gRPC channel
 * and over {@code /mcp}: every page is small, the pages together are the catalog exactly once,
 * tokens only work for the key, filters and revision they were made for, and a key with a skill
 * pages through its skill's tools only.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolPagingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OPERATIONS = 1_500;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    String skilledKey;

    @BeforeAll
    void setUp() {
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        fx.createCaseTool("/cases", 5_000);
        fx.lookupTool("lookup");
        BigCatalog.importInto(fx.admin(), fx.tenant, "big", OPERATIONS);
        agent = fx.agent();
        fx.admin().createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("tens")
                .addTools("big.op_001?").build());
        var issued = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("skilled").addScopes("tools:call").build());
        fx.admin().assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill("tens")
                .setKeyId(issued.getKeyId()).build());
        skilledKey = issued.getApiKey();
    }

    private static List<ListToolsResponse> allPages(ToolServiceGrpc.ToolServiceBlockingStub stub,
            ListToolsRequest first) {
        List<ListToolsResponse> pages = new ArrayList<>();
        ListToolsRequest request = first;
        while (true) {
            ListToolsResponse page = stub.listTools(request);
            pages.add(page);
            if (page.getNextPageToken().isEmpty()) {
                return pages;
            }
            request = request.toBuilder().setPageToken(page.getNextPageToken()).build();
        }
    }

    private static List<String> names(List<ListToolsResponse> pages) {
        return pages.stream().flatMap(p -> p.getToolsList().stream()).map(Tool::getName).toList();
    }

    @Test
    void listTools_pagesOfAHundred_holdTheWholeCatalogOnceInOrder() {
        List<ListToolsResponse> pages = allPages(agent, ListToolsRequest.getDefaultInstance());

        List<String> names = names(pages);
        assertThat(names).hasSize(OPERATIONS + 2).doesNotHaveDuplicates().isSorted();
        assertThat(pages).hasSize(16);
        assertThat(pages.subList(0, 15)).allSatisfy(p -> assertThat(p.getToolsCount()).isEqualTo(100));
        assertThat(pages).allSatisfy(p -> assertThat(p.getSerializedSize()).isLessThan(1 << 20));
    }

    @Test
    void listTools_pageSizeAboveTheMaximum_isLowered_andFiltersApplyBeforePaging() {
        ListToolsResponse big = agent.listTools(ListToolsRequest.newBuilder().setPageSize(100_000).build());
        assertThat(big.getToolsCount()).isEqualTo(ToolPages.MAX_PAGE_SIZE);

        List<ListToolsResponse> desk = allPages(agent, ListToolsRequest.newBuilder().setIntegration("desk")
                .setPageSize(1).build());
        assertThat(names(desk)).containsExactly("desk.create_case", "desk.lookup");
        assertThat(desk).hasSize(2);
        assertThat(desk.get(1).getNextPageToken()).isEmpty();
    }

    @Test
    void aKeyWithASkill_pagesThroughItsSkillsToolsOnly_andItsTokensAreNoOneElses() {
        ToolServiceGrpc.ToolServiceBlockingStub skilled = Clients.tools(channel, skilledKey);

        List<ListToolsResponse> pages = allPages(skilled, ListToolsRequest.newBuilder().setPageSize(4).build());

        assertThat(names(pages)).hasSize(10).allMatch(n -> n.startsWith("big.op_001"));
        assertThat(pages).hasSize(3); // 4 + 4 + 2: no empty page reveals hidden tools after the last
        String token = pages.get(0).getNextPageToken();
        StatusRuntimeException stolen = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.listTools(ListToolsRequest.newBuilder().setPageSize(4).setPageToken(token).build()));
        assertThat(Clients.errorInfo(stolen).getReason()).isEqualTo(PageTokens.INVALID);
        // the skill filter of a tenant-wide key is the same set
        assertThat(names(allPages(agent, ListToolsRequest.newBuilder().setSkill("tens").build())))
                .isEqualTo(names(pages));
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> skilled.listTools(ListToolsRequest.newBuilder().setSkill("other").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void pageTokens_alteredOrForOtherFilters_areInvalidArguments() {
        String token = agent.listTools(ListToolsRequest.getDefaultInstance()).getNextPageToken();
        String altered = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);

        for (ListToolsRequest bad : List.of(
                ListToolsRequest.newBuilder().setPageToken(altered).build(),
                ListToolsRequest.newBuilder().setPageToken("garbage").build(),
                ListToolsRequest.newBuilder().setPageToken(token).setIntegration("big").build())) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> agent.listTools(bad));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Clients.errorInfo(e).getReason()).isEqualTo(PageTokens.INVALID);
            assertThat(Clients.violations(e)).extracting(v -> v.getField()).containsExactly("page_token");
        }
        String exportToken = agent.exportTools(ExportToolsRequest.newBuilder()
                .setFormat(ExportFormat.EXPORT_FORMAT_OPENAI).build()).getNextPageToken();
        StatusRuntimeException crossed = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.listTools(ListToolsRequest.newBuilder().setPageToken(exportToken).build()));
        assertThat(Clients.errorInfo(crossed).getReason()).isEqualTo(PageTokens.INVALID);
    }

    @Test
    void aTokenOfAnOlderCatalogRevision_isExpired() {
        TenantFixture small = TenantFixture.create(channel, "http://127.0.0.1:9");
        small.createCaseTool("/cases", 5_000);
        small.lookupTool("lookup");
        String token = small.agent().listTools(ListToolsRequest.newBuilder().setPageSize(1).build())
                .getNextPageToken();
        small.lookupTool("lookup_again");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> small.agent()
                .listTools(ListToolsRequest.newBuilder().setPageSize(1).setPageToken(token).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo(PageTokens.EXPIRED);
    }

    @Test
    void exportTools_pages_andTheJsonOfAllPagesIsTheCatalog() throws Exception {
        List<String> exported = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ExportToolsResponse page = agent.exportTools(ExportToolsRequest.newBuilder()
                    .setFormat(ExportFormat.EXPORT_FORMAT_ANTHROPIC).setPageSize(400).setPageToken(token).build());
            JsonNode json = JSON.readTree(page.getToolsJson());
            assertThat(json).hasSize(page.getToolsCount());
            json.forEach(t -> exported.add(t.get("name").asText()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(4);
        assertThat(exported).hasSize(OPERATIONS + 2).doesNotHaveDuplicates();
    }

    @Test
    void mcpToolsList_pagesWithCursors_andAnInvalidCursorIsInvalidParams() throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String params = cursor == null ? "{}" : "{\"cursor\":" + JSON.writeValueAsString(cursor) + "}";
            JsonNode result = mcp(fx.agentKey, params).path("result");
            result.path("tools").forEach(t -> names.add(t.get("name").asText()));
            cursor = result.has("nextCursor") ? result.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(16);
        assertThat(names).hasSize(OPERATIONS + 4).doesNotHaveDuplicates() // the two built-ins lead (search, session summary)
                .startsWith(SearchToolsTool.EXPORTED_NAME);

        JsonNode bad = mcp(fx.agentKey, "{\"cursor\":\"not-a-cursor\"}");
        assertThat(bad.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(bad.at("/error/message").asText()).contains(PageTokens.INVALID);
        String grpcToken = agent.listTools(ListToolsRequest.getDefaultInstance()).getNextPageToken();
        assertThat(mcp(fx.agentKey, "{\"cursor\":\"" + grpcToken + "\"}").at("/error/code").asInt())
                .isEqualTo(-32602);
        String skilledFirst = mcp(skilledKey, "{}").path("result").path("nextCursor").asText("");
        assertThat(skilledFirst).isEmpty(); // ten tools: one page
    }

    private JsonNode mcp(String key, String params) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":" + params + "}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
