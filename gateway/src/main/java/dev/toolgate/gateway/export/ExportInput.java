package dev.toolgate.gateway.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;

/** What an export reads of one tool. Immutable apart from the schema node, which is never changed. */
public record ExportInput(String exportName, String qualifiedName, String description, JsonNode inputSchema,
        ToolAnnotations annotations) {
    public ExportInput {
        requireNonNull(exportName, "exportName");
        requireNonNull(qualifiedName, "qualifiedName");
        requireNonNull(description, "description");
        requireNonNull(inputSchema, "inputSchema");
        requireNonNull(annotations, "annotations");
    }

    public static ExportInput of(ToolDefinition t) {
        try {
            return new ExportInput(t.exportName(), t.qualifiedName(), t.description(),
                    JsonSupport.mapper().readTree(t.inputSchemaJson()), t.annotations());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored input schema of " + t.qualifiedName() + " is not JSON", e);
        }
    }
}
