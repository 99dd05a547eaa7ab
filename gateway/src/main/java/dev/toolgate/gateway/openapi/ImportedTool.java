package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolTags;

/**
 * One operation as a tool, before it is stored.
 *
 * @param operation e.g. {@code GET /users/{id}}
 * @param outputSchema the 2xx response's schema; null when the document has none
 * @param compensation the operation's {@code x-toolgate-compensation} (a missing node when it has none)
 * @param tags the operation's {@code tags} that can be tool tags (see {@link ToolTags#lenient})
 * @param summary the operation's {@code summary}, stripped ("" when it has none): the tool card's title
 */
public record ImportedTool(String name, String operation, String description, JsonNode inputSchema,
        JsonNode outputSchema, ToolAnnotations annotations, HttpBinding binding, JsonNode compensation,
        ToolTags tags, String summary) {
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
    }
}
