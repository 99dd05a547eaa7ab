package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.List;

/**
 * How a tool call reaches its upstream: an HTTP request ({@link HttpBinding}), a SQL query
 * ({@link SqlBinding}) or an MCP {@code tools/call} ({@link McpBinding}); sealed, so a switch over
 * a binding covers every kind. Stored as JSON in the tool's version; immutable.
 */
public sealed interface ToolBinding permits HttpBinding, SqlBinding, McpBinding {
    /** The stored form. */
    String toJson();

    /** Every problem with this binding, located by request field names. */
    List<FieldViolation> check();

    /** Reads a stored binding: SQL and MCP bindings say their {@code kind}, the rest are HTTP. */
    static ToolBinding fromJson(String json) {
        String kind;
        try {
            kind = JsonSupport.mapper().readTree(json).path("kind").asText();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored binding is not JSON: " + e.getOriginalMessage(), e);
        }
        return switch (IntegrationKind.fromStored(kind).orElse(IntegrationKind.HTTP)) {
            case SQL -> SqlBinding.fromJson(json);
            case MCP -> McpBinding.fromJson(json);
            case HTTP -> HttpBinding.fromJson(json);
        };
    }
}
