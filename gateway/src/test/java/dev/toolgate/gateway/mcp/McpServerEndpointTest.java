package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.McpInspector;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Toolgate as an MCP server: the official MCP Inspector CLI lists and calls a tenant's tools at
 * {@code /mcp}, with the tenant's API key; the policy decides what an agent sees and may call.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerEndpointTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    @Inject
    DataSource dataSource;

    @Inject
    InMemorySpanExporter spans;

    TestUpstream upstream;
    TenantFixture fx;

    @Override
    public Map<String, String> getProperties() {
        Path dir = PolicyFiles.newDirectory("toolgate-mcp-policies");
        PolicyFiles.write(dir, "_all", """
                rules:
                  - id: apps-ask-their-user
                    effect: allow
                    tools: ["desk.create_case"]
                    agents: ["app-*"]
                    confirm: true
                    self_confirm: true
                  - id: no-lookups
                    effect: deny
                    tools: ["desk.lookup"]
                    agents: ["*"]
                  - id: everything-else
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """);
        return Map.of("toolgate.policy.dir", dir.toString(), "test.telemetry", "memory",
                "toolgate.mcp.notify-interval", "200ms");
    }

    @BeforeAll
    void setUp() throws IOException {
        upstream = TestUpstream.start().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-42\",\"status\":\"open\"}"))
                .route("/items/", r -> Reply.json(200, "{\"item\":\"x\"}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
        fx.lookupTool("lookup");
    }

    @AfterAll
    void tearDown() {
        upstream.close();
    }

    private String url() {
        return "http://127.0.0.1:" + http.getPort() + "/mcp";
    }

    private McpInspector.Run inspector(String key, String... args) throws Exception {
        return McpInspector.run(url(), key, args);
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url())).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theInspector_listsTheTenantsTools_andCallsCreateCaseEndToEnd() throws Exception {
        McpInspector.Run list = inspector(fx.agentKey, "--method", "tools/list");
        assertThat(list.exit()).as(list.out()).isZero();
        JsonNode tools = JSON.readTree(list.out()).path("tools");
        assertThat(tools.findValuesAsText("name")).contains("desk__create_case").doesNotContain("desk__lookup");
        JsonNode createCase = tools.get(tools.findValuesAsText("name").indexOf("desk__create_case"));
        assertThat(createCase.path("inputSchema").path("required").toString()).contains("customer_id");
        assertThat(createCase.path("annotations").has("readOnlyHint")).isTrue();

        spans.reset();
        McpInspector.Run call = inspector(fx.agentKey, "--method", "tools/call", "--tool-name", "desk__create_case",
                "--tool-arg", "customer_id=acme", "summary=printer on fire", "priority=high");
        assertThat(call.exit()).as(call.out()).isZero();
        JsonNode result = JSON.readTree(call.out());
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.path("structuredContent").path("case_id").asText()).isEqualTo("C-42");
        String callId = result.path("_meta").path("dev.toolgate/call_id").asText();

        assertThat(upstream.exchangesTo("/cases")).singleElement()
                .satisfies(e -> assertThat(e.body()).contains("printer on fire"));
        assertThat(new CallRows(dataSource).call(fx.tenant, callId)).containsEntry("tool_name", "desk.create_case")
                .containsEntry("status", "SUCCEEDED").containsEntry("agent_id", "agent-1");
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).contains("execute_tool desk.create_case");
    }

    @Test
    void aKeyOfAnotherTenant_seesNoneOfItsTools() throws Exception {
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());
        McpInspector.Run list = inspector(other.agentKey, "--method", "tools/list");
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(JSON.readTree(list.out()).path("tools").findValuesAsText("name"))
                .containsExactly("toolgate__search_tools", "toolgate__session_summary"); // the built-ins only

        HttpResponse<String> call = post(other.agentKey, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"desk__create_case","arguments":{}}}""");
        assertThat(JSON.readTree(call.body()).path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void noKey_is401() throws Exception {
        McpInspector.Run list = inspector(null, "--method", "tools/list");
        assertThat(list.exit()).isNotZero();
        assertThat(list.out()).containsIgnoringCase("unauthorized");

        HttpResponse<String> raw = post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(raw.statusCode()).isEqualTo(401);
        assertThat(raw.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(post("tg_not_a_key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aToolThePolicyHides_isNotCalled_andAnswersAToolErrorThatSaysListAgain_sameTextAsGrpc() throws Exception {
        HttpResponse<String> call = post(fx.agentKey, """
                {"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"desk__lookup","arguments":{"item_id":"1"}}}""");
        assertThat(call.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(call.body());
        assertThat(answer.has("error")).as(call.body()).isFalse(); // a JSON-RPC error would end most frameworks' runs
        JsonNode result = answer.path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        String text = result.path("content").get(0).path("text").asText();
        assertThat(text).startsWith("Toolgate did not run the call (TOOL_NOT_AVAILABLE): tool 'desk.lookup' is not"
                + " available to this agent (").contains("no-lookups").contains("list the tools again");
        assertThat(result.path("_meta").path("dev.toolgate/reason").asText()).isEqualTo("TOOL_NOT_AVAILABLE");
        assertThat(upstream.exchangesTo("/items/")).isEmpty();

        // gRPC: PERMISSION_DENIED as before, and with refusals_as_results the very same text as a result
        var grpc = dev.toolgate.gateway.support.Clients.tools(channel, fx.agentKey);
        io.grpc.StatusRuntimeException denied = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.grpc.StatusRuntimeException.class, () -> grpc.executeTool(dev.toolgate.proto.v1.ExecuteToolRequest
                        .newBuilder().setTool("desk__lookup").setArgumentsJson("{\"item_id\":\"1\"}").build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
        var asResult = grpc.executeTool(dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder().setTool("desk__lookup")
                .setArgumentsJson("{\"item_id\":\"1\"}").setRefusalsAsResults(true).build());
        assertThat(asResult.getIsError()).isTrue();
        assertThat(asResult.getStatus()).isEqualTo(dev.toolgate.proto.v1.CallStatus.CALL_STATUS_DENIED);
        assertThat(JSON.readTree(asResult.getResultJson()).path("error").path("message").asText()).isEqualTo(text);
        assertThat(upstream.exchangesTo("/items/")).isEmpty();
    }

    @Test
    void aToolThatDoesNotExist_isStillAJsonRpcUnknownToolError() throws Exception {
        HttpResponse<String> call = post(fx.agentKey, """
                {"jsonrpc":"2.0","id":"y","method":"tools/call","params":{"name":"desk__no_such_tool","arguments":{}}}""");
        assertThat(call.statusCode()).isEqualTo(200);
        JsonNode error = JSON.readTree(call.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).isEqualTo("Unknown tool: desk__no_such_tool");
    }

    @Test
    void badArguments_areAToolErrorTheModelCanCorrect() throws Exception {
        HttpResponse<String> call = post(fx.agentKey, """
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"desk__create_case",
                 "arguments":{"customer_id":"acme","summary":"s","priority":"whenever"}}}""");
        JsonNode result = JSON.readTree(call.body()).path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).contains("INVALID_ARGUMENT", "/priority");
    }

    @Test
    void protocolEdges_haveClearAnswers() throws Exception {
        JsonNode init = JSON.readTree(post(fx.agentKey, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""").body()).path("result");
        assertThat(init.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(init.path("capabilities").has("tools")).isTrue();

        assertThat(post(fx.agentKey, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .isEqualTo(202);
        assertThat(post(fx.agentKey, "not json").statusCode()).isEqualTo(400);
        // batches: only in 2025-03-26 (see McpProtocolFixesTest); a later revision's client gets 400
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url()))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + fx.agentKey)
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(post(fx.agentKey, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}")
                .body()).path("error").path("code").asInt()).isEqualTo(-32601);
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url()))
                .header("Authorization", "Bearer " + fx.agentKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void theStream_announcesAChangedToolList_whenAToolTheAgentCanSeeIsAdded() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create(url())).header("Authorization", "Bearer " + fx.agentKey)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        java.util.concurrent.CompletableFuture<String> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.body().filter(line -> line.contains("list_changed")).findFirst().orElse(""));
        try {
            Thread.sleep(600); // the stream has seen the list as it was
            assertThat(first).isNotDone();
            fx.lookupTool("lookup_again");
            assertThat(first.get(15, TimeUnit.SECONDS)).contains("notifications/tools/list_changed");
        } finally {
            stream.body().close();
        }
    }

    @Test
    void aCallIdInMeta_makesARetryAReplay_notASecondExecution() throws Exception {
        String request = """
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"desk__create_case",
                 "arguments":{"customer_id":"acme","summary":"retried","priority":"low"},
                 "_meta":{"dev.toolgate/call_id":"mcp-retry-%s"}}}""".formatted(System.nanoTime());
        JsonNode first = JSON.readTree(post(fx.agentKey, request).body()).path("result");
        JsonNode again = JSON.readTree(post(fx.agentKey, request).body()).path("result");

        assertThat(first.path("_meta").path("dev.toolgate/replayed").asBoolean()).isFalse();
        assertThat(again.path("_meta").path("dev.toolgate/replayed").asBoolean()).isTrue();
        assertThat(again.path("structuredContent")).isEqualTo(first.path("structuredContent"));
        assertThat(upstream.exchangesTo("/cases")).filteredOn(e -> e.body().contains("retried")).hasSize(1);
    }

    @Test
    void aHeldCall_isConfirmedThroughElicitation_whenTheClientCanAskItsUser() throws Exception {
        String key = fx.admin().createApiKey(dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("app-1").addScopes("tools:call").addScopes("tools:confirm").build()).getApiKey();
        var transport = io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + http.getPort()).endpoint("/mcp")
                .httpRequestCustomizer((b, method, uri, body, context) -> b.header("Authorization", "Bearer " + key))
                .build();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        var client = io.modelcontextprotocol.client.McpClient.sync(transport)
                .requestTimeout(java.time.Duration.ofSeconds(30))
                .capabilities(io.modelcontextprotocol.spec.McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request.message());
                    return new io.modelcontextprotocol.spec.McpSchema.ElicitResult(
                            io.modelcontextprotocol.spec.McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", true));
                })
                .build();
        try {
            client.initialize();
            var result = client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("desk__create_case",
                    Map.of("customer_id", "acme", "summary", "asked the user", "priority", "low")));

            assertThat(asked).singleElement().asString().contains("desk.create_case");
            assertThat(result.isError()).isFalse();
            assertThat(result.structuredContent().toString()).contains("C-42");
            assertThat(upstream.exchangesTo("/cases")).filteredOn(e -> e.body().contains("asked the user")).hasSize(1);
            String callId = String.valueOf(result.meta().get("dev.toolgate/call_id"));
            assertThat(new CallRows(dataSource).query("SELECT state, decided_by, reason FROM confirmations"
                    + " WHERE tenant_id = ? AND call_id = ?", fx.tenant, callId)).singleElement().satisfies(row -> {
                        assertThat(row.get("state")).isEqualTo("APPROVED");
                        assertThat(row.get("decided_by")).isEqualTo("app-1");
                        assertThat(String.valueOf(row.get("reason"))).contains("MCP client");
                    });
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aSessionIdOfAnotherKey_isNoSession() throws Exception {
        HttpResponse<String> init = post(fx.agentKey, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());
        HttpResponse<String> stolen = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url()))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + other.agentKey)
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stolen.statusCode()).isEqualTo(404);
        HttpResponse<String> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url()))
                .header("Authorization", "Bearer " + other.agentKey).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(404);
    }

    @Test
    void anAnswerToAnElicitationThisServerNeverSent_isRefused() throws Exception {
        HttpResponse<String> forged = post(fx.agentKey, """
                {"jsonrpc":"2.0","id":"toolgate-confirm:some-call.forgedtag",
                 "result":{"action":"accept","content":{"approve":true}}}""");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("not an answer to a request of this server");
    }

    @Test
    void anotherTenant_canUseThisEndpointAsAnMcpIntegration_withItsKeyFromASecret_andSecretHeadersSent()
            throws Exception {
        TenantFixture downstream = TenantFixture.create(channel, upstream.baseUrl());
        downstream.admin().putSecret(dev.toolgate.proto.v1.PutSecretRequest.newBuilder().setTenant(downstream.tenant)
                .setName("gw_key").setValue(fx.agentKey).build());
        downstream.admin().putSecret(dev.toolgate.proto.v1.PutSecretRequest.newBuilder().setTenant(downstream.tenant)
                .setName("trace_tag").setValue("tag-1234").build());
        try (dev.toolgate.observability.testing.TcpProxy tap = dev.toolgate.observability.testing.TcpProxy.start("127.0.0.1",
                http.getPort())) {
            var report = downstream.admin().putMcpIntegration(dev.toolgate.proto.v1.PutMcpIntegrationRequest
                    .newBuilder().setTenant(downstream.tenant).setName("gw")
                    .setUrl("http://127.0.0.1:" + tap.port() + "/mcp")
                    .setAuth(dev.toolgate.proto.v1.HttpAuth.newBuilder().setBearer(dev.toolgate.proto.v1.BearerAuth
                            .newBuilder().setSecret("gw_key")))
                    .putSecretHeaders("X-Trace-Tag", "trace_tag").build());
            assertThat(report.getAddedList()).contains("gw.desk_create_case").doesNotContain("gw.desk_lookup");

            var r = dev.toolgate.gateway.support.Clients.tools(channel, downstream.agentKey).executeTool(
                    dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder().setTool("gw.desk_create_case")
                            .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"chained\",\"priority\":\"low\"}")
                            .build());
            assertThat(r.getIsError()).isFalse();
            assertThat(r.getResultJson()).contains("C-42");
            assertThat(upstream.exchangesTo("/cases")).filteredOn(e -> e.body().contains("chained")).hasSize(1);
            assertThat(tap.sent()).containsIgnoringCase("x-trace-tag: tag-1234")
                    .containsIgnoringCase("authorization: Bearer " + fx.agentKey);
        }

        var missing = org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                () -> downstream.admin().putMcpIntegration(dev.toolgate.proto.v1.PutMcpIntegrationRequest.newBuilder()
                        .setTenant(downstream.tenant).setName("gw3").setUrl(url())
                        .putSecretHeaders("X-Api-Key", "no_such_secret").build()));
        assertThat(missing.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        assertThat(missing.getStatus().getDescription()).contains("no_such_secret");
    }

    @Test
    void aHeldCall_withoutElicitation_isAToolErrorThatSaysHowToConfirm_andDoesNotRun() throws Exception {
        String key = fx.admin().createApiKey(dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("app-2").addScopes("tools:call").build()).getApiKey();
        JsonNode result = JSON.readTree(post(key, """
                {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"desk__create_case",
                 "arguments":{"customer_id":"acme","summary":"needs a human","priority":"low"}}}""").body())
                .path("result");

        assertThat(result.path("isError").asBoolean()).isTrue();
        String callId = result.path("_meta").path("dev.toolgate/call_id").asText();
        assertThat(result.path("_meta").path("dev.toolgate/status").asText()).isEqualTo("PENDING_CONFIRMATION");
        assertThat(result.path("content").get(0).path("text").asText()).contains("a human must approve")
                .contains("toolgate confirm " + callId);
        assertThat(upstream.exchangesTo("/cases")).noneMatch(e -> e.body().contains("needs a human"));
    }
}
