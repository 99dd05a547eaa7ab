package dev.toolgate.gateway.export;

/** Tool definition formats of LLM providers (docs/catalog.md, "Exports", cites each provider's rules). */
public enum ToolFormat {
    /** OpenAI function tools: {@code {"type":"function","function":{"name","description","parameters"}}}. */
    OPENAI,
    /**
     * OpenAI function tools for strict mode: {@code "strict": true} with the schema in the strict subset
     * where that keeps the arguments the gateway accepts, else {@code "strict": false} and a note.
     */
    OPENAI_STRICT,
    /** Anthropic Messages API tools: {@code {"name","description","input_schema"}}. */
    ANTHROPIC,
    /** Anthropic tools loaded on demand by the tool search tool: as {@link #ANTHROPIC} plus {@code "defer_loading": true}. */
    ANTHROPIC_DEFERRED,
    /** Gemini {@code functionDeclarations} entries: {@code {"name","description","parameters"}} in Gemini's schema subset. */
    GEMINI,
    /** MCP {@code tools/list} entries: {@code {"name","description","inputSchema","annotations"}}. */
    MCP
}
