package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code integrations}. {@code kind} loads whatever is stored (see {@link StoredKind});
 * {@code source} and {@code authKind} are enums stored in their schema forms.
 */
@MappedEntity("integrations")
public record IntegrationEntity(@Id String id, String tenantId, String name,
        @TypeDef(type = DataType.STRING, converter = IntegrationColumns.KindConverter.class) StoredKind kind,
        String baseUrl, HttpAuth.Kind authKind, String authSecret, String description, Instant createdAt,
        Instant updatedAt, String securitySchemes,
        @TypeDef(type = DataType.STRING, converter = IntegrationColumns.SourceConverter.class) IntegrationSource source,
        String settings) {

    /**
     * The kind of this integration; empty when the stored {@code kind} is not one this gateway
     * knows (e.g. written by a newer version).
     */
    public Optional<IntegrationKind> integrationKind() {
        return kind.known();
    }

    public HttpAuth auth() {
        return new HttpAuth(authKind, authSecret);
    }

    /** The schemes imported from an OpenAPI document; none for hand-defined integrations. */
    public SecuritySchemes schemes() {
        return SecuritySchemes.fromJson(securitySchemes);
    }
}
