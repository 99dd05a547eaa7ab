package dev.toolgate.gateway.tenancy;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A tenant row: the isolation boundary every other row hangs off. */
@MappedEntity("tenants")
public record TenantEntity(@Id String id, String displayName, Instant createdAt) {
}
