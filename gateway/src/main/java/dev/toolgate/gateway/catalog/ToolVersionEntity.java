package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One immutable version of a tool definition. {@code binding} is {@link HttpBinding#toJson()};
 * {@code outputSchema} is empty when unknown; {@code tags} is {@link ToolTags#toJson()}; {@code formatChecks} is
 * {@link dev.toolgate.gateway.validation.FormatChecks#wire()}. */
@MappedEntity("tool_versions")
public record ToolVersionEntity(@Id String id, String tenantId, String toolId, int version, String description,
        String inputSchema, String annotations, String binding, int timeoutMs, Instant createdAt, String outputSchema,
        String tags, String formatChecks) {
}
