package example;

import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import java.time.Duration;
import java.util.Map;

/**
 * A LangChain4j agent with Toolgate's tools: LangChain4j's MCP client on Toolgate's {@code /mcp}
 * (Streamable HTTP, a Toolgate API key), an OpenAI chat model (or any server that speaks the
 * OpenAI API: {@code OPENAI_BASE_URL}). Refusals, held calls and tools hidden since the list was
 * read come back as tool results whose text tells the model what happened and what to do, so the
 * run goes on. The gateway's {@code LangChain4jAgentTest} runs the same wiring with a scripted model.
 */
public final class ToolgateAgent {
    interface Assistant {
        @SystemMessage("You act for a support team through the tools you are given. When a tool result says a"
                + " call was not run, follow what it says.")
        String chat(String message);
    }

    public static void main(String[] args) throws Exception {
        String key = System.getenv("TOOLGATE_API_KEY");
        if (key == null || key.isEmpty()) {
            System.err.println("TOOLGATE_API_KEY is not set (the demo writes it to data/demo.env)");
            System.exit(1);
        }
        String url = System.getenv().getOrDefault("TOOLGATE_MCP_URL", "http://127.0.0.1:8080/mcp");
        McpClient toolgate = new DefaultMcpClient.Builder()
                .transport(new StreamableHttpMcpTransport.Builder().url(url)
                        .customHeaders(Map.of("Authorization", "Bearer " + key))
                        .timeout(Duration.ofSeconds(60)).build())
                .build();
        OpenAiChatModel.OpenAiChatModelBuilder model = OpenAiChatModel.builder()
                .apiKey(System.getenv("OPENAI_API_KEY"))
                .modelName(System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4.1-mini"));
        if (System.getenv("OPENAI_BASE_URL") != null) {
            model.baseUrl(System.getenv("OPENAI_BASE_URL"));
        }
        try (toolgate) {
            Assistant assistant = AiServices.builder(Assistant.class).chatModel(model.build())
                    .toolProvider(McpToolProvider.builder().mcpClients(toolgate).build()).build();
            String prompt = args.length > 0 ? String.join(" ", args)
                    : "Open a low-priority case for customer acme: the printer jams.";
            System.out.println(assistant.chat(prompt));
        }
    }
}
