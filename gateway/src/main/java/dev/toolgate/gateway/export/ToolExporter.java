package dev.toolgate.gateway.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import java.util.List;

/**
 * Writes tool definitions in a provider's format, named by their exported names so a model's
 * tool call can go straight back to {@code ExecuteTool}. Stateless.
 */
public final class ToolExporter {
    private ToolExporter() {
    }

    /** A JSON array, one entry per tool, in the order given. */
    public static String export(List<ToolDefinition> tools, ToolFormat format) {
        ArrayNode out = JsonSupport.mapper().createArrayNode();
        for (ToolDefinition t : tools) {
            out.add(switch (format) {
                case OPENAI -> openAi(t);
                case ANTHROPIC -> anthropic(t);
                case MCP -> mcp(t);
            });
        }
        return out.toString();
    }

    private static ObjectNode openAi(ToolDefinition t) {
        ObjectNode function = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("description", t.description());
        function.set("parameters", schema(t));
        ObjectNode tool = JsonSupport.mapper().createObjectNode().put("type", "function");
        tool.set("function", function);
        return tool;
    }

    private static ObjectNode anthropic(ToolDefinition t) {
        ObjectNode tool = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("description", t.description());
        tool.set("input_schema", schema(t));
        return tool;
    }

    private static ObjectNode mcp(ToolDefinition t) {
        ObjectNode tool = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("title", t.qualifiedName())
                .put("description", t.description());
        tool.set("inputSchema", schema(t));
        ToolAnnotations a = t.annotations();
        tool.putObject("annotations")
                .put("readOnlyHint", a.readOnly())
                .put("destructiveHint", a.destructive())
                .put("idempotentHint", a.idempotent())
                .put("openWorldHint", a.openWorld());
        return tool;
    }

    private static JsonNode schema(ToolDefinition t) {
        try {
            return JsonSupport.mapper().readTree(t.inputSchemaJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored input schema of " + t.qualifiedName() + " is not JSON", e);
        }
    }
}
