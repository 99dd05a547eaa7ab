package dev.toolgate.gateway.export;

/** Tool definition formats of LLM providers. */
public enum ToolFormat {
    /** OpenAI function tools: {@code {"type":"function","function":{"name","description","parameters"}}}. */
    OPENAI,
    /** Anthropic Messages API tools: {@code {"name","description","input_schema"}}. */
    ANTHROPIC,
    /** MCP {@code tools/list} entries: {@code {"name","description","inputSchema","annotations"}}. */
    MCP
}
