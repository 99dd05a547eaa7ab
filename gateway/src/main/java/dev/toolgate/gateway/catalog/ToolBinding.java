package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.List;

/**
 * How a tool call reaches its upstream: an HTTP request ({@link HttpBinding}) or a SQL query
 * ({@link SqlBinding}). Stored as JSON in the tool's version; immutable.
 */
public interface ToolBinding {
    /** The stored form. */
    String toJson();

    /** Every problem with this binding, located by request field names. */
    List<FieldViolation> check();

    /** Reads a stored binding: SQL and MCP bindings say their {@code kind}, the rest are HTTP. */
    static ToolBinding fromJson(String json) {
        try {
            String kind = JsonSupport.mapper().readTree(json).path("kind").asText();
            if ("sql".equals(kind)) {
                return SqlBinding.fromJson(json);
            }
            if ("mcp".equals(kind)) {
                return McpBinding.fromJson(json);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored binding is not JSON: " + e.getOriginalMessage(), e);
        }
        return HttpBinding.fromJson(json);
    }
}
