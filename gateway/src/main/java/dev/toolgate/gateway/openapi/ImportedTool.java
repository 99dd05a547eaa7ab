package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolTags;
import dev.toolgate.gateway.validation.FormatChecks;

/**
 * One operation as a tool, before it is stored.
 *
 * @param operation e.g. {@code GET /users/{id}}
 * @param outputSchema the 2xx response's schema; null when the document has none
 * @param compensation the operation's {@code x-toolgate-compensation} (a missing node when it has none)
 * @param tags the operation's {@code tags} that can be tool tags (see {@link ToolTags#lenient})
 * @param summary the operation's {@code summary}, stripped ("" when it has none): the tool card's title
 * @param formatChecks whether the input schema's {@code format}s are checked or only annotations
 */
public record ImportedTool(String name, String operation, String description, JsonNode inputSchema,
        JsonNode outputSchema, ToolAnnotations annotations, HttpBinding binding, JsonNode compensation,
        ToolTags tags, String summary, FormatChecks formatChecks) {
    public ImportedTool {
        requireNonNull(name, "name");
        requireNonNull(operation, "operation");
        requireNonNull(description, "description");
        requireNonNull(inputSchema, "inputSchema");
        requireNonNull(annotations, "annotations");
        requireNonNull(binding, "binding");
        requireNonNull(compensation, "compensation");
        requireNonNull(tags, "tags");
        requireNonNull(summary, "summary");
        requireNonNull(formatChecks, "formatChecks");
    }

    ImportedTool(String name, String operation, String description, JsonNode inputSchema, JsonNode outputSchema,
            ToolAnnotations annotations, HttpBinding binding, JsonNode compensation, ToolTags tags, String summary) {
        this(name, operation, description, inputSchema, outputSchema, annotations, binding, compensation, tags,
                summary, FormatChecks.DEFAULT);
    }

    /** This tool with {@code formats} as its format checks. */
    ImportedTool withFormatChecks(FormatChecks formats) {
        return new ImportedTool(name, operation, description, inputSchema, outputSchema, annotations, binding,
                compensation, tags, summary, formats);
    }
}
