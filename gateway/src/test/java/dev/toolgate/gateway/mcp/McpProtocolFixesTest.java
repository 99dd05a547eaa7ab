package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.ChangingMcpServer;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.McpSdkClient;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.McpSyncReport;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.Tool;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What running the official clients and a real MCP server against {@code /mcp} and the gateway's
 * MCP client found: a null request id, JSON-RPC batches of the 2025-03-26 revision, browsers on an
 * allowed origin (CORS), cancellation both ways (the upstream MCP server sees
 * {@code notifications/cancelled}), and tools a server lets be called only as tasks.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpProtocolFixesTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "https://app.example.com";

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    ChangingMcpServer slowpoke;
    TenantFixture fx;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.mcp.allowed-origins", APP, "toolgate.mcp.sync-interval", "1h");
    }

    @BeforeAll
    void setUp() {
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        fx.lookupTool("lookup");
        slowpoke = ChangingMcpServer.start();
        fx.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("slowpoke")
                .setUrl(slowpoke.url()).build());
    }

    @AfterAll
    void tearDown() {
        slowpoke.close();
    }

    private String url() {
        return "http://127.0.0.1:" + http.getPort() + "/mcp";
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url())).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + fx.agentKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNullId_isAnsweredWithAnInvalidRequestError_carryingTheNullId() throws Exception {
        HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.has("id")).isTrue();
        assertThat(answer.get("id").isNull()).isTrue();
        assertThat(answer.at("/error/code").asInt()).isEqualTo(-32600);
        // a notification (no id at all) is still not answered
        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode()).isEqualTo(202);
    }

    @Test
    void aBatch_ofRevision2025_03_26_isAnsweredWithTheArrayOfItsResponses() throws Exception {
        String batch = """
                [{"jsonrpc":"2.0","id":1,"method":"ping"},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":"two","method":"tools/list"},
                 {"jsonrpc":"2.0","id":3,"method":"initialize","params":{}}]""";
        for (HttpResponse<String> r : new HttpResponse[] {post(batch, "MCP-Protocol-Version", "2025-03-26"),
            post(batch)}) { // no version header means 2025-03-26
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answers = JSON.readTree(r.body());
            assertThat(answers.isArray()).isTrue();
            assertThat(answers).hasSize(3);
            assertThat(answers.get(0).path("id").asInt()).isEqualTo(1);
            assertThat(answers.get(1).path("id").asText()).isEqualTo("two");
            assertThat(answers.get(1).at("/result/tools").findValuesAsText("name")).contains("desk__lookup");
            assertThat(answers.get(2).at("/error/code").asInt()).isEqualTo(-32600); // initialize is never batched
        }
        assertThat(post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]").statusCode()).isEqualTo(202);
        HttpResponse<String> later = post(batch, "MCP-Protocol-Version", "2025-06-18");
        assertThat(later.statusCode()).isEqualTo(400);
        assertThat(later.body()).contains("2025-03-26 only");
        assertThat(post("[]").statusCode()).isEqualTo(400);
    }

    @Test
    void anAllowedOrigin_getsCorsPreflightAndHeaders_anotherOriginStaysRefused() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create(url())).header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, mcp-protocol-version")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as(preflight.body() + preflight.headers().map()).isBetween(200, 204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(v -> assertThat(v)
                .contains("Authorization", "Mcp-Session-Id", "MCP-Protocol-Version"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v)
                .contains("POST"));

        HttpResponse<String> allowed = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"b\",\"version\":\"1\"}}}",
                "Origin", APP);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v -> assertThat(v)
                .contains("Mcp-Session-Id"));

        String evil = "https://evil.example.net";
        HttpResponse<String> refusedPreflight = client.send(HttpRequest.newBuilder(URI.create(url()))
                .header("Origin", evil).header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refusedPreflight.statusCode()).isEqualTo(403);
        assertThat(refusedPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> refused = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", "Origin", evil);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(refused.body()).contains("ORIGIN_NOT_ALLOWED");
    }

    @Test
    void aGrpcDeadlinePassing_sendsNotificationsCancelledToTheMcpServer() throws Exception {
        int before = JSON.readTree(slowpoke.seen()).path("cancelled").size();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.agent()
                .withDeadlineAfter(1500, TimeUnit.MILLISECONDS).executeTool(ExecuteToolRequest.newBuilder()
                        .setTool("slowpoke.slow").setArgumentsJson("{\"seconds\":60}").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

        Eventually.until(() -> assertThat(cancellations()).hasSizeGreaterThan(before));
        assertThat(cancellations().get(cancellations().size() - 1).path("reason").asText()).isNotEmpty();
    }

    @Test
    void theTypeScriptSdkCancellingACall_reachesTheMcpServerBehindTheGateway() throws Exception {
        int before = cancellations().size();
        McpSdkClient.Run run = McpSdkClient.run(url(), fx.agentKey, "cancel", "slowpoke__slow", "{\"seconds\":60}",
                "1500");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.json().path("aborted").asText()).isNotEmpty(); // the client gave up, and said so

        Eventually.until(() -> assertThat(cancellations()).hasSizeGreaterThan(before));
        assertThat(cancellations().get(cancellations().size() - 1).path("reason").asText()).contains("cancelled");
    }

    private java.util.List<JsonNode> cancellations() {
        try {
            java.util.List<JsonNode> out = new java.util.ArrayList<>();
            JSON.readTree(slowpoke.seen()).path("cancelled").forEach(out::add);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aToolThatCanOnlyBeCalledAsATask_isNotSyncedAsAPlainTool() {
        try (ChangingMcpServer tasks = ChangingMcpServer.start()) {
            tasks.control("{\"taskTool\":true}");
            McpSyncReport report = fx.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder()
                    .setTenant(fx.tenant).setName("tasks").setUrl(tasks.url()).build());

            assertThat(report.getRejectedMap()).containsKey("report");
            assertThat(report.getRejectedMap().get("report")).contains("taskSupport");
            assertThat(report.getAddedList()).contains("tasks.forecast", "tasks.slow").doesNotContain("tasks.report");
            assertThat(fx.agent().listTools(ListToolsRequest.newBuilder().setIntegration("tasks").build())
                    .getToolsList()).extracting(Tool::getName).doesNotContain("tasks.report");
        }
    }
}
