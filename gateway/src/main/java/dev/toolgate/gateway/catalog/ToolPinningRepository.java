package dev.toolgate.gateway.catalog;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ToolPinningRepository extends CrudRepository<ToolPinningEntity, String> {
    /** The tenant's mode, {@link PinningMode#HOLD} when never set. */
    default PinningMode modeOf(String tenantId) {
        return findById(tenantId).map(p -> PinningMode.valueOf(p.mode())).orElse(PinningMode.HOLD);
    }
}
