package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ToolRepository extends CrudRepository<ToolEntity, String> {
    Optional<ToolEntity> findByTenantIdAndIntegrationIdAndName(String tenantId, String integrationId, String name);

    List<ToolEntity> findByTenantIdAndDeletedAtIsNull(String tenantId);

    List<ToolEntity> findByTenantIdAndIntegrationIdAndDeletedAtIsNull(String tenantId, String integrationId);

    /** Every tool of the integration, deleted ones included (a tool set's write reads them in one query). */
    List<ToolEntity> findByTenantIdAndIntegrationId(String tenantId, String integrationId);
}
