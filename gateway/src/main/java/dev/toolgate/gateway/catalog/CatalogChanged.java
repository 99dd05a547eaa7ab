package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A tenant's catalog changed, through this instance or (announced through the database) another:
 * published (Micronaut application event) after the cached catalog was dropped, so open
 * {@code /mcp} streams compare their tool lists at once rather than at their next interval.
 */
public record CatalogChanged(String tenantId) {
    public CatalogChanged {
        requireNonNull(tenantId, "tenantId");
    }
}
