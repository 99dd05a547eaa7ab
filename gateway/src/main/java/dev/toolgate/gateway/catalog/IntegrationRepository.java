package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface IntegrationRepository extends CrudRepository<IntegrationEntity, String> {
    Optional<IntegrationEntity> findByTenantIdAndName(String tenantId, String name);

    List<IntegrationEntity> findByTenantId(String tenantId);
}
