package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import io.micronaut.data.annotation.Query;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ToolVersionRepository extends CrudRepository<ToolVersionEntity, String> {
    Optional<ToolVersionEntity> findByTenantIdAndToolIdAndVersion(String tenantId, String toolId, int version);

    /** The current version of every live tool of the tenant, in one query (the catalog load). */
    @Query(value = """
            SELECT v.* FROM tool_versions v
            JOIN tools t ON t.id = v.tool_id AND t.current_version = v.version AND t.tenant_id = v.tenant_id
            WHERE v.tenant_id = :tenantId AND t.deleted_at IS NULL""", nativeQuery = true)
    List<ToolVersionEntity> findCurrentByTenantId(String tenantId);

    /** The current version of every live tool of one integration, in one query (a tool set's write). */
    @Query(value = """
            SELECT v.* FROM tool_versions v
            JOIN tools t ON t.id = v.tool_id AND t.current_version = v.version AND t.tenant_id = v.tenant_id
            WHERE v.tenant_id = :tenantId AND t.integration_id = :integrationId AND t.deleted_at IS NULL""",
            nativeQuery = true)
    List<ToolVersionEntity> findCurrentByTenantIdAndIntegrationId(String tenantId, String integrationId);

    /** The highest version stored for the tool (held proposals included), 0 when none. */
    @Query(value = "SELECT COALESCE(MAX(version), 0) FROM tool_versions WHERE tenant_id = :tenantId AND tool_id = :toolId",
            nativeQuery = true)
    int maxVersion(String tenantId, String toolId);
}
