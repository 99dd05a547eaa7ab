package dev.toolgate.gateway.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LangChain4j against {@code /mcp}, as in {@code examples/agents/langchain4j}: its MCP client
 * (Streamable HTTP) gives the tools to an {@code AiServices} agent whose chat model is scripted to
 * call five tools; each outcome — success, validation refusal, policy denial, held call, tool
 * hidden mid-run by a policy reload — reaches the model's next request as a tool result text, and
 * the run goes on to the model's final answer.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jAgentTest implements TestPropertyProvider {
    private static final Path POLICIES = AgentScenario.newPolicyDir("toolgate-langchain4j-policies");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", POLICIES.toString());
    }

    interface Agent {
        String chat(String message);
    }

    /** A chat model that calls the scenario's tools one per turn and records the tool results it is sent. */
    static final class ScriptedModel implements ChatModel {
        private final AgentScenario scenario;
        final List<String> read = new ArrayList<>();
        final List<String> tools = new ArrayList<>();
        private int step;

        ScriptedModel(AgentScenario scenario) {
            this.scenario = scenario;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            if (messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage result) {
                tools.add(result.toolName());
                read.add(result.text());
            }
            if (step == AgentScenario.STEPS.size()) {
                return ChatResponse.builder().aiMessage(AiMessage.from("done after " + read.size() + " tool results"))
                        .build();
            }
            String[] next = AgentScenario.STEPS.get(step++);
            if (step == AgentScenario.STEPS.size()) {
                scenario.hideLookup(); // the tool disappears between tools/list and this call
            }
            return ChatResponse.builder().aiMessage(AiMessage.from(ToolExecutionRequest.builder()
                    .id("call_" + step).name(next[0]).arguments(next[1]).build())).build();
        }
    }

    @Test
    void scriptedModel_readsEveryOutcomeAsText_andTheRunGoesOn() throws Exception {
        try (AgentScenario scenario = new AgentScenario(channel, POLICIES)) {
            McpClient mcp = new DefaultMcpClient.Builder()
                    .transport(new StreamableHttpMcpTransport.Builder()
                            .url("http://127.0.0.1:" + http.getPort() + "/mcp")
                            .customHeaders(Map.of("Authorization", "Bearer " + scenario.fx.agentKey))
                            .timeout(Duration.ofSeconds(30))
                            .build())
                    .build();
            try (mcp) {
                ScriptedModel model = new ScriptedModel(scenario);
                Agent agent = AiServices.builder(Agent.class).chatModel(model)
                        .toolProvider(McpToolProvider.builder().mcpClients(mcp).build()).build();

                String answer = agent.chat("Work through the support queue.");

                assertThat(model.tools).containsExactly("desk__create_case", "desk__create_case", "desk__create_case",
                        "desk__escalate", "desk__lookup");
                scenario.assertTheModelRead(model.read);
                assertThat(answer).isEqualTo("done after 5 tool results"); // the run went on
            }
        }
    }
}
