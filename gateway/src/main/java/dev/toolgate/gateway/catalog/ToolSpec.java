package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.validation.FormatChecks;
import java.time.Duration;

/**
 * What an admin asks for when creating or changing an HTTP tool. Immutable.
 *
 * @param outputSchemaJson JSON Schema of a successful result; empty when unknown
 * @param formatChecks whether the input schema's {@code format}s are checked or only annotations
 */
public record ToolSpec(String tenant, String integration, String name, String description,
        String inputSchemaJson, ToolAnnotations annotations, ToolBinding binding, Duration timeout,
        String outputSchemaJson, FormatChecks formatChecks) {
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
        requireNonNull(formatChecks, "formatChecks");
    }

    /** A spec whose formats are checked ({@link FormatChecks#DEFAULT}). */
    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout, String outputSchemaJson) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout,
                outputSchemaJson, FormatChecks.DEFAULT);
    }

    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, "",
                FormatChecks.DEFAULT);
    }
}
