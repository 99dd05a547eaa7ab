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

    /** Reads a stored binding: SQL bindings say {@code "kind":"sql"}, the rest are HTTP. */
    static ToolBinding fromJson(String json) {
        try {
            if ("sql".equals(JsonSupport.mapper().readTree(json).path("kind").asText())) {
                return SqlBinding.fromJson(json);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored binding is not JSON: " + e.getOriginalMessage(), e);
        }
        return HttpBinding.fromJson(json);
    }
}
