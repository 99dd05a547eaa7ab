package dev.toolgate.gateway.auth;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends CrudRepository<ApiKeyEntity, String> {

    /** Keys are looked up by hash alone: the hash is unique and the row names its tenant. */
    Optional<ApiKeyEntity> findByKeyHash(String keyHash);

    Optional<ApiKeyEntity> findByIdAndTenantId(String id, String tenantId);

    @Query("UPDATE api_keys SET revoked_at = :revokedAt WHERE id = :id AND tenant_id = :tenantId AND revoked_at IS NULL")
    long revoke(String id, String tenantId, Instant revokedAt);
}
