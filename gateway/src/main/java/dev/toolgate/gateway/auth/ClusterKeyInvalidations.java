package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.Invalidation;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/**
 * Applies key invalidations announced by other instances: a revoked key is dropped and its
 * {@code /mcp} streams end ({@link KeyRevoked}), a tenant's changed skills drop its principals.
 */
@Singleton
final class ClusterKeyInvalidations {
    private final Authenticator authenticator;
    private final KeyLookup lookup;

    ClusterKeyInvalidations(Authenticator authenticator, KeyLookup lookup) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.lookup = requireNonNull(lookup, "lookup");
    }

    @EventListener
    void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case KEY -> authenticator.dropKey(invalidation.subject());
            case TENANT_KEYS -> lookup.dropTenant(invalidation.tenant());
            case ALL -> lookup.dropAll();
            case SECRET, CATALOG, SESSION, CONNECTED -> { }
        }
    }
}
