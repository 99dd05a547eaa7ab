package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** What an admin asks for when creating or changing an HTTP tool. Immutable. */
public record ToolSpec(String tenant, String integration, String name, String description,
        String inputSchemaJson, ToolAnnotations annotations, HttpBinding binding, Duration timeout) {
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
    }
}
