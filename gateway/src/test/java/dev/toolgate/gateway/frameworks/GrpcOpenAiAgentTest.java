package dev.toolgate.gateway.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/agents/grpc-openai/agent.js}, the OpenAI tool loop over gRPC, against a scripted
 * Chat Completions server on 127.0.0.1: the tools it sends are the ExportTools(OPENAI) array, the
 * model's two tool calls go through ExecuteTool, and the next request carries both outcomes as
 * tool messages — the result, and the validation refusal as text (refusals_as_results).
 */
@MicronautTest
class GrpcOpenAiAgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("examples/agents/grpc-openai");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    GrpcEmbeddedServer server;

    @Test
    void toolCalls_goThroughExecuteTool_andEveryOutcomeComesBackAsAToolMessage() throws Exception {
        assertThat(EXAMPLE.resolve("node_modules/@grpc/grpc-js")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        List<JsonNode> requests = new CopyOnWriteArrayList<>();
        HttpServer model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        model.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                requests.add(JSON.readTree(exchange.getRequestBody()));
                String message = requests.size() == 1 ? """
                        {"role":"assistant","content":null,"tool_calls":[
                          {"id":"call_1","type":"function","function":{"name":"desk__create_case",
                           "arguments":"{\\"customer_id\\":\\"acme\\",\\"summary\\":\\"printer on fire\\",\\"priority\\":\\"high\\"}"}},
                          {"id":"call_2","type":"function","function":{"name":"desk__create_case",
                           "arguments":"{\\"customer_id\\":\\"acme\\",\\"summary\\":\\"printer on fire\\",\\"priority\\":\\"urgent\\"}"}}]}"""
                        : "{\"role\":\"assistant\",\"content\":\"done\"}";
                byte[] body = ("{\"choices\":[{\"index\":0,\"message\":" + message + "}]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        model.start();
        try (TestUpstream upstream = TestUpstream.start().route("/cases",
                r -> Reply.json(201, "{\"case_id\":\"C-42\",\"status\":\"open\"}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 5_000);
            ProcessBuilder pb = new ProcessBuilder("node", "agent.js", "Open a case").directory(EXAMPLE.toFile());
            pb.environment().put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
            pb.environment().put("TOOLGATE_API_KEY", fx.agentKey);
            pb.environment().put("OPENAI_BASE_URL", "http://127.0.0.1:" + model.getAddress().getPort() + "/v1");
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out.strip()).isEqualTo("done");

            assertThat(requests).hasSize(2);
            assertThat(requests.get(0).path("tools").findValuesAsText("name")).contains("desk__create_case");
            List<JsonNode> toolMessages = requests.get(1).path("messages").findParents("tool_call_id");
            assertThat(toolMessages).hasSize(2);
            assertThat(toolMessages.get(0).path("content").asText()).contains("C-42");
            assertThat(toolMessages.get(1).path("content").asText()).contains("INVALID_ARGUMENT").contains("/priority");
            assertThat(upstream.exchangesTo("/cases")).hasSize(1);
        } finally {
            model.stop(0);
        }
    }
}
