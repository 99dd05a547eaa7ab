package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.validation.FormatChecks;
import java.time.Duration;

/**
 * What an admin asks for when creating or changing an HTTP tool. Immutable.
 *
 * @param outputSchemaJson JSON Schema of a successful result; empty when unknown
 * @param tags             the tool's tags (checked where they come in)
 * @param formatChecks     whether the input schema's {@code format}s are checked or only annotations
 */
public record ToolSpec(String tenant, String integration, String name, String description,
        String inputSchemaJson, ToolAnnotations annotations, ToolBinding binding, Duration timeout,
        String outputSchemaJson, ToolTags tags, FormatChecks formatChecks) {
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
        requireNonNull(tags, "tags");
        requireNonNull(formatChecks, "formatChecks");
    }

    /** A spec without tags whose formats are checked ({@link FormatChecks#DEFAULT}). */
    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout, String outputSchemaJson) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, outputSchemaJson,
                ToolTags.NONE, FormatChecks.DEFAULT);
    }

    /** A spec with tags whose formats are checked. */
    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout, String outputSchemaJson, ToolTags tags) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, outputSchemaJson,
                tags, FormatChecks.DEFAULT);
    }

    /** A spec without tags. */
    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout, String outputSchemaJson,
            FormatChecks formatChecks) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, outputSchemaJson,
                ToolTags.NONE, formatChecks);
    }

    /** The same spec with {@code tags}. */
    public ToolSpec withTags(ToolTags tags) {
        return new ToolSpec(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout,
                outputSchemaJson, tags, formatChecks);
    }

    public ToolSpec(String tenant, String integration, String name, String description, String inputSchemaJson,
            ToolAnnotations annotations, ToolBinding binding, Duration timeout) {
        this(tenant, integration, name, description, inputSchemaJson, annotations, binding, timeout, "", ToolTags.NONE,
                FormatChecks.DEFAULT);
    }
}
