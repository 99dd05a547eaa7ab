package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.ChangingMcpServer;
import dev.toolgate.gateway.support.McpSdkClient;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Results checked against the tool's output schema: an answer that fits is structured content as
 * before; one that does not is given as text with a warning — over gRPC ({@code output_warning},
 * the answer as text) and over {@code /mcp}, where the official MCP TypeScript SDK client, which
 * rejects a result whose structured content misfits the advertised schema, receives it without an
 * error. For an HTTP tool (OpenAPI response schema) and for an MCP server's tool.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputSchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    TestUpstream upstream;
    ChangingMcpServer weather;
    TenantFixture fx;

    @BeforeAll
    void setUp() throws java.io.IOException {
        upstream = TestUpstream.start()
                .route("/readings/good", r -> Reply.json(200, "{\"station\":\"S1\",\"temp\":3.5}"))
                .route("/readings/bad", r -> Reply.json(200, "{\"station\":7,\"note\":\"sensor offline\"}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        String schema = """
                {"type":"object","properties":{"station":{"type":"string"},"temp":{"type":"number"}},
                 "required":["station","temp"]}""";
        fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("wx")
                .setDocument("""
                        {"openapi":"3.0.3","info":{"title":"wx","version":"1"},"servers":[{"url":"%s"}],
                         "paths":{
                          "/readings/good":{"get":{"operationId":"good_reading","summary":"A reading",
                            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":%s}}}}}},
                          "/readings/bad":{"get":{"operationId":"bad_reading","summary":"A broken reading",
                            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":%s}}}}}}}}
                        """.formatted(upstream.baseUrl(), schema, schema))
                .setOptions(OpenApiImportOptions.getDefaultInstance()).build());
        weather = ChangingMcpServer.start();
        fx.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("weather")
                .setUrl(weather.url()).build());
    }

    @AfterAll
    void tearDown() {
        upstream.close();
        weather.close();
    }

    private String url() {
        return "http://127.0.0.1:" + http.getPort() + "/mcp";
    }

    private ExecuteToolResponse execute(String tool, String args) {
        return fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    @Test
    void grpc_anAnswerThatFits_isUnchanged_withoutWarning() throws Exception {
        ExecuteToolResponse r = execute("wx.good_reading", "{}");

        assertThat(r.getOutputWarning()).isEmpty();
        assertThat(JSON.readTree(r.getResultJson())).isEqualTo(JSON.readTree("{\"station\":\"S1\",\"temp\":3.5}"));
    }

    @Test
    void grpc_anAnswerThatDoesNotFit_isTextWithAWarning_namingTheProblems() throws Exception {
        ExecuteToolResponse r = execute("wx.bad_reading", "{}");

        assertThat(r.getIsError()).isFalse(); // it ran and succeeded
        assertThat(r.getOutputWarning()).contains("does not match its declared output schema", "/station", "temp");
        JsonNode result = JSON.readTree(r.getResultJson());
        assertThat(result.path("text").asText()).isEqualTo("{\"station\":7,\"note\":\"sensor offline\"}");
        assertThat(result.path("warning").asText()).isEqualTo(r.getOutputWarning());
        assertThat(result.has("station")).isFalse(); // no structure that contradicts the schema
    }

    @Test
    void grpc_anMcpServersStructuredContentThatDoesNotFit_isDroppedForText() throws Exception {
        weather.control("{\"result\":{\"city\":5}}");
        try {
            ExecuteToolResponse r = execute("weather.forecast", "{\"city\":\"Oslo\"}");

            assertThat(r.getOutputWarning()).contains("/city", "temperature");
            JsonNode result = JSON.readTree(r.getResultJson());
            assertThat(result.has("structuredContent")).isFalse();
            assertThat(result.path("content").findValuesAsText("text")).contains("{\"city\":5}")
                    .anySatisfy(t -> assertThat(t).startsWith("Warning:"));
        } finally {
            weather.control("{\"result\":null}");
        }
        assertThat(execute("weather.forecast", "{\"city\":\"Oslo\"}").getOutputWarning()).isEmpty();
    }

    @Test
    void theTypeScriptSdkClient_getsAMisfitAsAToolResult_notAClientError() throws Exception {
        McpSdkClient.Run bad = McpSdkClient.run(url(), fx.agentKey, "call", "wx__bad_reading", "{}");
        assertThat(bad.exit()).as(bad.out()).isZero();
        assertThat(bad.json().path("outputSchema").path("required").toString()).contains("temp"); // advertised
        JsonNode result = bad.json().path("result");
        assertThat(result.has("structuredContent")).isFalse();
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").findValuesAsText("text")).contains("{\"station\":7,\"note\":\"sensor offline\"}")
                .anySatisfy(t -> assertThat(t).contains("does not match its declared output schema"));
        assertThat(result.path("_meta").path("dev.toolgate/output_warning").asText()).contains("/station");

        McpSdkClient.Run good = McpSdkClient.run(url(), fx.agentKey, "call", "wx__good_reading", "{}");
        assertThat(good.exit()).as(good.out()).isZero();
        assertThat(good.json().path("result").path("structuredContent").path("station").asText()).isEqualTo("S1");
        assertThat(good.json().path("result").path("isError").asBoolean()).isFalse();
    }

    @Test
    void theTypeScriptSdkClient_getsAnMcpServersMisfitThroughTheGateway_withoutAClientError() throws Exception {
        weather.control("{\"result\":{\"city\":5}}");
        try {
            McpSdkClient.Run run = McpSdkClient.run(url(), fx.agentKey, "call", "weather__forecast",
                    "{\"city\":\"Oslo\"}");
            assertThat(run.exit()).as(run.out()).isZero();
            JsonNode result = run.json().path("result");
            assertThat(result.has("structuredContent")).isFalse();
            assertThat(result.path("content").findValuesAsText("text")).contains("{\"city\":5}");
        } finally {
            weather.control("{\"result\":null}");
        }
    }
}
