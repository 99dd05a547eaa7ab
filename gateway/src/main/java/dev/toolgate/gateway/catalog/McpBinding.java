package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;

/**
 * How a tool call reaches an MCP server: {@code tools/call} with the tool's name as the server
 * declares it (which may not fit Toolgate's names, e.g. {@code get-Sum} or {@code a.b}). Immutable.
 */
public record McpBinding(String serverTool) implements ToolBinding {
    /** MCP tool names are 1-128 characters. */
    public static final int MAX_NAME = 128;

    public McpBinding {
        requireNonNull(serverTool, "serverTool");
    }

    @Override
    public List<FieldViolation> check() {
        List<FieldViolation> out = new ArrayList<>();
        if (serverTool.isEmpty() || serverTool.length() > MAX_NAME) {
            out.add(new FieldViolation("name", "an MCP tool name has 1-" + MAX_NAME + " characters"));
        }
        return out;
    }

    @Override
    public String toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("kind", "mcp");
        root.put("tool", serverTool);
        return root.toString();
    }

    public static McpBinding fromJson(String json) {
        try {
            JsonNode root = JsonSupport.mapper().readTree(json);
            return new McpBinding(root.path("tool").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored MCP binding is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
