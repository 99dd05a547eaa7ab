package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.validation.FormatChecks;

/**
 * One operation as a tool, before it is stored.
 *
 * @param operation e.g. {@code GET /users/{id}}
 * @param outputSchema the 2xx response's schema; null when the document has none
 * @param compensation the operation's {@code x-toolgate-compensation} (a missing node when it has none)
 * @param formatChecks whether the input schema's {@code format}s are checked or only annotations
 */
public record ImportedTool(String name, String operation, String description, JsonNode inputSchema,
        JsonNode outputSchema, ToolAnnotations annotations, HttpBinding binding, JsonNode compensation,
        FormatChecks formatChecks) {
    public ImportedTool {
        requireNonNull(name, "name");
        requireNonNull(operation, "operation");
        requireNonNull(description, "description");
        requireNonNull(inputSchema, "inputSchema");
        requireNonNull(annotations, "annotations");
        requireNonNull(binding, "binding");
        requireNonNull(compensation, "compensation");
        requireNonNull(formatChecks, "formatChecks");
    }

    ImportedTool(String name, String operation, String description, JsonNode inputSchema, JsonNode outputSchema,
            ToolAnnotations annotations, HttpBinding binding, JsonNode compensation) {
        this(name, operation, description, inputSchema, outputSchema, annotations, binding, compensation,
                FormatChecks.DEFAULT);
    }

    /** This tool with {@code formats} as its format checks. */
    ImportedTool withFormatChecks(FormatChecks formats) {
        return new ImportedTool(name, operation, description, inputSchema, outputSchema, annotations, binding,
                compensation, formats);
    }
}
