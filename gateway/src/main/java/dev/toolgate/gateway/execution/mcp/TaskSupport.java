package dev.toolgate.gateway.execution.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tool's {@code execution.taskSupport} (MCP 2025-11-25), which the MCP SDK's {@code Tool} does
 * not hold: read from the wire and kept in the tool's {@code _meta} under {@link #META}, so a
 * tool that can only be called as a task ("required") is known — Toolgate calls tools plainly, and
 * such a server refuses a plain call. Immutable.
 */
public final class TaskSupport {
    /** Where the tool's declared {@code execution.taskSupport} is kept, when it declared one. */
    public static final String META = "dev.toolgate/taskSupport";

    private TaskSupport() {
    }

    /** True when the tool can only be called as a task. */
    public static boolean required(McpSchema.Tool tool) {
        return tool.meta() != null && "required".equals(tool.meta().get(META));
    }

    /** A Jackson module reading {@code Tool} with its {@code execution.taskSupport}. */
    static SimpleModule module() {
        ObjectMapper plain = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        return new SimpleModule("toolgate-mcp-task-support").addDeserializer(McpSchema.Tool.class,
                new JsonDeserializer<>() {
                    @Override
                    public McpSchema.Tool deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                        ObjectNode node = p.readValueAsTree();
                        McpSchema.Tool tool = plain.treeToValue(node, McpSchema.Tool.class);
                        String support = node.path("execution").path("taskSupport").asText("");
                        if (support.isEmpty()) {
                            return tool;
                        }
                        Map<String, Object> meta = tool.meta() == null ? new LinkedHashMap<>()
                                : new LinkedHashMap<>(tool.meta());
                        meta.put(META, support);
                        return new McpSchema.Tool(tool.name(), tool.title(), tool.description(), tool.inputSchema(),
                                tool.outputSchema(), tool.annotations(), meta, tool.icons());
                    }
                });
    }
}
