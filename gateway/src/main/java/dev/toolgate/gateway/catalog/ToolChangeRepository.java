package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

/** Held definition changes; every query names the tenant. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ToolChangeRepository extends CrudRepository<ToolChangeEntity, String> {
    Optional<ToolChangeEntity> findByIdAndTenantId(String id, String tenantId);

    /** The tool's latest change (the highest proposed version), if any. */
    Optional<ToolChangeEntity> findFirstByTenantIdAndToolIdOrderByProposedVersionDesc(String tenantId, String toolId);

    List<ToolChangeEntity> findByTenantIdAndStatusOrderByCreatedAtDesc(String tenantId, String status);

    List<ToolChangeEntity> findByTenantIdOrderByCreatedAtDesc(String tenantId);

    List<ToolChangeEntity> findByTenantIdAndToolIdAndStatus(String tenantId, String toolId, String status);
}
