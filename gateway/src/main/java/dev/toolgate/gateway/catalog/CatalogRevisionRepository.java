package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface CatalogRevisionRepository extends CrudRepository<CatalogRevisionEntity, String> {

    @Query("UPDATE catalog_revisions SET revision = revision + 1 WHERE tenant_id = :tenantId")
    long increment(String tenantId);

    @Query("INSERT INTO catalog_revisions (tenant_id, revision) VALUES (:tenantId, 0) ON CONFLICT DO NOTHING")
    long ensureRow(String tenantId);

    /** The tenant's revision, 0 when its catalog never changed. */
    default long revisionOf(String tenantId) {
        return findById(tenantId).map(CatalogRevisionEntity::revision).orElse(0L);
    }

    /** Bumps the revision inside the caller's transaction; concurrent first bumps of a tenant do not clash. */
    default void bump(String tenantId) {
        ensureRow(tenantId);
        increment(tenantId);
    }
}
