package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ToolVersionRepository extends CrudRepository<ToolVersionEntity, String> {
    Optional<ToolVersionEntity> findByTenantIdAndToolIdAndVersion(String tenantId, String toolId, int version);
}
