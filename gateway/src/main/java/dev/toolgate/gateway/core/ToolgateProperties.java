package dev.toolgate.gateway.core;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The top-level {@code toolgate.*} keys. Bound at start-up; immutable.
 *
 * @param adminKey the bootstrap admin key ({@code toolgate.admin-key}); {@code ""} when unset
 * @param dataDir  where the development master key lives ({@code toolgate.data-dir})
 */
@Context
@ConfigurationProperties(ToolgateProperties.PREFIX)
public record ToolgateProperties(@Nullable String adminKey, @Bindable(defaultValue = "./data") String dataDir) {
    public static final String PREFIX = "toolgate";

    public ToolgateProperties {
        adminKey = Settings.orEmpty(adminKey);
        Settings.require(!dataDir.isBlank(), PREFIX + ".data-dir", "a directory", "'" + dataDir + "'");
    }
}
