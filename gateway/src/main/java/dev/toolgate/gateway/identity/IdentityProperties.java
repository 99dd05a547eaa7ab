package dev.toolgate.gateway.identity;

import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.identity.*}: how the gateway reads tenants' identity providers (docs/identity.md).
 * Bound and checked at start-up; immutable.
 *
 * @param jwksTtl            how long a fetched JWKS is used before it is fetched again
 * @param jwksMinRefresh     a token signed by a key the cached JWKS lacks fetches it again at most this often
 * @param jwksTimeout        connect and read timeout of a JWKS fetch
 * @param providerCacheTtl   how long a tenant's identity provider settings are cached (other instances see a
 *                           change after at most this long)
 */
@Context
@ConfigurationProperties(IdentityProperties.PREFIX)
public record IdentityProperties(
        @Bindable(defaultValue = "10m") Duration jwksTtl,
        @Bindable(defaultValue = "30s") Duration jwksMinRefresh,
        @Bindable(defaultValue = "5s") Duration jwksTimeout,
        @Bindable(defaultValue = "30s") Duration providerCacheTtl) {
    public static final String PREFIX = "toolgate.identity";

    public IdentityProperties {
        positive(PREFIX + ".jwks-ttl", jwksTtl);
        positive(PREFIX + ".jwks-min-refresh", jwksMinRefresh);
        positive(PREFIX + ".jwks-timeout", jwksTimeout);
        positive(PREFIX + ".provider-cache-ttl", providerCacheTtl);
    }
}
