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
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ListToolsResponse;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.SearchToolsRequest;
import dev.toolgate.proto.v1.SearchToolsResponse;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code SearchTools} over a real gRPC channel on one tenant holding eight real API descriptions
 * of the OpenAPI corpus (about 3,000 tools): relevance of queries written from the operations'
 * summaries, visibility (other tenants, other skills), and the built-in
 * {@code toolgate.search_tools} over ExecuteTool and {@code /mcp}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolSearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] APIS = {{"github", "github-api.json.gz"}, {"stripe", "stripe-spec3.json.gz"},
        {"twilio", "twilio-api-v2010.json.gz"}, {"slack", "slack-web-api.json.gz"},
        {"jira", "jira-platform.json.gz"}, {"discord", "discord-openapi.json.gz"}, {"box", "box-openapi.json.gz"},
        {"openai", "openai-openapi.yaml.gz"}};

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    List<Tool> catalog;

    @BeforeAll
    void setUp() throws IOException {
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        for (String[] api : APIS) {
            fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration(api[0])
                    .setDocument(read(api[1])).setOptions(OpenApiImportOptions.newBuilder()
                            .setBaseUrl("http://127.0.0.1:9")).build());
        }
        agent = fx.agent();
        catalog = new ArrayList<>();
        String token = "";
        do {
            ListToolsResponse page = agent.listTools(ListToolsRequest.newBuilder().setPageSize(500)
                    .setPageToken(token).build());
            catalog.addAll(page.getToolsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
    }

    private static String read(String file) throws IOException {
        try (InputStream in = ToolSearchTest.class.getResourceAsStream("/openapi/" + file)) {
            return new String(new GZIPInputStream(new ByteArrayInputStream(in.readAllBytes())).readAllBytes(),
                    StandardCharsets.UTF_8);
        }
    }

    /** The operation's summary: the first paragraph of the imported description, when short. */
    private static String summary(Tool t) {
        String first = t.getDescription().split("\n\n", 2)[0].strip();
        return first.length() <= 120 && first.split("\\s+").length >= 2 ? first : "";
    }

    @Test
    void queriesWrittenFromSummaries_findTheOperationInTheTopFive_forAtLeastNinetyPercent() {
        int queries = 0;
        int found = 0;
        int first = 0;
        for (Tool t : catalog) {
            String query = summary(t);
            if (query.isEmpty()) {
                continue;
            }
            queries++;
            List<String> names = agent.searchTools(SearchToolsRequest.newBuilder().setQuery(query).setLimit(5)
                    .build()).getToolsList().stream().map(Tool::getName).toList();
            if (names.contains(t.getName())) {
                found++;
            }
            if (!names.isEmpty() && names.get(0).equals(t.getName())) {
                first++;
            }
        }
        double top5 = 100.0 * found / queries;
        System.out.printf("tool search relevance: %d queries over %d tools, top-5 %.1f %%, top-1 %.1f %%%n",
                queries, catalog.size(), top5, 100.0 * first / queries);
        assertThat(queries).isGreaterThan(1_500);
        assertThat(top5).isGreaterThanOrEqualTo(90.0);
    }

    @Test
    void results_areCompleteTools_bestFirst_andFiltered() {
        SearchToolsResponse r = agent.searchTools(SearchToolsRequest.newBuilder()
                .setQuery("create a refund for a charge").setLimit(3).setIntegration("stripe").build());

        assertThat(r.getToolsList()).hasSize(3).allSatisfy(t -> {
            assertThat(t.getIntegration()).isEqualTo("stripe");
            assertThat(t.getInputSchemaJson()).startsWith("{");
        });
        assertThat(r.getTools(0).getName()).contains("refund");
        assertThat(r.getScoresList()).isSortedAccordingTo((a, b) -> Float.compare(b, a));
    }

    @Test
    void anotherTenantsTools_andAnotherSkillsTools_areNeverFound() {
        TenantFixture other = TenantFixture.create(channel, "http://127.0.0.1:9");
        other.lookupTool("lookup");
        assertThat(Clients.tools(channel, other.agentKey).searchTools(SearchToolsRequest.newBuilder()
                .setQuery("list repositories for the authenticated user").build()).getToolsList()).isEmpty();

        fx.admin().createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("chat")
                .addTools("slack").build());
        var issued = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("chatter").addScopes("tools:call").build());
        fx.admin().assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill("chat")
                .setKeyId(issued.getKeyId()).build());
        ToolServiceGrpc.ToolServiceBlockingStub chatter = Clients.tools(channel, issued.getApiKey());
        List<Tool> found = chatter.searchTools(SearchToolsRequest.newBuilder()
                .setQuery("list repositories for the authenticated user messages channel").setLimit(50).build())
                .getToolsList();
        assertThat(found).isNotEmpty().allSatisfy(t -> assertThat(t.getIntegration()).isEqualTo("slack"));
    }

    @Test
    void anEmptyOrHugeQuery_isInvalidArgument() {
        for (String query : List.of("", "   ", "x".repeat(1_001))) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> agent.searchTools(SearchToolsRequest.newBuilder().setQuery(query).build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    @Test
    void theBuiltInSearchTool_overExecuteTool_andMcp_returnsToolsReadyToCall() throws Exception {
        ExecuteToolResponse r = agent.executeTool(ExecuteToolRequest.newBuilder().setTool("toolgate.search_tools")
                .setArgumentsJson("{\"query\":\"send a message to a slack channel\",\"limit\":5}").build());
        JsonNode tools = JSON.readTree(r.getResultJson()).path("tools");
        assertThat(tools).hasSize(5);
        assertThat(tools.get(0).path("inputSchema").path("type").asText()).isEqualTo("object");
        assertThat(tools.findValuesAsText("name")).anyMatch(n -> n.startsWith("slack__chat"));

        JsonNode list = mcp("tools/list", "{}");
        assertThat(list.at("/result/tools/0/name").asText()).isEqualTo("toolgate__search_tools");
        JsonNode call = mcp("tools/call", "{\"name\":\"toolgate__search_tools\",\"arguments\":"
                + "{\"query\":\"create a customer\",\"integration\":\"stripe\"}}");
        assertThat(call.at("/result/isError").asBoolean()).isFalse();
        JsonNode found = call.at("/result/structuredContent/tools");
        assertThat(found.size()).isPositive();
        assertThat(found.get(0).path("name").asText()).startsWith("stripe__");
        JsonNode bad = mcp("tools/call", "{\"name\":\"toolgate__search_tools\",\"arguments\":{}}");
        assertThat(bad.at("/result/isError").asBoolean()).isTrue();
    }

    private JsonNode mcp(String method, String params) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + fx.agentKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":" + params + "}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
