package dev.toolgate.gateway.secrets;

import static dev.toolgate.gateway.core.Settings.notNegative;
import static dev.toolgate.gateway.core.Settings.require;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.secrets.*}: the master key secrets are sealed with, and how long a decrypted
 * secret is reused. Older keys for reading after a rotation are {@code toolgate.secrets.previous-keys.<id>},
 * read by {@link SecretsFactory}. Bound and checked at start-up; immutable. {@link #toString()}
 * never shows the key.
 *
 * @param masterKey base64 of a 32-byte AES key; {@code ""} when unset
 * @param keyId     id of the current master key, stored with each secret
 * @param cacheTtl  how long a decrypted secret is reused; {@code 0s} turns caching off
 */
@Context
@ConfigurationProperties(SecretsProperties.PREFIX)
public record SecretsProperties(
        @Nullable String masterKey,
        @Bindable(defaultValue = "k1") String keyId,
        @Bindable(defaultValue = "2s") Duration cacheTtl) {
    public static final String PREFIX = "toolgate.secrets";

    public SecretsProperties {
        masterKey = masterKey == null ? "" : masterKey.strip();
        require(!keyId.isBlank(), PREFIX + ".key-id", "a non-blank id", "'" + keyId + "'");
        notNegative(PREFIX + ".cache-ttl", cacheTtl);
    }

    @Override
    public String toString() {
        return "SecretsProperties[masterKey=" + (masterKey.isEmpty() ? "unset" : "***") + ", keyId=" + keyId
                + ", cacheTtl=" + cacheTtl + "]";
    }
}
