package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A tenant's {@link PinningMode}; no row means {@link PinningMode#HOLD}. */
@MappedEntity("tool_pinning")
public record ToolPinningEntity(@Id String tenantId, String mode, Instant updatedAt) {
}
