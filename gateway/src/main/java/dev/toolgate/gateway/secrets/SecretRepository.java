package dev.toolgate.gateway.secrets;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SecretRepository extends CrudRepository<SecretEntity, String> {
    Optional<SecretEntity> findByTenantIdAndName(String tenantId, String name);

    long deleteByTenantIdAndName(String tenantId, String name);
}
