package dev.toolgate.gateway.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Vercel AI SDK example ({@code examples/agents/vercel-ai}, ai 6 + @ai-sdk/mcp 1 on Node.js 20)
 * against {@code /mcp}: {@code scripted-run.mjs} drives {@code generateText} with the SDK's own
 * {@code MockLanguageModelV3} scripted to call five tools; each outcome — success, validation
 * refusal, policy denial, held call, tool hidden mid-run — reaches the model's next step as text,
 * and the run goes on to its final answer.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VercelAiAgentTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("examples/agents/vercel-ai");
    private static final Path POLICIES = AgentScenario.newPolicyDir("toolgate-vercel-policies");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", POLICIES.toString());
    }

    @Test
    void scriptedModel_readsEveryOutcomeAsText_andTheRunGoesOn() throws Exception {
        assertThat(EXAMPLE.resolve("node_modules/@ai-sdk/mcp")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        try (AgentScenario scenario = new AgentScenario(channel, POLICIES)) {
            ArrayNode script = JSON.createArrayNode();
            for (int i = 0; i < AgentScenario.STEPS.size(); i++) {
                String[] step = AgentScenario.STEPS.get(i);
                ArrayNode s = script.addArray().add(step[0]).add(JSON.readTree(step[1]));
                if (i == AgentScenario.STEPS.size() - 1) {
                    s.add(scenario.hideLookupHook()); // the tool disappears between tools/list and this call
                }
            }
            ProcessBuilder pb = new ProcessBuilder("node", "scripted-run.mjs").directory(EXAMPLE.toFile());
            pb.environment().put("TOOLGATE_MCP_URL", "http://127.0.0.1:" + http.getPort() + "/mcp");
            pb.environment().put("TOOLGATE_API_KEY", scenario.fx.agentKey);
            pb.environment().put("TOOLGATE_SCRIPT", script.toString());
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();

            JsonNode run = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
            List<String> read = new ArrayList<>();
            for (JsonNode seen : run.path("seen")) {
                read.add(seen.path("output").asText());
            }
            assertThat(run.path("seen").findValuesAsText("tool"))
                    .containsExactly("desk__create_case", "desk__create_case", "desk__create_case", "desk__escalate",
                            "desk__lookup");
            scenario.assertTheModelRead(read);
            assertThat(run.path("text").asText()).isEqualTo("done after 5 tool results"); // the run went on
        }
    }
}
