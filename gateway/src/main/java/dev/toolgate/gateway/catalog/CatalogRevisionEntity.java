package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** The change counter of one tenant's catalog. */
@MappedEntity("catalog_revisions")
public record CatalogRevisionEntity(@Id String tenantId, long revision) {
}
