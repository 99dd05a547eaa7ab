package dev.toolgate.gateway.catalog;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A tool's identity and its current version; the definition itself is in {@link ToolVersionEntity}. */
@MappedEntity("tools")
public record ToolEntity(@Id String id, String tenantId, String integrationId, String name, int currentVersion,
        Instant createdAt, Instant updatedAt, @Nullable Instant deletedAt) {
}
