package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

@MappedEntity("integrations")
public record IntegrationEntity(@Id String id, String tenantId, String name, String kind, String baseUrl,
        String authKind, String authSecret, String description, Instant createdAt, Instant updatedAt) {

    public HttpAuth auth() {
        return new HttpAuth(HttpAuth.Kind.valueOf(authKind), authSecret);
    }
}
