package dev.toolgate.gateway.auth;

import static dev.toolgate.gateway.core.Settings.atLeast;
import static dev.toolgate.gateway.core.Settings.notNegative;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.auth.*}: how API keys are looked up and how failed attempts are limited. Bound
 * and checked at start-up (a rejected value names its key); immutable.
 *
 * @param cacheTtl              how long a key lookup is reused; {@code 0s} turns caching off
 * @param cacheSize             keys found that are cached at most
 * @param negativeCacheSize     hashes not found (or revoked) that are cached at most
 * @param legacyKeys            whether keys minted before keys had a checksum are accepted
 * @param failedAttemptsPerPeer failed authentications a minute per peer address; 0 = no limit
 * @param trackedPeers          peer addresses tracked at most for that limit
 */
@Context
@ConfigurationProperties(AuthProperties.PREFIX)
public record AuthProperties(
        @Bindable(defaultValue = "2s") Duration cacheTtl,
        @Bindable(defaultValue = "100000") int cacheSize,
        @Bindable(defaultValue = "10000") int negativeCacheSize,
        @Bindable(defaultValue = "true") boolean legacyKeys,
        @Bindable(defaultValue = "60") int failedAttemptsPerPeer,
        @Bindable(defaultValue = "10000") int trackedPeers) {
    public static final String PREFIX = "toolgate.auth";

    public AuthProperties {
        notNegative(PREFIX + ".cache-ttl", cacheTtl);
        atLeast(PREFIX + ".cache-size", cacheSize, 1);
        atLeast(PREFIX + ".negative-cache-size", negativeCacheSize, 1);
        atLeast(PREFIX + ".failed-attempts-per-peer", failedAttemptsPerPeer, 0);
        atLeast(PREFIX + ".tracked-peers", trackedPeers, 1);
    }
}
