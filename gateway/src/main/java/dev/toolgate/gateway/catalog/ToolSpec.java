package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What an admin asks for when creating or changing an HTTP tool. Immutable.
 *
 * @param outputSchemaJson JSON Schema of a successful result; empty when unknown
 */
public record ToolSpec(String tenant, String integration, String name, String description,
        String inputSchemaJson, ToolAnnotations annotations, ToolBinding binding, Duration timeout,
        String outputSchemaJson) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public ToolSpec {
        requireNonNull(tenant, "tenant");
        requireNonNull(integration, "integration");
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(inputSchemaJson, "inputSchemaJson");
        requireNonNull(annotations, "annotations");
        requireNonNull(binding, "binding");
        requireNonNull(timeout, "timeout");
        requireNonNull(outputSchemaJson, "outputSchemaJson");
    }

    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, "");
    }
}
