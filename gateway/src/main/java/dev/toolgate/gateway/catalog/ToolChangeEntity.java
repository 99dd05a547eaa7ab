package dev.toolgate.gateway.catalog;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A change of a tool's pinned definition, held for an admin (docs/catalog.md). {@code flags} is a
 * JSON array of strings; {@code status} one of {@link ToolChangeStatus}. Immutable.
 */
@MappedEntity("tool_definition_changes")
public record ToolChangeEntity(@Id String id, String tenantId, String toolId, String toolName, int pinnedVersion,
        int proposedVersion, String pinnedHash, String proposedHash, String source, String flags, String status,
        Instant createdAt, @Nullable Instant decidedAt, String decidedBy, String note) {

    public ToolChangeStatus state() {
        return ToolChangeStatus.valueOf(status);
    }

    /** This change with a decision (or supersession) recorded. */
    public ToolChangeEntity decided(ToolChangeStatus to, Instant at, String by, String why) {
        return new ToolChangeEntity(id, tenantId, toolId, toolName, pinnedVersion, proposedVersion, pinnedHash,
                proposedHash, source, flags, to.name(), createdAt, at, by, why);
    }
}
