package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Immutable authentication settings.
 *
 * @param bootstrapAdminKey the key that administers every tenant ({@code TOOLGATE_ADMIN_KEY});
 *                          empty when not configured
 */
public record AuthConfig(Optional<String> bootstrapAdminKey) {
    public static final int MIN_ADMIN_KEY_LENGTH = 24;

    public AuthConfig {
        requireNonNull(bootstrapAdminKey, "bootstrapAdminKey");
        bootstrapAdminKey.ifPresent(key -> {
            if (key.length() < MIN_ADMIN_KEY_LENGTH || key.length() > ApiKeyFormat.MAX_LENGTH) {
                throw new IllegalArgumentException("TOOLGATE_ADMIN_KEY must be " + MIN_ADMIN_KEY_LENGTH + ".."
                        + ApiKeyFormat.MAX_LENGTH + " characters, but was " + key.length());
            }
            if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("TOOLGATE_ADMIN_KEY must be printable ASCII without spaces");
            }
        });
    }

    public static AuthConfig of(String bootstrapAdminKey) {
        return new AuthConfig(bootstrapAdminKey == null || bootstrapAdminKey.isBlank()
                ? Optional.empty() : Optional.of(bootstrapAdminKey.trim()));
    }
}
