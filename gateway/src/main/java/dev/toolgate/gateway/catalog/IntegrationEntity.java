package dev.toolgate.gateway.catalog;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.Optional;

@MappedEntity("integrations")
public record IntegrationEntity(@Id String id, String tenantId, String name, String kind, String baseUrl,
        String authKind, String authSecret, String description, Instant createdAt, Instant updatedAt,
        String securitySchemes, String source, String settings) {
    public static final String SOURCE_MANUAL = "manual";
    public static final String KIND_HTTP = "http";
    public static final String KIND_SQL = "sql";
    public static final String KIND_MCP = "mcp";
    public static final String SOURCE_OPENAPI = "openapi";

    /**
     * The kind of this integration; empty when the stored {@code kind} is not one this gateway
     * knows (e.g. written by a newer version).
     */
    public Optional<IntegrationKind> integrationKind() {
        return IntegrationKind.fromStored(kind);
    }

    public HttpAuth auth() {
        return new HttpAuth(HttpAuth.Kind.valueOf(authKind), authSecret);
    }

    /** The schemes imported from an OpenAPI document; none for hand-defined integrations. */
    public SecuritySchemes schemes() {
        return SecuritySchemes.fromJson(securitySchemes);
    }
}
